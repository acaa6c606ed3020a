// Turns a provider folder's spec, hooks and objects into a registry entry, parsing the spec so
// a malformed one fails loudly, with the provider and the field named.
import {
  type Provider,
  type ProviderHooks,
  type ProviderObjects,
  type ProviderSpecInput,
  providerSpecSchema,
} from './types.ts'
import type { WebhookReceiver } from '../webhooks/receiver.ts'

export interface ProviderDefinition {
  spec: ProviderSpecInput
  hooks?: ProviderHooks
  objects?: ProviderObjects
  webhooks?: WebhookReceiver
}

/**
 * A registry entry from a provider folder's parts. Provider folders export a
 * `ProviderDefinition` from their `index.ts`; the registry calls this on each.
 *
 * @throws {Error} naming the provider and the fields when the spec does not parse.
 */
export function defineProvider(definition: ProviderDefinition): Provider {
  const parsed = providerSpecSchema.safeParse(definition.spec)
  if (!parsed.success) {
    const id = (definition.spec as { id?: unknown }).id
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new Error(`Provider spec ${JSON.stringify(id)} is invalid: ${fields.join('; ')}`)
  }
  return {
    spec: parsed.data,
    hooks: definition.hooks ?? {},
    objects: definition.objects ?? {},
    ...(definition.webhooks ? { webhooks: definition.webhooks } : {}),
  }
}
