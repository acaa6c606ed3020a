// What a finished run means for the schedule: when the integration syncs next, its failure
// streak, and whether it turns failing (status error, alert) or recovers. Pure, so every rule is
// unit-tested without a database.

/** How a run ended, as the engine saw it. */
export type RunOutcome =
  /** The read reached the end: everything up to the read's snapshot is stored. */
  | { kind: 'complete' }
  /** The budget ran out first; the cursor is saved, the next tick resumes. */
  | { kind: 'budget' }
  /** The provider's API allowance is spent: stop, come back after `resumeAfterMs`. */
  | { kind: 'limited'; code: string; message: string; resumeAfterMs?: number }
  /** The grant is dead; the credentials layer has paused the sync until someone reconnects. */
  | { kind: 'reauth'; code: string; message: string }
  /** Anything else that stopped the run before the end. */
  | { kind: 'failed'; code: string; message: string }
  /**
   * Only this object cannot be read (a mapped field deleted in the org, no access to the
   * object, a bad mapping): the object backs off and alerts, the integration stays as it is.
   */
  | { kind: 'object_failed'; code: string; message: string }
  /** Another holder took the lease (ours expired): we may not write anything more. */
  | { kind: 'lease_lost' }

export type RunStatus = 'succeeded' | 'partial' | 'failed' | 'abandoned'

export interface SchedulePolicy {
  /** Failed runs in a row at which the integration is marked failing and backs off. */
  failureThreshold: number
  maxBackoffMinutes: number
  /** Default wait after REQUEST_LIMIT_EXCEEDED when the provider gives none. */
  limitBackoffMinutes: number
}

export interface ScheduleState {
  consecutiveFailures: number
  intervalMinutes: number
}

export interface RunDecision {
  runStatus: RunStatus
  errorCode: string | null
  error: string | null
  /** Null: do not touch the schedule (the lease is not ours any more). */
  schedule: {
    consecutiveFailures: number
    nextSyncInSeconds: number
    /** Sets last_success_at. */
    success: boolean
    /** The initial sync (or this read) reached the end. */
    readComplete: boolean
  } | null
  /** failing: status error + sync_failing event; recovered: status active + sync_recovered. */
  integration: 'failing' | 'recovered' | null
  /**
   * The object's own failure, kept on its state row (last_error_code/last_error) until a run of
   * it succeeds; `alert`: an object_sync_failing event when a streak of this code begins.
   */
  objectError: { code: string; message: string; alert: boolean } | null
}

/** Minutes until the next try after `failures` failed runs in a row. */
export function failureDelayMinutes(
  failures: number,
  intervalMinutes: number,
  policy: SchedulePolicy,
): number {
  if (failures < policy.failureThreshold) return intervalMinutes
  const doublings = failures - policy.failureThreshold + 1
  // 2 ** large overflows to Infinity, which min() handles.
  return Math.min(policy.maxBackoffMinutes, intervalMinutes * 2 ** doublings)
}

/** The decision for a run that ended with `outcome`, given the state it was claimed with. */
export function decideAfterRun(
  outcome: RunOutcome,
  state: ScheduleState,
  policy: SchedulePolicy,
): RunDecision {
  const wasFailing = state.consecutiveFailures >= policy.failureThreshold
  const interval = state.intervalMinutes * 60
  switch (outcome.kind) {
    case 'complete':
    case 'budget':
      return {
        runStatus: outcome.kind === 'complete' ? 'succeeded' : 'partial',
        errorCode: null,
        error: null,
        schedule: {
          consecutiveFailures: 0,
          // A partial run is due again at once: the rest waits only for a free worker.
          nextSyncInSeconds: outcome.kind === 'complete' ? interval : 0,
          success: true,
          readComplete: outcome.kind === 'complete',
        },
        integration: wasFailing ? 'recovered' : null,
        objectError: null,
      }
    case 'limited':
      // Not the integration's fault and nothing is lost: the streak stays as it was, and the
      // run is partial (it stopped early, the next one resumes), as Airbyte treats it.
      return {
        runStatus: 'partial',
        errorCode: outcome.code,
        error: outcome.message,
        schedule: {
          consecutiveFailures: state.consecutiveFailures,
          nextSyncInSeconds: Math.ceil(
            (outcome.resumeAfterMs ?? policy.limitBackoffMinutes * 60_000) / 1000,
          ),
          success: false,
          readComplete: false,
        },
        integration: null,
        objectError: null,
      }
    case 'reauth':
      // The pause set by the credentials layer stops claims; the schedule is moot until a
      // reconnect makes the sync due again. The reauth_required event is the alert.
      return {
        runStatus: 'failed',
        errorCode: outcome.code,
        error: outcome.message,
        schedule: {
          consecutiveFailures: state.consecutiveFailures,
          nextSyncInSeconds: interval,
          success: false,
          readComplete: false,
        },
        integration: null,
        objectError: null,
      }
    case 'failed':
    case 'object_failed': {
      const failures = state.consecutiveFailures + 1
      return {
        runStatus: 'failed',
        errorCode: outcome.code,
        error: outcome.message,
        schedule: {
          consecutiveFailures: failures,
          nextSyncInSeconds: failureDelayMinutes(failures, state.intervalMinutes, policy) * 60,
          success: false,
          readComplete: false,
        },
        // An object's own failure never turns the integration to error: the others still sync.
        integration: outcome.kind === 'failed' && failures >= policy.failureThreshold
          ? 'failing'
          : null,
        objectError: {
          code: outcome.code,
          message: outcome.message,
          alert: outcome.kind === 'object_failed',
        },
      }
    }
    case 'lease_lost':
      return {
        runStatus: 'abandoned',
        errorCode: 'lease_lost',
        error: 'Another run took over this integration',
        schedule: null,
        integration: null,
        objectError: null,
      }
  }
}
