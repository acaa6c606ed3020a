// BambooHR's registry entry: data only, no hooks.
import type { ProviderDefinition } from '../define.ts'
import { bamboohrSpec } from './spec.ts'

export const bamboohr: ProviderDefinition = { spec: bamboohrSpec }
