// The sync source of each provider, from its registry entry: the one place the engine learns
// which code reads which CRM.
import { NotFoundError } from '../http/errors.ts'
import { getProvider, isProviderId } from '../providers/registry.ts'
import type { SourceFactory } from './source.ts'

/**
 * The source factory of `provider`.
 *
 * @throws {NotFoundError} `sync_source_missing` for a provider the sync cannot read yet.
 */
export function sourceFor(provider: string): SourceFactory {
  const factory = isProviderId(provider) ? getProvider(provider).objects.contact?.sync : undefined
  if (!factory) {
    throw new NotFoundError(`No sync for provider ${JSON.stringify(provider)}`, {
      code: 'sync_source_missing',
    })
  }
  return factory
}
