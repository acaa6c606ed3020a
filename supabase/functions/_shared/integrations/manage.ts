// Creating, listing, changing integrations and reading their events, on behalf of a user: RLS
// and the column grants guard each statement; a tenant's own client goes to Vault.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { saveClient } from '../connections/store.ts'
import { asService, asUser } from '../db/as-user.ts'
import type { Tx } from '../db/client.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../http/errors.ts'
import type { ClientCredentials } from '../oauth/token-client.ts'
import { getProvider } from '../providers/registry.ts'
import type { ConnectionConfig, IntegrationEnvironment, Provider } from '../providers/types.ts'
import { parseConnectionConfig } from '../providers/urls.ts'
import {
  findIntegration,
  isBusinessAdmin,
  isBusinessMember,
  loadIntegrationFor,
  requireIntegrationAccess,
} from '../tenancy/access.ts'
import { integrationColumns, type IntegrationRow } from './integration-view.ts'

export interface NewIntegration {
  business_id: string
  provider: string
  name: string
  /** Unchecked: validated here against the provider's spec. */
  connection_config?: Record<string, string>
  environment: IntegrationEnvironment
  my_domain_url?: string
  api_version?: string
  client?: ClientCredentials
}

export interface IntegrationChanges {
  name?: string
  connection_config?: Record<string, string>
  environment?: IntegrationEnvironment
  my_domain_url?: string | null
  api_version?: string
  client?: ClientCredentials
}

/** 409: the org or connected app of a live connection cannot change; disconnect first. */
function movingConnectedIntegration(): ConflictError {
  return new ConflictError('Disconnect the integration before changing its org or connected app', {
    code: 'integration_connected',
  })
}

/**
 * A unique or check violation is the caller's mistake, not a 500; the database's refusal to move
 * an active integration is the same 409 the function gives.
 */
export function mapWriteError(error: unknown): never {
  const code = (error as { code?: string }).code
  if (code === '23505') {
    throw new ConflictError('This business already has an integration with that name', {
      code: 'integration_exists',
    })
  }
  if (code === '23514') throw new ValidationError('The integration settings are inconsistent')
  // The database's own guard (app.refuse_moving_active_integration): the integration became
  // active between our status check and this update.
  if (code === '55000') throw movingConnectedIntegration()
  throw error
}

function checkDomain(environment: IntegrationEnvironment, myDomainUrl: string | null): void {
  if ((environment === 'custom') !== (myDomainUrl !== null)) {
    throw new ValidationError('my_domain_url is required for custom and only for custom')
  }
}

/**
 * The connection config a write leaves: the tenant's fields checked against the provider's
 * spec (400 naming the field), with Salesforce's environment and My Domain (still top-level
 * fields of the API) folded in, then the provider's cross-field rules.
 */
function checkedConfig(
  provider: Provider,
  given: Record<string, string> | undefined,
  location: { environment: IntegrationEnvironment; my_domain_url: string | null } | undefined,
): ConnectionConfig {
  const located = location && 'environment' in provider.spec.connectionConfig
    ? {
      environment: location.environment,
      ...(location.my_domain_url ? { my_domain_url: location.my_domain_url } : {}),
    }
    : {}
  const config = parseConnectionConfig(provider.spec, { ...located, ...given })
  return provider.hooks.checkConfig?.(config) ?? config
}

/** environment and my_domain_url are Salesforce's: another provider takes connection_config. */
function refuseSalesforceFields(
  provider: Provider,
  fields: { environment?: string; my_domain_url?: string | null },
): void {
  if ('environment' in provider.spec.connectionConfig) return
  const given = (fields.environment !== undefined && fields.environment !== 'production') ||
    (fields.my_domain_url !== undefined && fields.my_domain_url !== null)
  if (given) {
    throw new ValidationError(
      `environment and my_domain_url are Salesforce settings; ${provider.spec.displayName} takes connection_config`,
    )
  }
}

/**
 * Creates an integration in the caller's business (owners and admins only) and stores its own
 * client in Vault when given. If Vault refuses, the integration is removed again.
 *
 * @throws {NotFoundError} when the caller is not in the business.
 * @throws {ForbiddenError} when the caller is only a member.
 * @throws {ConflictError} `integration_exists` for a taken name.
 */
export async function createIntegration(
  claims: UserClaims,
  input: NewIntegration,
): Promise<IntegrationRow> {
  const provider = getProvider(input.provider)
  refuseSalesforceFields(provider, input)
  checkDomain(input.environment, input.my_domain_url ?? null)
  const config = checkedConfig(provider, input.connection_config, {
    environment: input.environment,
    my_domain_url: input.my_domain_url ?? null,
  })
  const created = await asUser(claims, async (tx) => {
    // Admin first: the usual caller is one, and pays one round trip; only a refusal asks
    // whether it is a member's 403 or a stranger's 404.
    if (!(await isBusinessAdmin(tx, input.business_id))) {
      if (!(await isBusinessMember(tx, input.business_id))) {
        throw new NotFoundError('Business not found')
      }
      throw new ForbiddenError('Only owners and admins can add integrations')
    }
    const [row] = await tx<IntegrationRow[]>`
      insert into public.integrations
        (business_id, provider, name, environment, my_domain_url, connection_config, api_version)
      values (${input.business_id}, ${provider.spec.id}, ${input.name},
              ${config.environment ?? input.environment}, ${config.my_domain_url ?? null},
              ${tx.json(config)},
              ${input.api_version ?? provider.hooks.defaultApiVersion?.() ?? '62.0'})
      returning ${tx(integrationColumns)}`.catch(mapWriteError)
    return row
  })
  if (!input.client) return created
  try {
    await asService((tx) => saveClient(tx, created.id, input.client!))
  } catch (error) {
    await asService((tx) => tx`delete from public.integrations where id = ${created.id}`)
    throw error
  }
  return { ...created, uses_own_client: true }
}

