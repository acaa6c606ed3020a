// How a HubSpot object is read in change order with CRM search, pure: where a read starts, the
// search of each page, and where the next page starts. Every page is a fresh query at offset 0
// (keyset paging on (modified ms, hs_object_id)), so no query ever pages towards the 10,000-result
// cap (facts hubspot.md trap 1), a record moving to the end while we read cannot shift the rest
// under an offset, and a millisecond shared by more records than fit a page (trap 2: HubSpot's
// own bulk jobs stamp tens of thousands at once) is drained by id instead of looping.
import { z } from 'zod'

/** Records per search page: HubSpot's maximum (facts §4.1). */
export const searchPageSize = 200

/**
 * Where the sync stands: every record at or before (modified, id) in (modified ms, numeric id)
 * order is stored. A type, not an interface, so that it is a SyncCursor (JSON of strings).
 */
export type HubSpotCursor = {
  /** The modified date as ISO 8601 UTC with milliseconds. */
  modified: string
  /** hs_object_id, a positive integer as a string; "0" stands before every record. */
  id: string
}

export const hubspotCursorSchema = z.strictObject({
  modified: z.iso.datetime(),
  id: z.string().regex(/^(0|[1-9][0-9]{0,18})$/),
})

/** Where one page's search starts. */
export type ReadPosition =
  /** Everything, from the oldest change. */
  | { kind: 'start' }
  /** Records modified at or after `ms`. */
  | { kind: 'from'; ms: number }
  /** Records after (ms, id): the same millisecond with a greater id, or a later one. */
  | { kind: 'after'; ms: number; id: string }
  /** The millisecond `ms` alone, by id after `id` (null: from its first id). */
  | { kind: 'drain'; ms: number; id: string | null }

/** The object being read: its modified-date property differs by type (trap 4). */
export interface ObjectRead {
  /** `contacts` or `companies`. */
  objectType: string
  /** `lastmodifieddate` (contacts) or `hs_lastmodifieddate` (companies). */
  modifiedProperty: string
  /** Properties the mapping reads (the modified date and id are added). */
  properties: readonly string[]
}

/** Compares ids as the numbers they are (no leading zeros: length first, then digits). */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length
  return a < b ? -1 : a > b ? 1 : 0
}

/** True when cursor `a` lies strictly after `b` (null: the beginning). */
export function isCursorAfter(a: HubSpotCursor, b: HubSpotCursor | null): boolean {
  if (!b) return true
  const msA = Date.parse(a.modified)
  const msB = Date.parse(b.modified)
  if (msA !== msB) return msA > msB
  return compareIds(a.id, b.id) > 0
}

/**
 * A HubSpot datetime as epoch ms: ISO 8601 with any precision, or epoch milliseconds as the
 * legacy APIs send them (trap 13); NaN when it is neither.
 */
export function hubspotMs(value: unknown): number {
  if (typeof value !== 'string') return NaN
  if (/^[0-9]{10,16}$/.test(value)) return Number(value)
  return /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN
}

/**
 * Where a read starts. A lookback read begins `lookbackSeconds` before the earlier of the
 * cursor's stamp and `from` (when the previous read began, in HubSpot's clock): a change becomes
 * searchable some seconds after it is stamped (search lag, trap 3), so an exact resume after
 * the cursor would miss it; the upsert makes the re-read rows free. Without a lookback the read
 * resumes exactly after the cursor.
 */
export function readPosition(
  cursor: HubSpotCursor | null,
  lookbackSeconds: number | null,
  from: string | null = null,
): ReadPosition {
  if (!cursor) return { kind: 'start' }
  const stamp = Date.parse(cursor.modified)
  if (lookbackSeconds === null) return { kind: 'after', ms: stamp, id: cursor.id }
  const began = from === null ? NaN : Date.parse(from)
  const base = Number.isNaN(began) ? stamp : Math.min(stamp, began)
  return { kind: 'from', ms: base - lookbackSeconds * 1000 }
}

const filter = (propertyName: string, operator: string, value: string | number) => ({
  propertyName,
  operator,
  value: String(value),
})

