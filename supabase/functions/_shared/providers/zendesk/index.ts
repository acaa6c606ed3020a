// Zendesk's registry entry.
import type { ProviderDefinition } from '../define.ts'
import { zendeskHooks } from './hooks.ts'
import { zendeskSpec } from './spec.ts'

export const zendesk: ProviderDefinition = { spec: zendeskSpec, hooks: zendeskHooks }
