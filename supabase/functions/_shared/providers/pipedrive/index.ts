// Pipedrive's registry entry.
import type { ProviderDefinition } from '../define.ts'
import { pipedriveHooks } from './hooks.ts'
import { pipedriveSpec } from './spec.ts'

export const pipedrive: ProviderDefinition = { spec: pipedriveSpec, hooks: pipedriveHooks }
