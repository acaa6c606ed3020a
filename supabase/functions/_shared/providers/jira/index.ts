// Jira's registry entry.
import type { ProviderDefinition } from '../define.ts'
import { jiraHooks } from './hooks.ts'
import { jiraSpec } from './spec.ts'

export const jira: ProviderDefinition = { spec: jiraSpec, hooks: jiraHooks }
