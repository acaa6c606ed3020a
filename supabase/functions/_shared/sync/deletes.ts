// Deletes the change feed no longer shows. queryAll returns a deleted record only while it sits
// in the Recycle Bin; once purged (or hard-deleted) only the provider's delete log names it, and
// only for a while. After each complete read: apply the delete log from where we last covered
// it; when the log cannot cover the gap (a sync paused longer than the log's window, a log cut
// short), scan every id that still exists and soft-delete the rows we hold that are gone. The
// scan is budgeted and checkpointed page by page, so it resumes across runs.
import { asService } from '../db/as-user.ts'
import type { Tx } from '../db/client.ts'
import type { Logger } from '../log.ts'
import type { Budget, RunCpu } from './budget.ts'
import { LeaseLostError } from './errors.ts'
import type { ClaimedSync } from './leases.ts'
import type { RunCounters } from './run-records.ts'
import type { DeletedRecord, IdScanPage, SourceDeletes, SyncSource } from './source.ts'
import type { SyncTable } from './tables.ts'
import { lockCompanies } from './upsert.ts'

/** The integration's delete bookkeeping, as stored in integration_sync_state. */
export interface DeleteState {
  coveredUntil: string | null
  scanPending: boolean
  scanAfter: string | null
  scanStartedAt: string | null
}

/** The read bookkeeping a run starts from, beyond what the claim carries. */
export interface ReadState extends DeleteState {
  /** When the current (or last) read's first query was answered, in provider time. */
  readStartedAt: string | null
  /** The object's integration_objects row as stored (unchecked: see sources.ts), if any. */
  configuration: { field_mapping: unknown; keep_source_record: boolean } | null
}

interface ReadStateRow {
  field_mapping: unknown
  keep_source_record: boolean | null
  read_started_at: Date | null
  deletes_covered_until: Date | null
  id_scan_pending: boolean
  id_scan_after: string | null
  id_scan_started_at: Date | null
}

const iso = (value: Date | null) => value?.toISOString() ?? null

/**
 * Reads the object's read and delete bookkeeping and its configuration (two primary-key lookups
 * in one statement).
 */
export async function loadReadState(integrationId: string, object: string): Promise<ReadState> {
  const [row] = await asService((tx) =>
    tx<ReadStateRow[]>`
      select s.read_started_at, s.deletes_covered_until, s.id_scan_pending, s.id_scan_after,
             s.id_scan_started_at, o.field_mapping, o.keep_source_record
        from public.integration_sync_state s
        left join public.integration_objects o
          on o.integration_id = s.integration_id and o.object = s.object
       where s.integration_id = ${integrationId} and s.object = ${object}`
  )
  return {
    configuration: row?.keep_source_record == null
      ? null
      : { field_mapping: row.field_mapping, keep_source_record: row.keep_source_record },
    readStartedAt: iso(row?.read_started_at ?? null),
    coveredUntil: iso(row?.deletes_covered_until ?? null),
    scanPending: row?.id_scan_pending ?? false,
    scanAfter: row?.id_scan_after ?? null,
    scanStartedAt: iso(row?.id_scan_started_at ?? null),
  }
}

/**
 * Margin kept inside the delete log's window: a start this close to its edge could fall out of
 * it before the call arrives (and clocks differ a little).
 */
const logWindowMarginMs = 60 * 60_000

const minuteMs = 60_000

/** The rows a delete touches: the object's table, and its scope value (see SyncTable). */
export interface DeleteTarget {
  table: SyncTable
  scope: string
}

export interface DeletePhase {
  claim: ClaimedSync
  runId: string
  source: SyncSource
  target: DeleteTarget
  state: DeleteState
  /** The read that just completed was the integration's first (initial) read. */
  initialRead: boolean
  /** When that read's first query was answered (provider time), if known. */
  readStartedAt: string | null
  /** The provider's time as of its latest answer in this run. */
  serverNow: string | null
  lookbackSeconds: number
  budget: Budget
  counters: RunCounters
  /**
   * The run's CPU: each provider call of this phase reserves a page's worth before it is made,
   * and its ids count as spent once applied, as the read's pages do (the records of a getDeleted
   * answer or of an id scan page are parsed, compared and sent on like a page's).
   */
  cpu: RunCpu
  /** Records (ids) one call may return: what a call reserves. */
  pageSize: number
  /** Runs a provider call with the engine's transient-error retries. */
  retrying<T>(attempt: () => Promise<T>): Promise<T>
  /** True when the time left cannot afford another provider call of this run. */
  outOfBudget(slowestCallMs: number): boolean
  log: Logger
}

