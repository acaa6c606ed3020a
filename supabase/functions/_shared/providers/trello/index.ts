// Trello's registry entry.
import type { ProviderDefinition } from '../define.ts'
import { trelloHooks } from './hooks.ts'
import { trelloSpec } from './spec.ts'

export const trello: ProviderDefinition = { spec: trelloSpec, hooks: trelloHooks }
