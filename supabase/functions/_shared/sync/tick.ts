// One sync-cron tick: claim due object syncs (integration, object) a few at a time, all under the
// tick's one lease owner, and work them with bounded concurrency until none is due or the budget
// is spent; what is left waits for the next tick. Every write of a run is fenced by its
// (integration, object) and the owner, so runs of one tick never touch each other's state.
import { asService } from '../db/as-user.ts'
import { log as rootLog, type Logger } from '../log.ts'
import { createBudget, processCpuClock } from './budget.ts'
import { runClaimedSync, type RunSummary } from './engine.ts'
import { claimDueSyncs, type ClaimedSync, newLeaseOwner, releaseUnworked } from './leases.ts'
import { discardRun, openRuns } from './run-records.ts'
import type { SyncSettings } from './settings.ts'

export interface TickSummary {
  /** The lease owner of this tick's claims: find its runs' leases while they last. */
  tick: string
  claimed: number
  runs: RunSummary[]
  /** Claimed but given back unworked because the budget ran out. */
  released: number
  duration_ms: number
  /** Time or CPU ran short: due integrations may be left for the next tick. */
  budget_exhausted: boolean
  /** The CPU the tick's work cost: measured where the runtime says (`cpu_measured`), else estimated. */
  cpu_estimate_ms: number
  cpu_measured: boolean
}

/**
 * Runs one tick. Each claim takes at most `concurrency` integrations, and only when a worker is
 * free, so leases are never held by integrations that wait in memory for long; a claim that
 * comes back short means nothing else is due, and claiming stops. A run whose database work
 * fails is reported as `error` and its lease left to expire (its next claim resumes it).
 */
export async function runSyncTick(
  settings: SyncSettings,
  logger: Logger = rootLog,
): Promise<TickSummary> {
  const started = performance.now()
  const owner = newLeaseOwner('cron')
  const log = logger.child({ tick: owner })
  const budget = createBudget(settings.budgetMs, settings.cpu, Date.now, processCpuClock())
  /** Claimed integrations waiting for a worker, each with its run already opened. */
  const queue: { claim: ClaimedSync; runId: string }[] = []
  const runs: RunSummary[] = []
  let claimed = 0
  let released = 0
  let drained = false
  let claiming: Promise<void> | undefined

  // The last tenth of the time only finishes runs in flight: a run started then would mostly
  // spend an API call on a page it cannot commit in time. No run starts without the CPU for its
  // fixed cost and a full first page (`budget.startRun` decides, counting pages in flight).
  const runCpuMs = settings.cpu.perRunMs + settings.pageSize * settings.cpu.perRecordMs
  const claimable = () =>
    budget.remainingMs() > settings.budgetMs / 10 && budget.cpuLeftMs() >= runCpuMs

  /** The next integration to work, claiming more when the queue is empty (one claim at a time). */
  async function nextClaim(): Promise<{ claim: ClaimedSync; runId: string } | undefined> {
    while (queue.length === 0 && !drained && claimable()) {
      claiming ??= asService(async (tx) => {
        const rows = await claimDueSyncs(tx, owner, settings.concurrency, settings.leaseSeconds)
        const runIds = await openRuns(tx, rows, 'cron')
        return rows.map((claim, i) => ({ claim, runId: runIds[i] }))
      }).then((rows) => {
        claimed += rows.length
        queue.push(...rows)
        if (rows.length < settings.concurrency) drained = true
      }).finally(() => {
        claiming = undefined
      })
      await claiming
    }
    return queue.shift()
  }

  async function worker(): Promise<void> {
    for (let next = await nextClaim(); next; next = await nextClaim()) {
      const { claim, runId } = next
      const cpu = claimable() ? budget.startRun(settings.pageSize) : undefined
      if (!cpu) {
        await asService(async (tx) => {
          await releaseUnworked(tx, claim)
          await discardRun(tx, runId)
        })
        released++
        continue
      }
      try {
        runs.push(
          await runClaimedSync(claim, { trigger: 'cron', budget, settings, cpu, runId, log }),
        )
      } catch (error) {
        log.error('sync run could not be recorded', {
          integration_id: claim.integrationId,
          object: claim.object,
          error,
        })
        runs.push(failedToRecord(claim))
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: settings.concurrency }, worker))
  } finally {
    budget.dispose()
  }
  const summary: TickSummary = {
    tick: owner,
    claimed,
    runs,
    released,
    duration_ms: Math.round(performance.now() - started),
    budget_exhausted: !claimable(),
    cpu_estimate_ms: Math.round(budget.cpuSpentMs()),
    cpu_measured: budget.cpuMeasured,
  }
  log.info('sync tick finished', { claimed, runs: runs.length, released })
  return summary
}

/** The summary of a run whose own records could not be written. */
function failedToRecord(claim: ClaimedSync): RunSummary {
  return {
    integration_id: claim.integrationId,
    object: claim.object,
    run_id: null,
    trigger: 'cron',
    status: 'error',
    pages: 0,
    records_upserted: 0,
    records_deleted: 0,
    api_calls: 0,
    duration_ms: 0,
    error_code: 'internal_error',
  }
}
