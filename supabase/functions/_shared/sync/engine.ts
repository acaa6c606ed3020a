// The sync engine: one run of one leased integration. Fetch a page (retrying transient
// failures within the budget), commit it with the cursor in one transaction, repeat until the
// read is done or the budget is spent, then record the run and the next schedule. Backfill and
// incremental runs are this same loop; only where the read starts differs.
import { ReauthRequiredError } from '../credentials/errors.ts'
import { toAppError } from '../http/errors.ts'
import { log as rootLog, type Logger, redactString } from '../log.ts'
import { type Budget, BudgetExhaustedError, type RunCpu } from './budget.ts'
import { checkpointPage } from './checkpoint.ts'
import { LeaseLostError } from './errors.ts'
import { decideAfterRun, type RunOutcome, type RunStatus } from './failure-policy.ts'
import type { ClaimedSync } from './leases.ts'
import { withRetry } from './retry.ts'
import { closeRun, openRun, type RunCounters, type RunTrigger } from './run-records.ts'
import type { SyncSettings } from './settings.ts'
import type { SourcePage, SyncCursor, SyncSource } from './source.ts'
import { sourceFor } from './sources.ts'

/** A run as the sync-cron function reports it: counts and codes, never secrets. */
export interface RunSummary {
  integration_id: string
  run_id: string | null
  trigger: RunTrigger
  status: RunStatus | 'error'
  pages: number
  records_upserted: number
  records_deleted: number
  api_calls: number
  duration_ms: number
  error_code: string | null
}

export interface RunContext {
  trigger: RunTrigger
  budget: Budget
  settings: SyncSettings
  /** The run's CPU, started by the caller (`budget.startRun`); else the run starts its own. */
  cpu?: RunCpu
  /** The run's sync_runs row, opened by the caller with the claim; else the run opens it. */
  runId?: string
  log?: Logger
}

/** The cursor stored for the integration, or null (start from the beginning). */
function storedCursor(source: SyncSource, claim: ClaimedSync, log: Logger): SyncCursor | null {
  const cursor = source.parseCursor(claim.cursor)
  if (cursor !== undefined) return cursor
  // Not a cursor of this source (hand-edited, or a format we no longer write): a full read is
  // always correct, because the upsert never lets an older version win.
  log.warn('sync cursor unreadable; reading from the beginning')
  return null
}

/**
 * The page loop. Returns how the read ended; errors that end the run are thrown. `log` carries
 * the integration id.
 */
async function readPages(
  claim: ClaimedSync,
  runId: string,
  source: SyncSource,
  counters: RunCounters,
  context: RunContext & { cpu: RunCpu },
  log: Logger,
): Promise<RunOutcome> {
  const { budget, settings, cpu } = context
  let stored = storedCursor(source, claim, log)
  // A new incremental read re-reads a window before the cursor, for records that became visible
  // late with an older stamp. A read that stopped part-way resumes exactly where it stopped: it
  // has read that window already, and re-reading it at every resume could stall a catch-up.
  const lookback = stored && claim.initialSyncCompletedAt && !claim.readInProgress
    ? settings.lookbackSeconds
    : 0
  // Where a read the source forgot restarts: after the last record read, or where it began.
  let restartFrom = stored
  let restartLookback = lookback
  const fetchPage = (attempt: () => Promise<SourcePage>) =>
    withRetry(attempt, {
      ...settings.retry,
      budget,
      classify(error) {
        const verdict = source.classify(error)
        return verdict?.kind === 'transient'
          ? { retry: true, afterMs: verdict.retryAfterMs }
          : { retry: false }
      },
      onRetry(error, attempt, waitMs) {
        log.warn('sync page retry', {
          attempt,
          wait_ms: waitMs,
          error_code: toAppError(error)?.code ?? (error as Error)?.name,
        })
      },
    })

  let pageStarted = performance.now()
  let slowestPageMs = 0
  let page = await fetchPage(() => source.start(stored, lookback, budget.signal))
  for (;;) {
    const advance = page.cursor && source.isAfter(page.cursor, stored) ? page.cursor : null
    if (page.rows.length > 0 || advance) {
      const counts = await checkpointPage({
        claim,
        runId,
        sourceType: source.sourceType,
        rows: page.rows,
        cursor: advance,
        apiCalls: source.apiCalls,
        leaseSeconds: settings.leaseSeconds,
      })
      counters.recordsUpserted += counts.upserted
      counters.recordsDeleted += counts.deleted
      if (advance) stored = advance
    }
    cpu.pageDone(page.rows.length)
    counters.pages++
    if (page.cursor) {
      restartFrom = page.cursor
      restartLookback = 0
    }
    slowestPageMs = Math.max(slowestPageMs, performance.now() - pageStarted)
    const next = page.next
    if (!next) return { kind: 'complete' }
    // Stop before a page that would likely not finish in time (its API call would be wasted),
    // or whose records could take the CPU past the budget (with the pages in flight elsewhere).
    if (budget.remainingMs() <= slowestPageMs) return { kind: 'budget' }
    if (!cpu.reservePage(settings.pageSize)) return { kind: 'budget' }
    pageStarted = performance.now()
    page = await fetchPage(async () => {
      try {
        return await source.next(next, budget.signal)
      } catch (error) {
        if (source.classify(error)?.kind !== 'read_expired') throw error
        // The source forgot the read: a new one from the last record read loses nothing.
        log.info('sync read expired; restarting from the last record')
        return await source.start(restartFrom, restartLookback, budget.signal)
      }
    })
  }
}

