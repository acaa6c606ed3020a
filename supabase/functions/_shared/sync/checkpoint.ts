// One page's checkpoint: in one transaction, prove the lease is still ours (and extend it),
// upsert the page, move the cursor, and count the page in the run's row. A crash before the
// commit loses the page and keeps the old cursor; after it, both are stored. Nothing in between.
import { asService } from '../db/as-user.ts'
import { log } from '../log.ts'
import { LeaseLostError } from './errors.ts'
import type { ClaimedSync } from './leases.ts'
import type { SyncCursor } from './source.ts'
import {
  lockCompanies,
  type RecordBatch,
  type UpsertCounts,
  upsertPage,
  type UpsertTarget,
} from './upsert.ts'

export interface PageCheckpoint {
  claim: ClaimedSync
  runId: string
  /** Where the page goes (table scope, field mapping). */
  target: UpsertTarget
  rows: RecordBatch
  /**
   * The read's position after this page (its last record), or null. Storing it marks the read
   * in progress, so a run that stops after this page resumes exactly here. At the start of a
   * new read it may lie before the stored cursor (the lookback re-read): the read's position is
   * what a resume needs, and the upsert never lets an older version win.
   */
  cursor: SyncCursor | null
  /**
   * When this read's first query was answered (provider time). Stored with the page that marks
   * a new read in progress, and kept while the read is: the next read starts a lookback before
   * it (see readPages in engine.ts).
   */
  readStartedAt: string | null
  apiCalls: number
  leaseSeconds: number
}

/**
 * Commits one page.
 *
 * @throws {LeaseLostError} when the lease is no longer ours; nothing of the page is written.
 */
export async function checkpointPage(page: PageCheckpoint): Promise<UpsertCounts> {
  const { claim } = page
  // JSON text typed `text`, so the driver sends it as is rather than encoding it once more.
  const cursor = page.cursor ? JSON.stringify(page.cursor) : null
  return await asService(async (tx) => {
    // First, so the state row stays locked until commit: a concurrent claim skips it.
    const [held] = await tx`
      update public.integration_sync_state
         set lease_expires_at = now() + make_interval(secs => ${page.leaseSeconds}),
             cursor = coalesce(${cursor}::text::jsonb, cursor),
             read_started_at = case when ${page.cursor !== null} and not read_in_progress
                                    then ${page.readStartedAt}::timestamptz
                                    else read_started_at end,
             read_in_progress = read_in_progress or ${page.cursor !== null}
       where integration_id = ${claim.integrationId} and object = ${claim.object}
         and lease_owner = ${claim.leaseOwner}
      returning 1 as held`
    if (!held) throw new LeaseLostError()
    if (page.rows.mapping.table.followsAccounts && page.rows.length > 0) {
      await lockCompanies(tx, claim.businessId, page.target.scope)
    }
    const counts = await upsertPage(tx, page.target, page.rows)
    await tx`
      update public.sync_runs
         set pages = pages + 1, records_upserted = records_upserted + ${counts.upserted},
             records_deleted = records_deleted + ${counts.deleted}, api_calls = ${page.apiCalls},
             records_cleaned = records_cleaned + ${page.rows.cleaned.length}
       where id = ${page.runId}`
    if (page.rows.cleaned.length > 0) {
      // Which records, for whoever reads the run: ids only, never the values.
      log.warn('sync stored records with values cleaned', {
        integration_id: claim.integrationId,
        run_id: page.runId,
        source_ids: page.rows.cleaned.slice(0, 100),
      })
    }
    return counts
  })
}
