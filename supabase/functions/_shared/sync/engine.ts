// The sync engine: one run of one leased (integration, object). Fetch a page (retrying transient
// failures within the budget), commit it with the cursor in one transaction, repeat until the
// read is done or the budget is spent; after a complete read, find the deletes the read cannot
// see (deletes.ts); then record the run and the next schedule. Backfill and incremental runs
// are this same loop; only where the read starts differs.
import { ReauthRequiredError } from '../connections/errors.ts'
import { toAppError } from '../http/errors.ts'
import { log as rootLog, type Logger, redactString } from '../log.ts'
import { type Budget, BudgetExhaustedError, type RunCpu } from './budget.ts'
import { checkpointPage } from './checkpoint.ts'
import { loadReadState, type ReadState, reconcileDeletes } from './deletes.ts'
import { LeaseLostError, ObjectSyncError } from './errors.ts'
import { decideAfterRun, type RunOutcome, type RunStatus } from './failure-policy.ts'
import type { ClaimedSync } from './leases.ts'
import { withRetry } from './retry.ts'
import { closeRun, openRun, type RunCounters, type RunTrigger } from './run-records.ts'
import type { SyncSettings } from './settings.ts'
import type {
  ObjectSyncConfig,
  ReadLookback,
  SourcePage,
  SyncCursor,
  SyncSource,
} from './source.ts'
import { objectConfig, sourceFor } from './sources.ts'
import type { UpsertTarget } from './upsert.ts'

