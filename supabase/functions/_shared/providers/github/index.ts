// GitHub's registry entry.
import type { ProviderDefinition } from '../define.ts'
import { githubHooks } from './hooks.ts'
import { githubSpec } from './spec.ts'

export const github: ProviderDefinition = { spec: githubSpec, hooks: githubHooks }
