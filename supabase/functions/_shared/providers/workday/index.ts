// Workday's registry entry: data only, no hooks.
import type { ProviderDefinition } from '../define.ts'
import { workdaySpec } from './spec.ts'

export const workday: ProviderDefinition = { spec: workdaySpec }
