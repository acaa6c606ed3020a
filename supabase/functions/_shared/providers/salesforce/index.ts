// Salesforce's registry entry: its spec, its hooks, and its objects (Contacts).
import type { ProviderDefinition } from '../define.ts'
import { salesforceContacts } from './contact-object.ts'
import { salesforceHooks } from './hooks.ts'
import { salesforceSpec } from './spec.ts'

export const salesforce: ProviderDefinition = {
  spec: salesforceSpec,
  hooks: salesforceHooks,
  objects: { contact: salesforceContacts },
}