/** Locks the state row as ours (renewing the lease) inside `tx`, or throws LeaseLostError. */
async function holdLease(tx: Tx, claim: ClaimedSync, leaseSeconds: number): Promise<void> {
  const [held] = await tx`
    update public.integration_sync_state
       set lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
     where integration_id = ${claim.integrationId} and object = ${claim.object}
       and lease_owner = ${claim.leaseOwner}
    returning 1 as held`
  if (!held) throw new LeaseLostError()
}

/** The object's state row (held: see holdLease). */
function ownState(tx: Tx, claim: ClaimedSync) {
  return tx`integration_id = ${claim.integrationId} and object = ${claim.object}`
}

/** The rows of the object: its table, integration and scope (provider, or object). */
function ownRows(tx: Tx, claim: ClaimedSync, target: DeleteTarget, alias = 't') {
  // The business leads the unique key of the provider-keyed tables: the lookups use it.
  const business = target.table.scope === 'source_type'
    ? tx`${tx(alias)}.business_id = ${claim.businessId} and`
    : tx``
  return tx`${business} ${tx(alias)}.integration_id = ${claim.integrationId}
        and ${tx(alias)}.${tx(target.table.scope)} = ${target.scope}`
}

/** `sync_status = 'deleted'` where the table keeps one. */
function deletedStatus(tx: Tx, target: DeleteTarget) {
  return target.table.syncStatus ? tx`, sync_status = 'deleted'` : tx``
}

/**
 * Soft-deletes the integration's live rows for records the delete log names. A row whose stored
 * version is newer than the delete was brought back (undeleted) and stays; the row takes the
 * delete's stamp, so an older live version can never resurrect it.
 */
async function applyLoggedDeletes(
  tx: Tx,
  claim: ClaimedSync,
  target: DeleteTarget,
  deleted: DeletedRecord[],
): Promise<number> {
  if (deleted.length === 0) return 0
  await lockForDeletes(tx, claim, target)
  const [row] = await tx<{ ids: string[] }[]>`
    with log as (
      select d.id, max(d."deletedAt") as deleted_at
        from jsonb_to_recordset(${JSON.stringify(deleted)}::text::jsonb)
             as d(id text, "deletedAt" timestamptz)
       group by d.id
    ), gone as (
      update ${tx('public.' + target.table.name)} c
         set deleted_at = now(), last_synced_at = now(),
             source_modstamp = greatest(c.source_modstamp, log.deleted_at)
             ${deletedStatus(tx, target)}
        from log
       where ${ownRows(tx, claim, target, 'c')}
         and c.source_id = log.id
         and c.deleted_at is null
         and (c.source_modstamp is null or c.source_modstamp <= log.deleted_at)
      returning c.id
    )
    select coalesce(array_agg(id::text), '{}') as ids from gone`
  return await afterDeleted(tx, target, row.ids)
}

/** Soft-deletes live rows of records that no longer exist at all (purged, hard-deleted). */
async function applyVanished(
  tx: Tx,
  claim: ClaimedSync,
  target: DeleteTarget,
  ids: string[],
): Promise<number> {
  if (ids.length === 0) return 0
  await lockForDeletes(tx, claim, target)
  const [row] = await tx<{ ids: string[] }[]>`
    with gone as (
      update ${tx('public.' + target.table.name)} t
         set deleted_at = now(), last_synced_at = now() ${deletedStatus(tx, target)}
       where ${ownRows(tx, claim, target)}
         and t.source_id = any(${ids}::text[])
         and t.deleted_at is null
      returning t.id
    )
    select coalesce(array_agg(id::text), '{}') as ids from gone`
  return await afterDeleted(tx, target, row.ids)
}

/**
 * Takes the company lock the table's pages take (lockCompanies) when its deletes touch contacts
 * (afterDelete): of a delete and a contact page, whichever commits second sees the other.
 */
async function lockForDeletes(tx: Tx, claim: ClaimedSync, target: DeleteTarget): Promise<void> {
  if (target.table.afterDelete && target.table.followsAccounts) {
    await lockCompanies(tx, claim.businessId, target.scope)
  }
}

/**
 * Runs the table's afterDelete over the rows just soft-deleted (the contacts' company of deleted
 * accounts). Returns how many rows were deleted.
 */
async function afterDeleted(tx: Tx, target: DeleteTarget, ids: string[]): Promise<number> {
  if (ids.length > 0 && target.table.afterDelete) await tx.unsafe(target.table.afterDelete, [ids])
  return ids.length
}

/** Counts deletes in the run's row and counters. */
async function countDeleted(tx: Tx, phase: DeletePhase, n: number): Promise<void> {
  if (n === 0) return
  phase.counters.recordsDeleted += n
  await tx`
    update public.sync_runs set records_deleted = records_deleted + ${n} where id = ${phase.runId}`
}

