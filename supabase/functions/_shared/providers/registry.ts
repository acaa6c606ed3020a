// Every provider we connect to, by id: one import and one line each. Adding a provider is a new
// folder under providers/ plus one line here. Each spec is parsed by providerSpecSchema on the
// first lookup, which every function's index.ts makes at boot (listProviders), so a malformed
// entry stops the function from starting, not a tenant's connect.
import { NotFoundError } from '../http/errors.ts'
import { salesforce } from './salesforce/index.ts'
import { hubspot } from './hubspot/index.ts'
import { pipedrive } from './pipedrive/index.ts'
import { microsoft365 } from './microsoft365/index.ts'
import { slack } from './slack/index.ts'
import { asana } from './asana/index.ts'
import { notion } from './notion/index.ts'
import { google } from './google/index.ts'
import { github } from './github/index.ts'
import { gitlab } from './gitlab/index.ts'
import { jira } from './jira/index.ts'
import { trello } from './trello/index.ts'
import { bamboohr } from './bamboohr/index.ts'
import { workday } from './workday/index.ts'
import { dropbox } from './dropbox/index.ts'
import { zendesk } from './zendesk/index.ts'
import { defineProvider, type ProviderDefinition } from './define.ts'
import type { Provider, ProviderId } from './types.ts'

/** Read on first use: provider clients reach back here through connections/, an import cycle. */
const entries = (): readonly ProviderDefinition[] => [
  salesforce,
  hubspot,
  pipedrive,
  microsoft365,
  slack,
  asana,
  notion,
  google,
  github,
  gitlab,
  jira,
  trello,
  bamboohr,
  workday,
  dropbox,
  zendesk,
]

let table: ReadonlyMap<ProviderId, Provider> | undefined

function providers(): ReadonlyMap<ProviderId, Provider> {
  table ??= new Map(
    entries().map((entry) => {
      const provider = defineProvider(entry)
      return [provider.spec.id, provider]
    }),
  )
  return table
}

/** True when `id` names a provider in the registry. */
export function isProviderId(id: string): boolean {
  return providers().has(id)
}

/**
 * The provider named `id`.
 *
 * @throws {NotFoundError} 404 for a provider the registry does not hold.
 */
export function getProvider(id: string): Provider {
  const provider = providers().get(id)
  if (!provider) throw new NotFoundError(`Unknown provider ${JSON.stringify(id)}`)
  return provider
}

/** Every provider, in registry order. */
export function listProviders(): readonly Provider[] {
  return [...providers().values()]
}
