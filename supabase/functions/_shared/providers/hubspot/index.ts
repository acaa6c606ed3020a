// HubSpot's registry entry: its spec, its hooks, and its objects (contacts; companies are
// exported from company-sync.ts for the engine's object registry).
import type { ProviderDefinition } from '../define.ts'
import { hubspotContactObject } from './contact-object.ts'
import { hubspotHooks } from './hooks.ts'
import { hubspotSpec } from './spec.ts'

export const hubspot: ProviderDefinition = {
  spec: hubspotSpec,
  hooks: hubspotHooks,
  objects: { contact: hubspotContactObject },
}
