// The sync's query of any sObject: where a read starts (the (SystemModstamp, Id) cursor, or a
// lookback before it), the order that makes the cursor exact, and the id scans that find purged
// records. The fields come from the object's description (objects/). Pure.
import { z } from 'zod'
import { toId18 } from './ids.ts'
import { soqlDateTime, soqlId } from './soql.ts'

/**
 * Where the sync stands: the last record stored, in (SystemModstamp, Id) order. A type, not an
 * interface, so that it is a SyncCursor (a JSON object of strings) as it is.
 */
export type SalesforceCursor = {
  /** SystemModstamp as ISO 8601 UTC (`2026-03-02T10:00:00.000Z`). */
  modstamp: string
  /** The record's 18-character Id. */
  id: string
}

/** The cursor as stored in integration_sync_state.cursor (see the _sync_state migration). */
export const cursorSchema = z.strictObject({
  modstamp: z.iso.datetime(),
  id: z.string().refine((id) => toId18(id) === id, 'not an 18-character Salesforce id'),
})

/** Where a read starts: after a record (exclusive), from an instant (inclusive), or at the start. */
export type ReadStart =
  | { after: SalesforceCursor }
  | { from: string }
  | null

/**
 * The start of a read. Incremental reads (lookback > 0) begin `lookbackSeconds` before the
 * earlier of the cursor's stamp and `from` (when the previous read began, in Salesforce's
 * clock), so records that became visible late with an older stamp (commit lag, facts §0.13)
 * are read; the upsert makes the re-read rows free. A lookback of 0 resumes exactly after the
 * cursor, in the (SystemModstamp, Id) keyset order.
 */
export function readStart(
  cursor: SalesforceCursor | null,
  lookbackSeconds: number,
  from: string | null = null,
): ReadStart {
  if (!cursor) return null
  if (lookbackSeconds <= 0) return { after: cursor }
  const stamp = Date.parse(cursor.modstamp)
  const began = from === null ? NaN : Date.parse(from)
  const base = Number.isNaN(began) ? stamp : Math.min(stamp, began)
  return { from: new Date(base - lookbackSeconds * 1000).toISOString() }
}

/** An sObject or field API name, checked before it is written into a query. */
export function soqlName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$/.test(name)) {
    throw new RangeError(`not an API name: ${JSON.stringify(name)}`)
  }
  return name
}

/**
 * The query of a read of `sobject`'s `fields`. Ordered by (SystemModstamp, Id) with the keyset
 * condition `SystemModstamp > t OR (SystemModstamp = t AND Id > id)`, so records that share a
 * stamp (bulk updates, second precision) are neither skipped nor repeated when a read stops
 * between them. Sent to queryAll, which also returns deleted records (IsDeleted = true).
 */
export function syncSoql(sobject: string, fields: readonly string[], start: ReadStart): string {
  const select = `SELECT ${fields.map(soqlName).join(', ')} FROM ${soqlName(sobject)}`
  const order = 'ORDER BY SystemModstamp, Id'
  if (!start) return `${select} ${order}`
  if ('from' in start) {
    return `${select} WHERE SystemModstamp >= ${soqlDateTime(start.from)} ${order}`
  }
  const at = soqlDateTime(start.after.modstamp)
  return `${select} WHERE SystemModstamp > ${at} OR (SystemModstamp = ${at} AND Id > ${
    soqlId(start.after.id)
  }) ${order}`
}

/**
 * True when `a` is strictly after `b` in (SystemModstamp, Id) order. Ids compare by code unit,
 * as canonical 18-character ids sort in the query.
 */
export function isCursorAfter(a: SalesforceCursor, b: SalesforceCursor | null): boolean {
  if (!b) return true
  const stampA = Date.parse(a.modstamp)
  const stampB = Date.parse(b.modstamp)
  if (stampA !== stampB) return stampA > stampB
  return a.id > b.id
}

/**
 * One page of the id scan that finds purged records: every id of `sobject` after `after` (live
 * or in the Recycle Bin, so queryAll), in id order. Ids compare by code unit, as in isCursorAfter.
 */
export function idScanSoql(sobject: string, after: string | null): string {
  const where = after === null ? '' : ` WHERE Id > ${soqlId(after)}`
  return `SELECT Id FROM ${soqlName(sobject)}${where} ORDER BY Id`
}

/** Which of `ids` exist (queryAll: the Recycle Bin too). */
export function idsExistSoql(sobject: string, ids: readonly string[]): string {
  return `SELECT Id FROM ${soqlName(sobject)} WHERE Id IN (${ids.map(soqlId).join(', ')})`
}
