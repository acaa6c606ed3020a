// getUpdated / getDeleted: ids changed or deleted in a window (minute precision, 30/15 days back).

import type { OrgState } from './state.ts'
import { formatDateTime, parseDateTimeInput } from './format.ts'
import { json, restError } from './http.ts'

const MINUTE = 60_000
const DAY = 86_400_000
const MAX_IDS = 600_000

/** Parses start/end; both are truncated to the minute, as Salesforce ignores seconds. */
function window(
  url: URL,
  now: number,
  maxDaysBack: number,
): { start: number; end: number } | Response {
  const start = parseDateTimeInput(url.searchParams.get('start') ?? '')
  const end = parseDateTimeInput(url.searchParams.get('end') ?? '')
  if (start === null || end === null) {
    return restError(
      400,
      'MALFORMED_QUERY',
      'start and end must be valid dateTime values, e.g. 2024-05-08T21:20:00+00:00',
    )
  }
  const s = Math.floor(start / MINUTE) * MINUTE
  const e = Math.floor(end / MINUTE) * MINUTE
  if (s >= e) {
    return restError(
      400,
      'INVALID_REPLICATION_DATE',
      'EndDate must chronologically follow the StartDate',
    )
  }
  if (s < now - maxDaysBack * DAY) {
    return restError(
      400,
      'INVALID_REPLICATION_DATE',
      `startDate cannot be more than ${maxDaysBack} days ago`,
    )
  }
  return { start: s, end: e }
}

export function getUpdated(org: OrgState, type: string, url: URL, now: number): Response {
  const w = window(url, now, 30)
  if (w instanceof Response) return w
  // Nothing after the last whole minute is guaranteed committed, so coverage stops there.
  const latest = Math.min(w.end, Math.floor(now / MINUTE) * MINUTE)
  const ids: string[] = []
  for (const rec of org.data.visible(type, now)) {
    const stamp = rec.values.SystemModstamp as number
    if (rec.deletedAt === null && stamp >= w.start && stamp < latest) ids.push(rec.id)
  }
  if (ids.length > MAX_IDS) {
    return restError(400, 'EXCEEDED_ID_LIMIT', 'too many ids, narrow the window')
  }
  return json({ ids, latestDateCovered: formatDateTime(latest) })
}

/**
 * Deletes in the window from the org's delete log, which keeps a record's delete after the
 * record is purged from the Recycle Bin or hard-deleted (it vanishes from queryAll then).
 * `earliestDateAvailable` is where the log is complete from: 15 days back, or later when the log
 * was cut; a replica that last looked before it has a gap and must resynchronise (facts §3).
 */
export function getDeleted(org: OrgState, type: string, url: URL, now: number): Response {
  const w = window(url, now, 15)
  if (w instanceof Response) return w
  const latest = Math.min(w.end, Math.floor(now / MINUTE) * MINUTE)
  const earliest = Math.max(org.data.deleteLogStart, now - 15 * DAY)
  const deletedRecords: Array<{ id: string; deletedDate: string }> = []
  for (const entry of org.data.deleteLog) {
    if (entry.type !== type || entry.deletedAt < earliest) continue
    if (entry.deletedAt >= w.start && entry.deletedAt < latest) {
      deletedRecords.push({ id: entry.id, deletedDate: formatDateTime(entry.deletedAt) })
    }
  }
  if (deletedRecords.length > MAX_IDS) {
    return restError(400, 'EXCEEDED_ID_LIMIT', 'too many ids, narrow the window')
  }
  return json({
    deletedRecords,
    earliestDateAvailable: formatDateTime(Math.floor(earliest / MINUTE) * MINUTE),
    latestDateCovered: formatDateTime(latest),
  })
}