/** The search body of the page at `position`. */
export function searchBody(object: ObjectRead, position: ReadPosition): Record<string, unknown> {
  const modified = object.modifiedProperty
  const properties = [...new Set([...object.properties, modified, 'hs_object_id'])]
  const byModified = [{ propertyName: modified, direction: 'ASCENDING' }]
  const body = (filterGroups: unknown[], sorts = byModified) => ({
    filterGroups,
    sorts,
    properties,
    limit: searchPageSize,
  })
  switch (position.kind) {
    case 'start':
      return body([])
    case 'from':
      return body([{ filters: [filter(modified, 'GTE', position.ms)] }])
    case 'after':
      // "= T and id > last" or "> T": the keyset condition, as two OR'ed filter groups.
      return body([
        {
          filters: [
            filter(modified, 'EQ', position.ms),
            filter('hs_object_id', 'GT', position.id),
          ],
        },
        { filters: [filter(modified, 'GT', position.ms)] },
      ])
    case 'drain':
      return body(
        [{
          filters: [
            filter(modified, 'EQ', position.ms),
            ...(position.id === null ? [] : [filter('hs_object_id', 'GT', position.id)]),
          ],
        }],
        [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      )
  }
}

/** A record of a page as far as the read's order is concerned. */
export interface PagedRecord {
  id: string
  ms: number
}

export interface PageStep {
  /** Everything at or before it is stored once the page is; null when the page moved nothing. */
  cursor: HubSpotCursor | null
  /** Where the next page starts; null when the read is done. */
  next: ReadPosition | null
}

function greatest(records: PagedRecord[]): PagedRecord | null {
  let best: PagedRecord | null = null
  for (const record of records) {
    if (
      !best || record.ms > best.ms || (record.ms === best.ms && compareIds(record.id, best.id) > 0)
    ) {
      best = record
    }
  }
  return best
}

const cursorOf = (record: PagedRecord): HubSpotCursor => ({
  modified: new Date(record.ms).toISOString(),
  id: record.id,
})

/**
 * What a page of the search at `position` proves and where the read goes on. `more` says HubSpot
 * has results past this page.
 *
 * - A last page (no more): every record of the read is in it; the cursor is its greatest.
 * - A page sorted by modified date holds every record of each millisecond but possibly not of
 *   its last one (the rest follow): the cursor is the greatest record before that millisecond,
 *   and the next page starts after it (re-reading the last millisecond's records is free).
 * - A page that is one millisecond throughout cannot say which of that millisecond's records
 *   follow: that millisecond is drained by id (EQ on the stamp, GT on the id, sorted by id),
 *   page by page, and the read goes on after it.
 */
export function stepAfterPage(
  position: ReadPosition,
  records: PagedRecord[],
  more: boolean,
): PageStep {
  const last = greatest(records)
  if (position.kind === 'drain') {
    if (!last) {
      return { cursor: null, next: { kind: 'after', ms: position.ms, id: position.id ?? '0' } }
    }
    const cursor = cursorOf(last)
    return {
      cursor,
      next: more
        ? { kind: 'drain', ms: position.ms, id: last.id }
        : { kind: 'after', ms: position.ms, id: last.id },
    }
  }
  if (!last) return { cursor: null, next: null }
  if (!more) return { cursor: cursorOf(last), next: null }
  const complete = records.filter((record) => record.ms < last.ms)
  if (complete.length === 0) {
    // One millisecond throughout: drain it, after the id we were at when it is ours already.
    const id = position.kind === 'after' && position.ms === last.ms ? position.id : null
    return { cursor: null, next: { kind: 'drain', ms: last.ms, id } }
  }
  const done = greatest(complete)!
  return { cursor: cursorOf(done), next: { kind: 'after', ms: done.ms, id: done.id } }
}

const positionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start') }),
  z.object({ kind: z.literal('from'), ms: z.number().int() }),
  z.object({ kind: z.literal('after'), ms: z.number().int(), id: z.string() }),
  z.object({ kind: z.literal('drain'), ms: z.number().int(), id: z.string().nullable() }),
])

/** A position as the engine's `next` handle, and back. */
export const encodePosition = (position: ReadPosition): string => JSON.stringify(position)

export function decodePosition(handle: string): ReadPosition {
  return positionSchema.parse(JSON.parse(handle))
}