/** A run as the sync-cron function reports it: counts and codes, never secrets. */
export interface RunSummary {
  integration_id: string
  /** The object synced (contact, account, lead, or the provider's API name). */
  object: string
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

/** The cursor stored for the object, or null (start from the beginning). */
function storedCursor(source: SyncSource, claim: ClaimedSync, log: Logger): SyncCursor | null {
  const cursor = source.parseCursor(claim.cursor)
  if (cursor !== undefined) return cursor
  // Not a cursor of this source (hand-edited, or a format we no longer write): a full read is
  // always correct, because the upsert never lets an older version win.
  log.warn('sync cursor unreadable; reading from the beginning')
  return null
}

/** How a read ended, and what the delete phase after it needs to know. */
interface ReadResult {
  outcome: RunOutcome
  /** When the read's first query was answered (provider time); null when unknown. */
  readStartedAt: string | null
  /** The provider's time as of its latest answer. */
  serverNow: string | null
}

/** Runs provider calls with the transient-error retries every call of a run gets. */
function retrier(source: SyncSource, context: RunContext, log: Logger, signal?: AbortSignal) {
  return <T>(attempt: () => Promise<T>): Promise<T> =>
    withRetry(attempt, {
      ...context.settings.retry,
      budget: context.budget,
      signal,
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
}

/**
 * The page loop. Returns how the read ended; errors that end the run are thrown. `log` carries
 * the integration id.
 */
async function readPages(
  claim: ClaimedSync,
  runId: string,
  source: SyncSource,
  target: UpsertTarget,
  state: ReadState,
  counters: RunCounters,
  context: RunContext & { cpu: RunCpu },
  log: Logger,
): Promise<ReadResult> {
  const { budget, settings, cpu } = context
  const stored = storedCursor(source, claim, log)
  // Where this read starts, from one invariant: after a read completes, every record stamped
  // before (the time its first query was answered - the lookback) is stored.
  //
  // Why it holds: a record that becomes visible late carries a stamp at most the lookback older
  // than the moment it became visible (commit lag, facts §0.13). So a record stamped before
  // (first answer - lookback) was visible when the read's first query ran. That query returned
  // it unless it lies before the read's start; every later query of the same read (the next
  // run's resume after the cursor, a restart after an expired locator, a kill or a limit
  // backoff) still sees it, in its current version, if it lies after the position reached.
  // And what lies before the read's start was stored by the previous read, by the same
  // invariant, when the read starts at (that read's first answer - the lookback).
  //
  // Hence: a new read starts `lookback` before the earlier of the previous read's first answer
  // (read_started_at) and the cursor (the previous read's last record; the earlier of the two
  // also covers a provider clock that says nothing or runs behind its stamps). A read that
  // stopped part-way resumes exactly after its cursor, without a lookback: its first query is
  // the one that counts, and re-reading a window at every resume could stall a catch-up (a
  // mass update sharing one stamp, read one page per run). The keyset order (stamp, Id) makes
  // the resume exact for records that share a stamp.
  const resuming = claim.readInProgress && stored !== null
  const lookback: ReadLookback | null = stored && !resuming
    ? { seconds: settings.lookbackSeconds, from: state.readStartedAt }
    : null
  // A resumed read keeps the start stored with its first page (the checkpoint keeps it too).
  let readStartedAt: string | null = resuming ? state.readStartedAt : null
  // Where a read the source forgot restarts: after the last record read, or where it began.
  let restartFrom = stored
  let restartLookback = lookback
  const fetchPage = retrier(source, context, log)

  let slowestPageMs = 0
  let slowestCheckpointMs = 0
  let pageStarted = performance.now()
  let page = await fetchPage(() => source.start(stored, lookback, budget.signal))
  if (!resuming) readStartedAt = page.answeredAt
  let serverNow = page.answeredAt
  for (;;) {
    // The page is read and checked: its CPU is spent but for sending its bytes, and counted now,
    // so that the estimate and the CPU measured both include it when the next page's CPU is
    // reserved (an estimate lagging a page behind the clock would scale every reservation up).
    cpu.pageDone(page.rows.length)
    // The next page is fetched while this one commits: one page ahead, never more, so the
    // memory a run holds stays two pages. It is started only where the run would fetch it after
    // the commit anyway: its CPU reserved first, and the time left enough for the commit under
    // way, then the page's own fetch and commit.
    const next = page.next
    const prefetch = next &&
        budget.remainingMs() > slowestPageMs + slowestCheckpointMs &&
        cpu.reservePage(settings.pageSize)
      ? prefetchPage(next, source, context, log)
      : null
    const committing = performance.now()
    try {
      if (page.rows.length > 0) {
        const counts = await checkpointPage({
          claim,
          runId,
          target,
          rows: page.rows,
          cursor: page.cursor,
          readStartedAt,
          apiCalls: source.apiCalls,
          leaseSeconds: settings.leaseSeconds,
        })
        counters.recordsUpserted += counts.upserted
        counters.recordsDeleted += counts.deleted
      }
    } catch (error) {
      // The run ends here (lease lost, database down): nothing of it may outlive it.
      await prefetch?.cancel()
      throw error
    }
    counters.pages++
    if (page.cursor) {
      restartFrom = page.cursor
      restartLookback = null
    }
    const now = performance.now()
    slowestCheckpointMs = Math.max(slowestCheckpointMs, now - committing)
    slowestPageMs = Math.max(slowestPageMs, now - pageStarted)
    if (!next) return { outcome: { kind: 'complete' }, readStartedAt, serverNow }
    // No page ahead: the next would likely not finish in time (its API call would be wasted), or
    // its records could take the CPU past the budget (with the pages in flight elsewhere).
    if (!prefetch) return { outcome: { kind: 'budget' }, readStartedAt, serverNow }
    pageStarted = prefetch.startedAt
    const fetched = await prefetch.page
    if (fetched.ok) {
      page = fetched.page
    } else {
      if (source.classify(fetched.error)?.kind !== 'read_expired') throw fetched.error
      // The source forgot the read: a new one from the last record committed (the page just
      // stored included) loses nothing and repeats nothing.
      log.info('sync read expired; restarting from the last record')
      page = await fetchPage(() => source.start(restartFrom, restartLookback, budget.signal))
    }
    serverNow = page.answeredAt ?? serverNow
  }
}

/** A page fetched ahead: settles without throwing, so a failure waits for the loop to see it. */
interface Prefetch {
  startedAt: number
  page: Promise<{ ok: true; page: SourcePage } | { ok: false; error: unknown }>
  /** Stops the fetch (and its retries) and waits until it has. */
  cancel(): Promise<void>
}

/**
 * Fetches the page after `next`, with the run's retries, until the budget's signal or `cancel`
 * stops it. A read_expired is not retried here: the restart needs the cursor of the page being
 * committed, and belongs to the loop once that page is stored.
 */
function prefetchPage(
  next: string,
  source: SyncSource,
  context: RunContext,
  log: Logger,
): Prefetch {
  const startedAt = performance.now()
  const stop = new AbortController()
  const signal = AbortSignal.any([context.budget.signal, stop.signal])
  const fetchPage = retrier(source, context, log, signal)
  const page = fetchPage(() => source.next(next, signal)).then(
    (page) => ({ ok: true as const, page }),
    (error: unknown) => ({ ok: false as const, error }),
  )
  return {
    startedAt,
    page,
    async cancel() {
      stop.abort(new PrefetchCancelledError())
      await page
    },
  }
}

/** A page fetched ahead was no longer wanted: the run ended before it. */
class PrefetchCancelledError extends Error {
  override name = 'PrefetchCancelledError'
}

/** A read, then (when it completed) the deletes the read cannot see. */
async function readAndReconcile(
  claim: ClaimedSync,
  runId: string,
  source: SyncSource,
  state: ReadState,
  config: ObjectSyncConfig,
  counters: RunCounters,
  context: RunContext & { cpu: RunCpu },
  log: Logger,
): Promise<RunOutcome> {
  // The table's scope: the provider for tables keyed by source, the object for crm_records.
  const scope = source.table.scope === 'object' ? claim.object : source.sourceType
  const target: UpsertTarget = {
    businessId: claim.businessId,
    integrationId: claim.integrationId,
    scope,
    fieldMapping: config.fieldMapping,
    keepSourceRecord: config.keepSourceRecord,
  }
  const read = await readPages(claim, runId, source, target, state, counters, context, log)
  if (read.outcome.kind !== 'complete') return read.outcome
  const { budget, settings, cpu } = context
  const ended = await reconcileDeletes({
    claim,
    runId,
    source,
    target: { table: source.table, scope },
    state,
    initialRead: claim.initialSyncCompletedAt === null,
    readStartedAt: read.readStartedAt,
    serverNow: read.serverNow,
    lookbackSeconds: settings.lookbackSeconds,
    budget,
    counters,
    cpu,
    pageSize: settings.pageSize,
    retrying: retrier(source, context, log),
    outOfBudget: (slowestCallMs) => budget.remainingMs() <= slowestCallMs,
    log,
  }, settings.leaseSeconds)
  return { kind: ended }
}

/** What an error that ended the run means. */
function outcomeOf(error: unknown, source: SyncSource | undefined, log: Logger): RunOutcome {
  if (error instanceof BudgetExhaustedError) return { kind: 'budget' }
  if (error instanceof LeaseLostError) return { kind: 'lease_lost' }
  if (error instanceof ObjectSyncError) {
    return { kind: 'object_failed', code: error.code, message: redactString(error.message) }
  }
  const appError = toAppError(error)
  if (error instanceof ReauthRequiredError) {
    return { kind: 'reauth', code: error.code, message: error.message }
  }
  const verdict = source?.classify(error)
  if (verdict?.kind === 'object_error') {
    return { kind: 'object_failed', code: verdict.code, message: redactString(verdict.message) }
  }
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
 * Runs one sync of a leased object and records it (sync_runs, schedule, lease release).
 * Never throws for what the provider or the data did; a database failure on opening or closing
 * the run throws, and the lease then expires on its own.
 */
export async function runClaimedSync(
  claim: ClaimedSync,
  context: RunContext,
): Promise<RunSummary> {
  const log = (context.log ?? rootLog).child({
    integration_id: claim.integrationId,
    object: claim.object,
  })
  const started = performance.now()
  const cpu = context.cpu ?? context.budget.startRun(context.settings.pageSize)
  const runId = context.runId ?? await openRun(claim, context.trigger)
  const counters: RunCounters = { pages: 0, recordsUpserted: 0, recordsDeleted: 0, apiCalls: 0 }
  let source: SyncSource | undefined
  let outcome: RunOutcome
  try {
    const state = await loadReadState(claim.integrationId, claim.object)
    const config = objectConfig(claim.object, state.configuration)
    source = sourceFor(claim.provider, claim.object)(claim.integrationId, {
      object: config,
      pageSize: context.settings.pageSize,
      requestTimeoutMs: context.settings.requestTimeoutMs,
    })
    // A budget without the CPU for one page ends the run before its first call.
    outcome = cpu
      ? await readAndReconcile(claim, runId, source, state, config, counters, {
        ...context,
        cpu,
      }, log)
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
    object: claim.object,
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