/**
 * The integrations of a business the caller belongs to, by name.
 *
 * @throws {NotFoundError} when the caller is not in the business.
 */
export async function listIntegrations(
  claims: UserClaims,
  businessId: string,
): Promise<IntegrationRow[]> {
  return await asUser(claims, async (tx) => {
    if (!(await isBusinessMember(tx, businessId))) throw new NotFoundError('Business not found')
    return await tx<IntegrationRow[]>`
      select ${tx(integrationColumns)} from public.integrations
       where business_id = ${businessId} order by name, id`
  })
}

/** The integration if the caller belongs to its business. */
export async function getIntegration(
  claims: UserClaims,
  integrationId: string,
): Promise<IntegrationRow> {
  return await loadIntegrationFor(claims, integrationId, { admin: false })
}

async function applyChanges(tx: Tx, current: IntegrationRow, changes: IntegrationChanges) {
  const next = {
    name: changes.name ?? current.name,
    environment: changes.environment ?? current.environment,
    my_domain_url: changes.my_domain_url === undefined
      ? current.my_domain_url
      : changes.my_domain_url,
    api_version: changes.api_version ?? current.api_version,
  }
  // Switching from custom to another environment drops the My Domain with it.
  if (
    changes.environment && changes.environment !== 'custom' && changes.my_domain_url === undefined
  ) {
    next.my_domain_url = null
  }
  checkDomain(next.environment, next.my_domain_url)
  // Salesforce's location columns carry its config (a trigger keeps them one); other providers'
  // config is replaced whole when given.
  const config = changes.connection_config === undefined
    ? undefined
    : checkedConfig(getProvider(current.provider), changes.connection_config, next)
  if (config?.environment !== undefined) {
    next.environment = config.environment as IntegrationEnvironment
    next.my_domain_url = config.my_domain_url ?? null
  }
  const [row] = await tx<IntegrationRow[]>`
    update public.integrations
       set ${tx(next)}${config ? tx`, connection_config = ${tx.json(config)}` : tx``}
     where id = ${current.id}
    returning ${tx(integrationColumns)}`.catch(mapWriteError)
  if (!row) throw new NotFoundError('Integration not found')
  return row
}

/**
 * Renames or reconfigures an integration (owners and admins). The org (environment, My Domain)
 * and the connected app can only change while no grant depends on them: tokens belong to one
 * org and can only be refreshed by the app that got them.
 *
 * @throws {ConflictError} `integration_connected` when such a change meets a live connection.
 */
export async function updateIntegration(
  claims: UserClaims,
  integrationId: string,
  changes: IntegrationChanges,
): Promise<IntegrationRow> {
  const current = await requireIntegrationAccess(claims, integrationId, 'manage')
  refuseSalesforceFields(getProvider(current.provider), changes)
  const movesOrg = (changes.environment !== undefined &&
    changes.environment !== current.environment) ||
    (changes.my_domain_url !== undefined && changes.my_domain_url !== current.my_domain_url) ||
    changes.connection_config !== undefined
  // Only an active integration holds a live grant (a failed reconnect keeps it active; pending
  // and error ones have none), and a half-done connect must stay fixable (a mistyped client id).
  if ((movesOrg || changes.client) && current.status === 'active') {
    throw movingConnectedIntegration()
  }
  const updated = await asUser(claims, (tx) => applyChanges(tx, current, changes))
  if (!changes.client) return updated
  await asService((tx) => saveClient(tx, integrationId, changes.client!))
  return { ...updated, uses_own_client: true }
}

export interface IntegrationEventView {
  id: string
  type: string
  actor_id: string | null
  metadata: Record<string, unknown>
  created_at: Date
}

/**
 * An integration's events, newest first, `limit` at a time; pass the last id as `before` for
 * the next page. Members may read them.
 */
export async function listIntegrationEvents(
  claims: UserClaims,
  integrationId: string,
  { limit, before }: { limit: number; before?: string },
): Promise<IntegrationEventView[]> {
  return await asUser(claims, async (tx) => {
    if (!(await findIntegration(tx, integrationId))) {
      throw new NotFoundError('Integration not found')
    }
    return await tx<IntegrationEventView[]>`
      select id::text, type, actor_id, metadata, created_at
        from public.integration_events
       where integration_id = ${integrationId}
         and (${before ?? null}::bigint is null or id < ${before ?? null}::bigint)
       order by id desc
       limit ${limit}`
  })
}
