// The sync source of each provider: the one place the engine learns which code reads which CRM.
import { NotFoundError } from '../http/errors.ts'
import { salesforceContactSource } from '../providers/salesforce/contact-sync.ts'
import type { SourceFactory } from './source.ts'

const sources: Readonly<Record<string, SourceFactory>> = {
  salesforce: salesforceContactSource,
}

/**
 * The source factory of `provider`.
 *
 * @throws {NotFoundError} `sync_source_missing` for a provider the sync cannot read yet.
 */
export function sourceFor(provider: string): SourceFactory {
  const factory = Object.hasOwn(sources, provider) ? sources[provider] : undefined
  if (!factory) {
    throw new NotFoundError(`No sync for provider ${JSON.stringify(provider)}`, {
      code: 'sync_source_missing',
    })
  }
  return factory
}
