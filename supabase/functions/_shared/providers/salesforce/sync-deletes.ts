// How the sync of an sObject finds deletes that queryAll no longer shows (records purged from
// the Recycle Bin, hard deletes): Salesforce's data replication API, getDeleted, for the last 15
// days, and an id-only queryAll scan for when the delete log cannot cover the gap (facts §3).
import { z } from 'zod'
import { ProviderError } from '../../http/errors.ts'
import type { DeleteLogPage, IdScanPage, SourceDeletes } from '../../sync/source.ts'
import type { SalesforceApi } from './api.ts'
import { idField } from './contact-fields.ts'
import { parseSalesforceDateTime } from './contact-sync-mapping.ts'
import { idScanSoql, idsExistSoql, soqlName } from './sync-soql.ts'

/** getDeleted reaches 15 days back at most (facts §0.15). */
const deleteLogWindowMs = 15 * 86_400_000

/** Ids per existence check: 18-char literals, ~27 URI bytes each, well inside the URI cap. */
const existsBatch = 300

/** An id scan page: 2,000 ids per call, the most a REST query page holds (facts §0.9). */
const scanBatchSize = 2000

const dateTime = z.string().transform((value, ctx) => {
  const iso = parseSalesforceDateTime(value)
  if (!iso) ctx.addIssue({ code: 'custom', message: 'not a Salesforce datetime' })
  return iso ?? value
})

const deletedSchema = z.looseObject({
  deletedRecords: z.array(z.looseObject({ id: idField, deletedDate: dateTime })),
  earliestDateAvailable: dateTime,
  latestDateCovered: dateTime,
})

const idPageSchema = z.looseObject({
  done: z.boolean(),
  nextRecordsUrl: z.string().optional(),
  records: z.array(z.looseObject({ Id: idField })),
})

/** The Date header (the server's clock) as ISO 8601, or null without one. */
export function serverTime(headers: Headers): string | null {
  const value = headers.get('date')
  const ms = value ? Date.parse(value) : NaN
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

/** getDeleted's window bounds: UTC, seconds precision (Salesforce ignores the seconds). */
function replicationDate(iso: string): string {
  return new Date(Date.parse(iso)).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function invalid(what: string, error: z.ZodError): ProviderError {
  return new ProviderError(`Salesforce sent an unexpected ${what}`, {
    code: 'salesforce_response_invalid',
    details: { issues: error.issues.slice(0, 3).map((issue) => issue.path.join('.')) },
  })
}

/** The delete-finding side of one integration's source of `sobject`. */
export function salesforceDeletes(api: SalesforceApi, sobject: string): SourceDeletes {
  async function idPage(
    request: Parameters<SalesforceApi['request']>[0],
  ): Promise<IdScanPage> {
    const response = await api.request<unknown>(request)
    const parsed = idPageSchema.safeParse(response.data)
    if (!parsed.success) throw invalid('id page', parsed.error)
    const page = parsed.data
    return {
      ids: page.records.map((record) => record.Id),
      next: page.done ? null : page.nextRecordsUrl ?? null,
      answeredAt: serverTime(response.headers),
    }
  }

  return {
    logWindowMs: deleteLogWindowMs,
    async log(start, end, signal): Promise<DeleteLogPage> {
      const response = await api.request<unknown>({
        path: `sobjects/${soqlName(sobject)}/deleted/`,
        query: { start: replicationDate(start), end: replicationDate(end) },
        signal,
      })
      const parsed = deletedSchema.safeParse(response.data)
      if (!parsed.success) throw invalid('getDeleted answer', parsed.error)
      return {
        deleted: parsed.data.deletedRecords.map((record) => ({
          id: record.id,
          deletedAt: record.deletedDate,
        })),
        earliestAvailable: parsed.data.earliestDateAvailable,
        latestCovered: parsed.data.latestDateCovered,
      }
    },
    scanIds: (after, signal) =>
      idPage({
        path: 'queryAll',
        query: { q: idScanSoql(sobject, after) },
        headers: { 'Sforce-Query-Options': `batchSize=${scanBatchSize}` },
        signal,
      }),
    nextIds: (next, signal) => idPage({ path: next, signal }),
    async existing(ids, signal) {
      const found = new Set<string>()
      for (let at = 0; at < ids.length; at += existsBatch) {
        let page = await idPage({
          path: 'queryAll',
          query: { q: idsExistSoql(sobject, ids.slice(at, at + existsBatch)) },
          signal,
        })
        for (;;) {
          for (const id of page.ids) found.add(id)
          if (!page.next) break
          page = await idPage({ path: page.next, signal })
        }
      }
      return found
    },
  }
}
