// Dropbox's registry entry.
import type { ProviderDefinition } from '../define.ts'
import { dropboxHooks } from './hooks.ts'
import { dropboxSpec } from './spec.ts'

export const dropbox: ProviderDefinition = { spec: dropboxSpec, hooks: dropboxHooks }
