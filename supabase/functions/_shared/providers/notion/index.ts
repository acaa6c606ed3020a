// Notion's registry entry: data only, no hooks.
import type { ProviderDefinition } from '../define.ts'
import { notionSpec } from './spec.ts'

export const notion: ProviderDefinition = { spec: notionSpec }
