// How a HubSpot object's sync finds deletes that search never shows (facts hubspot.md trap 5):
// the archived listing names what was archived (kept 90 days), and a reconciliation of every id
// finds what no listing names: GDPR deletes (gone at once), merged-away ids (not archived, §5),
// and archives older than the listing reaches. The engine scans ids when the delete log cannot
// cover the gap; the archived listing says so once per reconciliation period, so every
// integration is reconciled that often even when nothing else asks for it.
import { getConfig } from '../../config.ts'
import { ProviderError } from '../../http/errors.ts'
import type { DeletedRecord, DeleteLogPage, IdScanPage, SourceDeletes } from '../../sync/source.ts'
import type { HubSpotApi } from './api.ts'
import { hubspotMs } from './crm-read.ts'

/** HubSpot keeps archived records restorable, and listed, for 90 days (facts §5). */
const archiveWindowMs = 90 * 86_400_000

/** The archived listing's page size: the list endpoint's maximum (facts §2). */
const listPageSize = 100

/** Ids per existence check: the batch read's maximum (facts §2). */
const batchReadSize = 100

/** Ids per scan page: a search page, keyset on hs_object_id. */
const scanPageSize = 200

/**
 * The minute the engine takes back from a scan's start when the log takes over; the log re-reads
 * it too, so the period check below sees each period boundary in exactly one log call.
 */
const minuteMs = 60_000

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function invalid(what: string): ProviderError {
  return new ProviderError(`HubSpot sent an unexpected ${what}`, {
    code: 'hubspot_response_invalid',
  })
}

/** `{results: [{id, ...}], paging?: {next: {after}}}` → the records and the next cursor. */
function listPage(data: unknown, what: string) {
  if (!isObject(data) || !Array.isArray(data.results)) throw invalid(what)
  const results = data.results.filter(isObject)
  const next = isObject(data.paging) && isObject(data.paging.next) &&
      typeof data.paging.next.after === 'string'
    ? data.paging.next.after
    : null
  return { results, next }
}

/** How often every id is reconciled (HUBSPOT_ID_RECONCILE_HOURS). */
export function reconcilePeriodMs(): number {
  return getConfig('hubspot').HUBSPOT_ID_RECONCILE_HOURS * 3_600_000
}

/**
 * Whether the log window [start, end) crosses a reconciliation period's boundary. The engine
 * chains log windows (each starts where the last one covered, which we put a minute before its
 * end) and starts the first after an id scan a minute before the scan began; shifting `start`
 * by that minute makes the windows seen here contiguous, so each boundary falls in exactly one
 * of them, and a scan started after a boundary never asks for another in the same period.
 */
export function crossesPeriod(start: string, end: string, periodMs: number): boolean {
  const from = Date.parse(start) + minuteMs
  return Math.floor(from / periodMs) < Math.floor(Date.parse(end) / periodMs)
}

/** The delete-finding side of one integration's HubSpot `objectType` source. */
export function hubspotObjectDeletes(api: HubSpotApi, objectType: string): SourceDeletes {
  const base = `/crm/v3/objects/${objectType}`

  async function scan(after: string | null, signal: AbortSignal): Promise<IdScanPage> {
    const response = await api.request<unknown>({
      method: 'POST',
      path: `${base}/search`,
      body: {
        filterGroups: after === null
          ? []
          : [{ filters: [{ propertyName: 'hs_object_id', operator: 'GT', value: after }] }],
        sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
        properties: ['hs_object_id'],
        limit: scanPageSize,
      },
      search: true,
      signal,
    })
    const page = listPage(response.data, 'id scan page')
    const ids = page.results.map((record) => record.id).filter((id) => typeof id === 'string')
    return {
      ids: ids as string[],
      // Keyset paging: the next page is a new search after the last id, never an offset.
      next: page.next !== null && ids.length > 0 ? ids.at(-1) as string : null,
      answeredAt: response.answeredAt,
    }
  }

  return {
    logWindowMs: archiveWindowMs,
    idOrder: 'numeric',
    async log(start, end, signal): Promise<DeleteLogPage> {
      if (crossesPeriod(start, end, reconcilePeriodMs())) {
        // Time to reconcile every id: the log "starts" now, so the engine scans.
        return { deleted: [], earliestAvailable: end, latestCovered: end }
      }
      const deleted: DeletedRecord[] = []
      let after: string | null = null
      do {
        const query: Record<string, string> = {
          archived: 'true',
          limit: String(listPageSize),
          properties: 'hs_object_id',
        }
        if (after !== null) query.after = after
        const response = await api.request<unknown>({ path: base, query, signal })
        const page = listPage(response.data, 'archived listing')
        for (const record of page.results) {
          const ms = hubspotMs(record.archivedAt)
          if (typeof record.id === 'string' && !Number.isNaN(ms)) {
            deleted.push({ id: record.id, deletedAt: new Date(ms).toISOString() })
          }
        }
        after = page.next
      } while (after !== null)
      return {
        deleted,
        earliestAvailable: new Date(Date.parse(end) - archiveWindowMs).toISOString(),
        latestCovered: new Date(Date.parse(end) - minuteMs).toISOString(),
      }
    },
    scanIds: (after, signal) => scan(after, signal),
    nextIds: (next, signal) => scan(next, signal),
    async existing(ids, signal) {
      // Live records only: an archived one is deleted for us (the listing may no longer name
      // it), and a merged-away id answers with its survivor's id, which is not the one asked.
      const found = new Set<string>()
      for (let at = 0; at < ids.length; at += batchReadSize) {
        const response = await api.request<unknown>({
          method: 'POST',
          path: `${base}/batch/read`,
          body: {
            properties: ['hs_object_id'],
            inputs: ids.slice(at, at + batchReadSize).map((id) => ({ id })),
          },
          signal,
        })
        for (const record of listPage(response.data, 'batch read').results) {
          if (typeof record.id === 'string') found.add(record.id)
        }
      }
      const asked = new Set(ids)
      return new Set([...found].filter((id) => asked.has(id)))
    },
  }
}
