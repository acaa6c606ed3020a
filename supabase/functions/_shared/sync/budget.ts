// A run's time budget: a deadline well under the edge function's wall clock, and a signal that
// fires at it so no request outlives the budget.

export interface Budget {
  /** Epoch milliseconds at which the budget is spent. */
  readonly deadline: number
  /** Aborts at the deadline: pass it to every provider request. */
  readonly signal: AbortSignal
  remainingMs(): number
  expired(): boolean
  /** Stops the timer behind `signal`; call it when the work is over. */
  dispose(): void
}

/**
 * A budget of `ms` from now. `now` is injectable for unit tests of the arithmetic; the signal
 * always follows real time.
 */
export function createBudget(ms: number, now: () => number = Date.now): Budget {
  const deadline = now() + ms
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(new BudgetExhaustedError()),
    Math.max(0, ms),
  )
  return {
    deadline,
    signal: controller.signal,
    remainingMs: () => Math.max(0, deadline - now()),
    expired: () => controller.signal.aborted || now() >= deadline,
    dispose: () => clearTimeout(timer),
  }
}

/** The budget ran out before the work did: not a failure, the next run resumes. */
export class BudgetExhaustedError extends Error {
  override name = 'BudgetExhaustedError'
  constructor(options?: ErrorOptions) {
    super('The sync budget ran out', options)
  }
}
