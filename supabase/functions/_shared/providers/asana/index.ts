// Asana's registry entry: data only, no hooks.
import type { ProviderDefinition } from '../define.ts'
import { asanaSpec } from './spec.ts'

export const asana: ProviderDefinition = { spec: asanaSpec }
