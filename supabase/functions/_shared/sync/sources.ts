// The sync source of each (provider, object), from the provider's registry entry, and the
// object's configuration as integration_objects holds it: the one place the engine learns which
// code reads which CRM object, and with which fields.
import { z } from 'zod'
import { getProvider, isProviderId } from '../providers/registry.ts'
import { ObjectSyncError } from './errors.ts'
import type { ObjectSyncConfig, SourceFactory } from './source.ts'

/**
 * The source factory of `object` of `provider`: the contact object's own, or the provider's
 * source for any other object it syncs (account, lead, or an API name).
 *
 * @throws {ObjectSyncError} `sync_source_missing` for an object the provider's sync cannot read.
 */
export function sourceFor(provider: string, object: string): SourceFactory {
  const objects = isProviderId(provider) ? getProvider(provider).objects : undefined
  const factory = object === 'contact' ? objects?.contact?.sync : objects?.sync?.(object)
  if (!factory) {
    throw new ObjectSyncError(
      'sync_source_missing',
      `No sync for ${JSON.stringify(object)} of provider ${JSON.stringify(provider)}`,
    )
  }
  return factory
}

/**
 * A field mapping as the sync may use it. The objects endpoints validate mappings against the
 * org's describe, but the table can also be written directly (the Data API, with an owner's
 * token), so the sync checks again: source field names go into queries, so only plain API names
 * (letters, digits, underscores; no relationship paths) pass.
 */
export const fieldMappingSchema = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, 'not a field API name'),
  z.string().min(1).max(100),
).refine((mapping) => Object.keys(mapping).length <= 200, 'at most 200 mapped fields')

/**
 * The object's configuration from its integration_objects row (field mapping, source-record
 * opt-in); the contact object without a row syncs its standard fields only.
 *
 * @throws {ObjectSyncError} `object_config_invalid` naming what is wrong with the mapping.
 */
export function objectConfig(
  object: string,
  row: { field_mapping: unknown; keep_source_record: boolean } | null,
): ObjectSyncConfig {
  if (!row) return { object, fieldMapping: {}, keepSourceRecord: false }
  const mapping = fieldMappingSchema.safeParse(row.field_mapping)
  if (!mapping.success) {
    const issue = mapping.error.issues[0]
    throw new ObjectSyncError(
      'object_config_invalid',
      `The field mapping of ${object} cannot be used: ${
        issue.path.map(String).join('.') || 'mapping'
      } ${issue.message}`,
    )
  }
  return { object, fieldMapping: mapping.data, keepSourceRecord: row.keep_source_record }
}