/** What an error that ended the run means. */
function outcomeOf(error: unknown, source: SyncSource | undefined, log: Logger): RunOutcome {
  if (error instanceof BudgetExhaustedError) return { kind: 'budget' }
  if (error instanceof LeaseLostError) return { kind: 'lease_lost' }
  const appError = toAppError(error)
  if (error instanceof ReauthRequiredError) {
    return { kind: 'reauth', code: error.code, message: error.message }
  }
  const verdict = source?.classify(error)
  if (verdict?.kind === 'rate_limited') {
    return {
      kind: 'limited',
      code: appError?.code ?? 'rate_limited',
      message: appError?.message ?? 'The provider API limit is spent',
      resumeAfterMs: verdict.resumeAfterMs,
    }
  }
  if (appError) {
    return { kind: 'failed', code: appError.code, message: redactString(appError.message) }
  }
  // Runs are readable by the team: an unexpected error's details go to the log only.
  log.error('sync run failed unexpectedly', { error })
  return { kind: 'failed', code: 'internal_error', message: 'An unexpected error occurred' }
}

/**
 * Runs one sync of a leased integration and records it (sync_runs, schedule, lease release).
 * Never throws for what the provider or the data did; a database failure on opening or closing
 * the run throws, and the lease then expires on its own.
 */
export async function runClaimedSync(
  claim: ClaimedSync,
  context: RunContext,
): Promise<RunSummary> {
  const log = (context.log ?? rootLog).child({ integration_id: claim.integrationId })
  const started = performance.now()
  const cpu = context.cpu ?? context.budget.startRun(context.settings.pageSize)
  const runId = context.runId ?? await openRun(claim, context.trigger)
  const counters: RunCounters = { pages: 0, recordsUpserted: 0, recordsDeleted: 0, apiCalls: 0 }
  let source: SyncSource | undefined
  let outcome: RunOutcome
  try {
    source = sourceFor(claim.provider)(claim.integrationId, {
      pageSize: context.settings.pageSize,
      requestTimeoutMs: context.settings.requestTimeoutMs,
    })
    // A budget without the CPU for one page ends the run before its first call.
    outcome = cpu
      ? await readPages(claim, runId, source, counters, { ...context, cpu }, log)
      : { kind: 'budget' }
  } catch (error) {
    outcome = outcomeOf(error, source, log)
  } finally {
    cpu?.end()
  }
  counters.apiCalls = source?.apiCalls ?? 0
  const decision = decideAfterRun(outcome, claim, context.settings.schedule)
  const durationMs = performance.now() - started
  const status = await closeRun(claim, runId, counters, decision, durationMs)
  const summary: RunSummary = {
    integration_id: claim.integrationId,
    run_id: runId,
    trigger: context.trigger,
    status,
    pages: counters.pages,
    records_upserted: counters.recordsUpserted,
    records_deleted: counters.recordsDeleted,
    api_calls: counters.apiCalls,
    duration_ms: Math.round(durationMs),
    error_code: status === 'abandoned' && !decision.errorCode ? 'lease_lost' : decision.errorCode,
  }
  log.info('sync run finished', { ...summary })
  return summary
}