async function requestScan(phase: DeletePhase, leaseSeconds: number, why: string): Promise<void> {
  phase.log.warn('sync delete log cannot cover the gap; scanning ids', { reason: why })
  await asService(async (tx) => {
    await holdLease(tx, phase.claim, leaseSeconds)
    await tx`
      update public.integration_sync_state
         set id_scan_pending = true, id_scan_after = null, id_scan_started_at = null
       where ${ownState(tx, phase.claim)}`
  })
  phase.state = { ...phase.state, scanPending: true, scanAfter: null, scanStartedAt: null }
}

/**
 * The delete phase of a run whose read completed. Returns 'budget' when an id scan had to stop
 * for the budget (the next run resumes it), else 'complete'.
 */
export async function reconcileDeletes(
  phase: DeletePhase,
  leaseSeconds: number,
): Promise<'complete' | 'budget'> {
  const deletes = phase.source.deletes
  const now = phase.serverNow === null ? NaN : Date.parse(phase.serverNow)
  // Every step below measures time in the provider's clock; without it, wait for a run that has.
  if (!deletes || Number.isNaN(now)) return 'complete'
  const { claim } = phase
  const state = phase.state
  if (!state.scanPending) {
    if (state.coveredUntil === null) {
      if (phase.initialRead && phase.readStartedAt !== null) {
        // The initial read saw every record that existed when it began, deleted ones included
        // (queryAll); what was deleted after that is in the log from then on. The lookback
        // covers deletes that committed late, and the minute Salesforce rounds windows to.
        const from = Date.parse(phase.readStartedAt) - phase.lookbackSeconds * 1000 - minuteMs
        await asService(async (tx) => {
          await holdLease(tx, claim, leaseSeconds)
          await tx`
            update public.integration_sync_state
               set deletes_covered_until = ${new Date(from).toISOString()}::timestamptz
             where ${ownState(tx, claim)}`
        })
        phase.state = { ...state, coveredUntil: new Date(from).toISOString() }
      } else {
        // Synced before deletes were tracked: nobody knows what was purged since.
        await requestScan(phase, leaseSeconds, 'no delete log position')
      }
    } else if (Date.parse(state.coveredUntil) < now - deletes.logWindowMs + logWindowMarginMs) {
      await requestScan(phase, leaseSeconds, 'paused longer than the delete log reaches')
    }
  }
  if (!phase.state.scanPending && phase.state.coveredUntil !== null) {
    return await readDeleteLog(phase, deletes, phase.state.coveredUntil, now, leaseSeconds)
  }
  return await scanIds(phase, deletes, leaseSeconds)
}

/**
 * Whether the run may make one more call of this phase: time for it (as slow as the slowest so
 * far), and the CPU of a page of ids reserved, counting what runs in flight elsewhere reserved.
 */
function affordCall(phase: DeletePhase, slowestCallMs: number): boolean {
  return !phase.outOfBudget(slowestCallMs) && phase.cpu.reservePage(phase.pageSize)
}

/** One getDeleted call from where we last covered the log to now, applied in one transaction. */
async function readDeleteLog(
  phase: DeletePhase,
  deletes: SourceDeletes,
  coveredUntil: string,
  now: number,
  leaseSeconds: number,
): Promise<'complete' | 'budget'> {
  // Salesforce reads the window in whole minutes: nothing to ask within the same minute.
  if (Math.floor(Date.parse(coveredUntil) / minuteMs) >= Math.floor(now / minuteMs)) {
    return 'complete'
  }
  if (!affordCall(phase, 0)) return 'budget'
  const end = new Date(now).toISOString()
  const page = await phase.retrying(() => deletes.log(coveredUntil, end, phase.budget.signal))
  const gap = Date.parse(page.earliestAvailable) > Date.parse(coveredUntil)
  await asService(async (tx) => {
    await holdLease(tx, phase.claim, leaseSeconds)
    const n = await applyLoggedDeletes(tx, phase.claim, phase.target, page.deleted)
    await countDeleted(tx, phase, n)
    // latestDateCovered may lie before `end` (deletes still committing): start there next time.
    if (!gap) {
      await tx`
        update public.integration_sync_state
           set deletes_covered_until = greatest(deletes_covered_until,
                                                ${page.latestCovered}::timestamptz)
         where ${ownState(tx, phase.claim)}`
    }
  })
  phase.cpu.pageDone(page.deleted.length)
  if (!gap) {
    phase.state = { ...phase.state, coveredUntil: page.latestCovered }
    return 'complete'
  }
  await requestScan(phase, leaseSeconds, 'the delete log starts after our last position')
  return await scanIds(phase, deletes, leaseSeconds)
}

