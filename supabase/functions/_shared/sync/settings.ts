// The sync's settings in the units the engine uses, read from the validated `sync` config.
import { ConfigError, getConfig } from '../config.ts'
import type { CpuCosts } from './budget.ts'
import type { SchedulePolicy } from './failure-policy.ts'
import type { RetryPolicy } from './retry.ts'

export interface SyncSettings {
  budgetMs: number
  cpu: CpuCosts
  concurrency: number
  leaseSeconds: number
  lookbackSeconds: number
  pageSize: number
  requestTimeoutMs: number
  retry: RetryPolicy
  schedule: SchedulePolicy
}

/** The longest single wait between retries: past it, the next tick is the better retry. */
const maxRetryWaitMs = 30_000

/**
 * Settings from the environment (SYNC_* variables; defaults in config.ts).
 *
 * @throws {ConfigError} when a lease would not outlast a run: every run ends by its budget, and
 * a lease that expired first would let a second run start on the same integration.
 */
export function syncSettings(): SyncSettings {
  const config = getConfig('sync')
  if (config.SYNC_LEASE_SECONDS <= config.SYNC_BUDGET_SECONDS) {
    throw new ConfigError(
      'Invalid environment (sync): SYNC_LEASE_SECONDS must be greater than SYNC_BUDGET_SECONDS',
    )
  }
  return {
    budgetMs: config.SYNC_BUDGET_SECONDS * 1000,
    cpu: {
      budgetMs: config.SYNC_CPU_BUDGET_MS,
      perRecordMs: config.SYNC_CPU_MS_PER_1K_RECORDS / 1000,
      perRunMs: config.SYNC_CPU_MS_PER_RUN,
    },
    concurrency: config.SYNC_CONCURRENCY,
    leaseSeconds: config.SYNC_LEASE_SECONDS,
    lookbackSeconds: config.SYNC_LOOKBACK_SECONDS,
    pageSize: config.SYNC_PAGE_SIZE,
    requestTimeoutMs: config.SYNC_REQUEST_TIMEOUT_SECONDS * 1000,
    retry: {
      attempts: config.SYNC_RETRY_ATTEMPTS,
      baseMs: config.SYNC_RETRY_BASE_MS,
      maxMs: Math.max(config.SYNC_RETRY_BASE_MS, maxRetryWaitMs),
    },
    schedule: {
      failureThreshold: config.SYNC_FAILURE_THRESHOLD,
      maxBackoffMinutes: config.SYNC_MAX_BACKOFF_MINUTES,
      limitBackoffMinutes: config.SYNC_LIMIT_BACKOFF_MINUTES,
    },
  }
}
