// HubSpot's registry entry.
import type { ProviderDefinition } from '../define.ts'
import { hubspotHooks } from './hooks.ts'
import { hubspotSpec } from './spec.ts'
import { hubspotWebhooks } from './webhooks.ts'

export const hubspot: ProviderDefinition = {
  spec: hubspotSpec,
  hooks: hubspotHooks,
  webhooks: hubspotWebhooks,
}