/**
 * Live rows the integration holds with ids in (after, upTo] (upTo null: to the end) that are
 * not among `present`: the candidates for "no longer exists". Id order is the source's
 * (`SourceDeletes.idOrder`): code-unit order, as Salesforce sorts 18-character ids (the
 * collation says so whatever the database default is), or numeric for integer ids.
 */
async function heldAbsent(
  tx: Tx,
  claim: ClaimedSync,
  target: DeleteTarget,
  after: string | null,
  upTo: string | null,
  present: string[],
  idOrder: 'text' | 'numeric' = 'text',
): Promise<string[]> {
  // Integer ids (no leading zeros) compare as numbers by (length, code units).
  const numeric = idOrder === 'numeric'
  const rows = await tx<{ source_id: string }[]>`
    select source_id from ${tx('public.' + target.table.name)} t
     where ${ownRows(tx, claim, target)} and deleted_at is null
       and (${after}::text is null or
            (case when ${numeric} then length(source_id) else 0 end, source_id collate "C") >
            (case when ${numeric} then length(${after}::text) else 0 end, ${after}::text collate "C"))
       and (${upTo}::text is null or
            (case when ${numeric} then length(source_id) else 0 end, source_id collate "C") <=
            (case when ${numeric} then length(${upTo}::text) else 0 end, ${upTo}::text collate "C"))
       and not (source_id = any(${present}::text[]))`
  return rows.map((row) => row.source_id)
}

/**
 * The id scan: page through every id that exists, in id order; per page, the live rows we hold
 * in the same id range that the page lacks are asked about once more (a record created after
 * the page was read is not "gone"), and those that still do not exist are soft-deleted. Each
 * page commits its deletes with the scan's position. When the scan ends, the delete log takes
 * over from the scan's first page: a record purged after that page was read is in the log.
 */
async function scanIds(
  phase: DeletePhase,
  deletes: SourceDeletes,
  leaseSeconds: number,
): Promise<'complete' | 'budget'> {
  const { claim, budget } = phase
  const target = phase.target
  let after = phase.state.scanAfter
  let startedAt = phase.state.scanStartedAt
  let slowestMs = 0
  if (!affordCall(phase, 0)) return 'budget'
  let started = performance.now()
  let page: IdScanPage = await phase.retrying(() => deletes.scanIds(after, budget.signal))
  for (;;) {
    startedAt ??= page.answeredAt
    const upTo = page.next ? page.ids.at(-1) ?? null : null
    const candidates = await asService((tx) =>
      heldAbsent(tx, claim, target, after, upTo, page.ids, deletes.idOrder)
    )
    let vanished: string[] = []
    if (candidates.length > 0) {
      const existing = await phase.retrying(() => deletes.existing(candidates, budget.signal))
      vanished = candidates.filter((id) => !existing.has(id))
    }
    const done = page.next === null
    // Where the delete log takes over: the scan's first answer, less a minute for rounding.
    const handOver = startedAt === null
      ? null
      : new Date(Date.parse(startedAt) - minuteMs).toISOString()
    await asService(async (tx) => {
      await holdLease(tx, claim, leaseSeconds)
      await countDeleted(tx, phase, await applyVanished(tx, claim, target, vanished))
      if (done) {
        await tx`
          update public.integration_sync_state
             set id_scan_pending = false, id_scan_after = null, id_scan_started_at = null,
                 deletes_covered_until = ${handOver}::timestamptz
           where ${ownState(tx, claim)}`
      } else {
        await tx`
          update public.integration_sync_state
             set id_scan_after = ${upTo}, id_scan_started_at = ${startedAt}::timestamptz
           where ${ownState(tx, claim)}`
      }
    })
    phase.cpu.pageDone(page.ids.length)
    if (vanished.length > 0) {
      phase.log.info('sync id scan found vanished records', { vanished: vanished.length })
    }
    slowestMs = Math.max(slowestMs, performance.now() - started)
    if (done) {
      phase.state = {
        coveredUntil: handOver,
        scanPending: false,
        scanAfter: null,
        scanStartedAt: null,
      }
      return 'complete'
    }
    after = upTo
    phase.state = { ...phase.state, scanAfter: after, scanStartedAt: startedAt }
    if (!affordCall(phase, slowestMs)) return 'budget'
    started = performance.now()
    const next = page.next!
    page = await phase.retrying(async () => {
      try {
        return await deletes.nextIds(next, budget.signal)
      } catch (error) {
        if (phase.source.classify(error)?.kind !== 'read_expired') throw error
        // The locator expired: a new scan from the last id checked loses nothing.
        return await deletes.scanIds(after, budget.signal)
      }
    })
  }
}
