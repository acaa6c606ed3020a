// Slack's registry entry.
import type { ProviderDefinition } from '../define.ts'
import { slackHooks } from './hooks.ts'
import { slackSpec } from './spec.ts'

export const slack: ProviderDefinition = { spec: slackSpec, hooks: slackHooks }
