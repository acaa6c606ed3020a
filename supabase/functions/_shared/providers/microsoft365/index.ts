// Microsoft 365's registry entry: data only, no hooks.
import type { ProviderDefinition } from '../define.ts'
import { microsoft365Spec } from './spec.ts'

export const microsoft365: ProviderDefinition = { spec: microsoft365Spec }
