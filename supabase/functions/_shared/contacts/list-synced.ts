// Synced contacts of one integration or business, read through the caller's RLS, in keyset pages
// on (updated_at, id) so a client can also poll for changes with updated_since.
import type { Tx } from '../db/client.ts'
import { requireCallerBusiness, requireCallerIntegration } from './caller-scope.ts'
import { encodeCursor } from './cursor.ts'
import type { SyncedCursor, SyncedQuery } from './schemas.ts'

/** A synced contact as the API shows it. */
export interface SyncedContact {
  id: string
  business_id: string
  integration_id: string | null
  source_type: string
  source_id: string
  first_name: string | null
  last_name: string | null
  email: string | null
  phone: string | null
  company: string | null
  title: string | null
  tags: string[]
  custom_fields: Record<string, unknown>
  source_metadata: Record<string, unknown>
  sync_status: string
  source_modstamp: Date | null
  last_synced_at: Date | null
  deleted_at: Date | null
  created_at: Date
  /** ISO 8601 with microseconds (UTC), as stored; the cursor needs that precision. */
  updated_at: string
}

export interface SyncedPage {
  contacts: SyncedContact[]
  next_cursor: string | null
}

/** `term` as an ILIKE pattern that matches it anywhere and literally (backslash is the escape). */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
}

/**
 * A page of contacts in (updated_at, id) order. `tx` must come from `asUser`: RLS decides which
 * rows exist for the caller; the scope check before it only turns "not yours" into a 404 rather
 * than an empty list. The scope predicate leads with the column of an index
 * ((integration_id|business_id), updated_at, id), so the keyset is an index range scan.
 * Timestamps go in as `::text::timestamptz`: postgres.js would otherwise send a timestamptz
 * parameter through a JS Date and drop the microseconds the cursor depends on.
 *
 * @throws {NotFoundError} when the integration or business is not the caller's.
 */
export async function listSyncedContacts(tx: Tx, query: SyncedQuery): Promise<SyncedPage> {
  if (query.integration_id) await requireCallerIntegration(tx, query.integration_id)
  else await requireCallerBusiness(tx, query.business_id!)
  const scope = query.integration_id
    ? tx`c.integration_id = ${query.integration_id}`
    : tx`c.business_id = ${query.business_id!}`
  const live = query.include_deleted ? tx`` : tx`and c.deleted_at is null`
  const since = query.updated_since
    ? tx`and c.updated_at >= ${query.updated_since}::text::timestamptz`
    : tx``
  const pattern = query.search ? containsPattern(query.search) : undefined
  const matching = pattern
    ? tx`and (concat_ws(' ', c.first_name, c.last_name) ilike ${pattern} or c.email ilike ${pattern})`
    : tx``
  const after = query.cursor
    ? tx`and (c.updated_at, c.id) > (${query.cursor.u}::text::timestamptz, ${query.cursor.i}::uuid)`
    : tx``
  const rows = await tx<SyncedContact[]>`
    select c.id, c.business_id, c.integration_id, c.source_type, c.source_id, c.first_name,
           c.last_name, c.email, c.phone, c.company, c.title, c.tags, c.custom_fields,
           c.source_metadata, c.sync_status, c.source_modstamp, c.last_synced_at, c.deleted_at,
           c.created_at,
           to_char(c.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as updated_at
    from public.contacts c
    where ${scope} ${live} ${since} ${matching} ${after}
    order by c.updated_at, c.id
    limit ${query.limit + 1}`
  const contacts = rows.slice(0, query.limit)
  const last = contacts.at(-1)
  const position: SyncedCursor | undefined = rows.length > query.limit && last
    ? { u: last.updated_at, i: last.id }
    : undefined
  return { contacts, next_cursor: position ? encodeCursor(position) : null }
}
