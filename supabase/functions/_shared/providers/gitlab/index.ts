// GitLab's registry entry: data only, no hooks.
import type { ProviderDefinition } from '../define.ts'
import { gitlabSpec } from './spec.ts'

export const gitlab: ProviderDefinition = { spec: gitlabSpec }
