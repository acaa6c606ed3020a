// Salesforce's registry entry: its spec, its hooks, and the objects the engine can sync.
import type { ProviderDefinition } from '../define.ts'
import { salesforceContactSource } from './contact-sync.ts'
import { salesforceHooks } from './hooks.ts'
import { salesforceSpec } from './spec.ts'

export const salesforce: ProviderDefinition = {
  spec: salesforceSpec,
  hooks: salesforceHooks,
  // Called through a function: contact-sync reaches the registry (via connections), so the
  // binding is read at sync time, not while the modules are still loading.
  objects: { contact: { sync: (id, options) => salesforceContactSource(id, options) } },
}
