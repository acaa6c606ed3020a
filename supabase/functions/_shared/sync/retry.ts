// Retries of transient provider failures: exponential backoff with jitter, Retry-After honoured,
// never past the run's budget.
import { type Budget, BudgetExhaustedError } from './budget.ts'

/** What a failed attempt means for the next one. */
export type RetryVerdict = { retry: false } | { retry: true; afterMs?: number }

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number
  baseMs: number
  maxMs: number
}

/**
 * The wait before retry number `attempt` (0 for the first retry): exponential in `attempt`,
 * capped at `maxMs`, with "equal jitter" (half fixed, half random) so that callers failing
 * together do not retry together, yet no wait collapses to nothing.
 */
export function backoffMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt)
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

export interface RetryOptions extends RetryPolicy {
  budget: Budget
  /** Decides whether an error may succeed on a later attempt, and how long the server asked. */
  classify(error: unknown): RetryVerdict
  /** Called before each wait (logging). */
  onRetry?(error: unknown, attempt: number, waitMs: number): void
  random?: () => number
  /**
   * Stops the retries when it aborts (default: the budget's signal). One that also follows the
   * budget's lets a caller give up on one call without ending the budget (a page fetched ahead).
   */
  signal?: AbortSignal
}

/** Waits `ms`, or rejects with BudgetExhaustedError as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new BudgetExhaustedError())
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    function onAbort() {
      clearTimeout(timer)
      reject(new BudgetExhaustedError())
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Runs `attempt` until it succeeds, an error is not worth retrying, the attempts are spent, or
 * the next wait would end past the budget; then the last error is thrown. An attempt cut short by
 * the budget's own deadline throws BudgetExhaustedError: the run stops, nothing failed.
 */
export async function withRetry<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let retry = 0;; retry++) {
    try {
      return await attempt()
    } catch (error) {
      if (options.budget.signal.aborted) throw new BudgetExhaustedError({ cause: error })
      if (options.signal?.aborted) throw error
      const verdict = options.classify(error)
      if (!verdict.retry || retry + 1 >= options.attempts) throw error
      const waitMs = Math.max(verdict.afterMs ?? 0, backoffMs(retry, options, options.random))
      if (waitMs >= options.budget.remainingMs()) throw error
      options.onRetry?.(error, retry + 1, waitMs)
      try {
        await sleep(waitMs, options.signal ?? options.budget.signal)
      } catch (stopped) {
        // Stopped by the caller's own signal, not the budget: the last error is the answer.
        throw options.budget.signal.aborted ? stopped : error
      }
    }
  }
}
