// HubSpot's registry entry: its spec, its hooks, its webhooks, and its objects: contacts (live
// reads and sync) and companies, synced as the `account` object into public.accounts.
import type { ProviderDefinition } from '../define.ts'
import { hubspotCompanySync } from './company-sync.ts'
import { hubspotContactObject } from './contact-object.ts'
import { hubspotHooks } from './hooks.ts'
import { hubspotSpec } from './spec.ts'
import { hubspotWebhooks } from './webhooks.ts'

export const hubspot: ProviderDefinition = {
  spec: hubspotSpec,
  hooks: hubspotHooks,
  webhooks: hubspotWebhooks,
  objects: {
    contact: hubspotContactObject,
    sync: (object) => object === 'account' ? hubspotCompanySync : undefined,
  },
}
