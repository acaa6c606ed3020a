// The contacts routes' inputs as zod schemas: what the handlers may assume once validation passed.
import { z } from 'zod'
import { pgTimestamp } from '../http/pg-input.ts'
import { anyCanonicalContactId } from './contact-object.ts'
import { cursorParam } from './cursor.ts'

/** Most ids one import takes (issue 5). */
export const maxImportIds = 2000

/** Rows per page: 1..200, 50 when not given. */
const pageLimit = z.coerce.number().int().min(1).max(200).default(50)

/**
 * Free-text search: trimmed, at most 100 characters, no control characters (SOQL has no escape
 * for most of them). An empty value means no search.
 */
const searchText = z.string().trim().max(100).regex(
  /^[^\p{Cc}]*$/u,
  'must not contain control characters',
).transform((value) => value === '' ? undefined : value).optional()

/** A query-string boolean. */
const queryBoolean = z.enum(['true', 'false', '1', '0']).transform((value) =>
  value === 'true' || value === '1'
)

/** The remote cursor holds the last contact id shown (`a`), in its canonical form. */
export const remoteCursorSchema = z.strictObject({
  a: z.string().max(255).refine(
    (id) => anyCanonicalContactId(id) === id,
    'not a canonical Contact id',
  ),
})
export type RemoteCursor = z.output<typeof remoteCursorSchema>

/**
 * The synced-list cursor holds the last row's (updated_at, id). updated_at is kept as text with
 * microseconds, exactly as Postgres stores it: a JS Date would round to milliseconds and the
 * keyset would skip or repeat rows that differ below that.
 */
export const syncedCursorSchema = z.strictObject({
  u: pgTimestamp({ precision: 6 }),
  i: z.guid(),
})
export type SyncedCursor = z.output<typeof syncedCursorSchema>

export const integrationParamSchema = z.object({ integrationId: z.guid() })

export const remoteQuerySchema = z.object({
  limit: pageLimit,
  cursor: cursorParam(remoteCursorSchema).optional(),
  search: searchText,
})
export type RemoteQuery = z.output<typeof remoteQuerySchema>

export const syncedQuerySchema = z.object({
  integration_id: z.guid().optional(),
  business_id: z.guid().optional(),
  updated_since: pgTimestamp().optional(),
  search: searchText,
  include_deleted: queryBoolean.default(false),
  limit: pageLimit,
  cursor: cursorParam(syncedCursorSchema).optional(),
}).refine(
  (query) => (query.integration_id === undefined) !== (query.business_id === undefined),
  { message: 'give exactly one of integration_id and business_id', path: ['integration_id'] },
)
export type SyncedQuery = z.output<typeof syncedQuerySchema>

/**
 * A contact id as the caller may give it (Salesforce: 15 case-sensitive or 18 characters,
 * prefix 003); the integration's own provider checks it again on import.
 */
const contactId = z.string().max(255).refine(
  (id) => anyCanonicalContactId(id) !== undefined,
  'must be a 15- or 18-character Salesforce Contact id',
)

export const importBodySchema = z.strictObject({
  integration_id: z.guid(),
  campaign_id: z.guid(),
  source_ids: z.array(contactId).min(1).max(maxImportIds),
})
export type ImportBody = z.output<typeof importBodySchema>
