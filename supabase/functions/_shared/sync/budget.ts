// A tick's (or manual run's) budget: a deadline well under the edge function's wall clock, with
// a signal that fires at it so no request outlives it, and the CPU time spent, kept under the
// runtime's CPU limit per request: measured where the runtime tells it, estimated otherwise, and
// with the CPU of work already started (pages of concurrent runs) reserved before more starts.
import process from 'node:process'

/**
 * What the work costs in CPU, as `npm run bench` measures it (sync_process.cpu_ms_per_1k_records
 * and cron_tick_idle_integrations.cpu_ms per run): reading, checking and sending records, and
 * each run's fixed work (claim, credentials, run records).
 */
export interface CpuCosts {
  /** What the work may spend (the edge runtime stops a request at 2 s of CPU). */
  budgetMs: number
  perRecordMs: number
  perRunMs: number
}

/** CPU milliseconds this process has used so far; undefined where the runtime does not say. */
export type CpuClock = () => number | undefined

/** The CPU of one run: its fixed cost and the page it may have in flight. */
export interface RunCpu {
  /**
   * Reserves the CPU of a page of `records` before it is fetched; false when the budget cannot
   * take it (other runs' pages in flight count), and the run should stop there.
   */
  reservePage(records: number): boolean
  /**
   * The page fetched with the last reservation is read and checked (its commit, mostly sending
   * its bytes, may still be under way): `records` count as spent.
   */
  pageDone(records: number): void
  /** The run is over: whatever it still reserved is freed. */
  end(): void
}

export interface Budget {
  /** Epoch milliseconds at which the time is spent. */
  readonly deadline: number
  /** Aborts at the deadline: pass it to every provider request. */
  readonly signal: AbortSignal
  readonly cpu: CpuCosts
  /** True when the CPU spent is measured (the runtime says it), false when estimated. */
  readonly cpuMeasured: boolean
  remainingMs(): number
  expired(): boolean
  /** Adds to the CPU estimate. */
  spendCpu(ms: number): void
  /** CPU spent: measured where the runtime tells it, else the estimate. */
  cpuSpentMs(): number
  /** CPU left: the budget less what is spent and what work in flight has reserved. */
  cpuLeftMs(): number
  /**
   * Starts a run if the budget has the CPU for its fixed cost and its first page of
   * `pageRecords`; undefined otherwise.
   */
  startRun(pageRecords: number): RunCpu | undefined
  /** Stops the timer behind `signal`; call it when the work is over. */
  dispose(): void
}

/** No CPU model: only the time counts (tests of other things). */
export const unlimitedCpu: CpuCosts = { budgetMs: Infinity, perRecordMs: 0, perRunMs: 0 }

/** The estimate must reach this before a measurement may scale it: below, noise dominates. */
const minEstimateToScaleMs = 20

let processClockChecked: CpuClock | undefined

/**
 * This process's CPU time from `process.cpuUsage()` (user + system, every thread: an upper bound
 * of the isolate's own). Supabase's edge runtime implements it as a stub that always answers
 * zero (supabase/edge-runtime ext/node/polyfills/process.ts, `warnNotImplemented`), and gives
 * user workers no other CPU clock (`EdgeRuntime` has only waitUntil there; `Deno.memoryUsage`
 * reports rss 0): there the clock says undefined and the budget estimates. Deno (tests, the
 * benchmarks, self-hosting on plain Deno) measures.
 */
export function processCpuClock(): CpuClock {
  if (processClockChecked) return processClockChecked
  const read = () => {
    const { user, system } = process.cpuUsage()
    return (user + system) / 1000
  }
  // A process running this code has used some CPU: zero means the stub. Asked once, so the stub
  // warns once.
  processClockChecked = read() > 0 ? read : () => undefined
  return processClockChecked
}

/** No CPU clock: the budget estimates from the configured costs alone. */
export const noCpuClock: CpuClock = () => undefined

/**
 * A budget of `ms` from now and `cpu`, measuring the CPU with `clock` (the sync passes
 * `processCpuClock()`). `now` is injectable for unit tests of the arithmetic; the signal always
 * follows real time.
 *
 * Where the clock measures, the reservations are scaled by what the work measurably costs here
 * against the configured costs (never below them), so a slower machine than the one the costs
 * were measured on stops earlier instead of overrunning. Where it does not, the configured costs
 * are the estimate, and they are the bench's figures with a margin.
 */
export function createBudget(
  ms: number,
  cpu: CpuCosts = unlimitedCpu,
  now: () => number = Date.now,
  clock: CpuClock = noCpuClock,
): Budget {
  const deadline = now() + ms
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(new BudgetExhaustedError()),
    Math.max(0, ms),
  )
  const clockStart = clock()
  const cpuMeasured = clockStart !== undefined
  let estimated = 0
  let reserved = 0

  const measured = () => {
    const at = clock()
    return at === undefined || clockStart === undefined ? undefined : at - clockStart
  }
  const spent = () => Math.max(estimated, measured() ?? 0)
  /** How much more the work costs here than the configured costs say (at least 1). */
  const scale = () => {
    const actual = measured()
    if (actual === undefined || estimated < minEstimateToScaleMs) return 1
    return Math.max(1, actual / estimated)
  }
  const left = () => Math.max(0, cpu.budgetMs - spent() - reserved * scale())
  const tryReserve = (costMs: number) => {
    if (costMs * scale() > left()) return false
    reserved += costMs
    return true
  }

  return {
    deadline,
    signal: controller.signal,
    cpu,
    cpuMeasured,
    remainingMs: () => Math.max(0, deadline - now()),
    expired: () => controller.signal.aborted || now() >= deadline,
    spendCpu: (cost) => {
      estimated += cost
    },
    cpuSpentMs: spent,
    cpuLeftMs: left,
    startRun(pageRecords) {
      let held = cpu.perRunMs + pageRecords * cpu.perRecordMs
      if (!tryReserve(held)) return undefined
      // The run's fixed cost is spent at once (claim, credentials, run row).
      reserved -= cpu.perRunMs
      estimated += cpu.perRunMs
      held -= cpu.perRunMs
      return {
        reservePage(records) {
          const cost = records * cpu.perRecordMs
          if (!tryReserve(cost)) return false
          held += cost
          return true
        },
        pageDone(records) {
          reserved -= held
          held = 0
          estimated += records * cpu.perRecordMs
        },
        end() {
          reserved -= held
          held = 0
        },
      }
    },
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
