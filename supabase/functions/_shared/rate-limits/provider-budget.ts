// A provider account's API allowance shared by every worker: a token bucket per key in Postgres
// (private.take_provider_budget), asked before each call, so two syncs of one HubSpot portal
// (or a sync and the proxy) never spend the portal's limit twice.
import { asService } from '../db/as-user.ts'

/** One bucket: `burst` calls at once, refilled at `perSecond`. */
export interface BudgetRate {
  perSecond: number
  burst: number
}

/**
 * Takes `cost` calls from the bucket `key` and returns how long to wait (ms) before the call
 * fits the allowance; 0 when it fits now. A cost of `perSecond × s` drains the bucket for `s`
 * seconds for everyone (after the provider refused us).
 */
export async function takeProviderBudget(
  key: string,
  rate: BudgetRate,
  cost = 1,
): Promise<number> {
  const [row] = await asService((tx) =>
    tx<{ wait_ms: number }[]>`
      select private.take_provider_budget(${key}, ${rate.burst}, ${rate.perSecond}, ${cost})
             as wait_ms`
  )
  return Math.ceil(row.wait_ms)
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function waitFor(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve()
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    function onAbort() {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
