// Google's registry entry: data only, no hooks.
import type { ProviderDefinition } from '../define.ts'
import { googleSpec } from './spec.ts'

export const google: ProviderDefinition = { spec: googleSpec }
