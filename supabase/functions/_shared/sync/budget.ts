// A tick's (or manual run's) budget: a deadline well under the edge function's wall clock, with
// a signal that fires at it so no request outlives it, and an estimate of the CPU time spent,
// kept under the runtime's CPU limit per request.

/**
 * What the work costs in CPU, as `npm run bench` measures it (sync_process.cpu_ms_per_1k_records
 * and cron_tick_idle_integrations.cpu_ms per run): reading, validating and writing records, and
 * each run's fixed work (claim, credentials, run records).
 */
export interface CpuCosts {
  /** The estimate may not pass this (the edge runtime stops a request at 2 s of CPU). */
  budgetMs: number
  perRecordMs: number
  perRunMs: number
}

export interface Budget {
  /** Epoch milliseconds at which the time is spent. */
  readonly deadline: number
  /** Aborts at the deadline: pass it to every provider request. */
  readonly signal: AbortSignal
  readonly cpu: CpuCosts
  remainingMs(): number
  expired(): boolean
  /** Adds to the CPU estimate. */
  spendCpu(ms: number): void
  /** CPU time left by the estimate. */
  cpuLeftMs(): number
  /** Stops the timer behind `signal`; call it when the work is over. */
  dispose(): void
}

/** No CPU model: only the time counts (tests of other things). */
export const unlimitedCpu: CpuCosts = { budgetMs: Infinity, perRecordMs: 0, perRunMs: 0 }

/**
 * A budget of `ms` from now and `cpu`. `now` is injectable for unit tests of the arithmetic; the
 * signal always follows real time.
 */
export function createBudget(
  ms: number,
  cpu: CpuCosts = unlimitedCpu,
  now: () => number = Date.now,
): Budget {
  const deadline = now() + ms
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(new BudgetExhaustedError()),
    Math.max(0, ms),
  )
  let cpuSpent = 0
  return {
    deadline,
    signal: controller.signal,
    cpu,
    remainingMs: () => Math.max(0, deadline - now()),
    expired: () => controller.signal.aborted || now() >= deadline,
    spendCpu: (spent) => {
      cpuSpent += spent
    },
    cpuLeftMs: () => Math.max(0, cpu.budgetMs - cpuSpent),
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
