// Counts one request of a user against a function's window in Postgres, in one statement.
import type { Tx } from '../db/client.ts'

export interface RateLimitVerdict {
  allowed: boolean
  remaining: number
  resetAt: Date
}

/**
 * Counts a request and says whether it fits the limit. `tx` must come from `asService`: the
 * counters live in the private schema, which only service_role may reach.
 */
export async function hitRateLimit(
  tx: Tx,
  userId: string,
  bucket: string,
  limit: number,
  windowSeconds: number,
): Promise<RateLimitVerdict> {
  const [row] = await tx<{ allowed: boolean; remaining: number; reset_at: Date }[]>`
    select allowed, remaining, reset_at
    from private.hit_rate_limit(${userId}, ${bucket}, ${limit}, ${windowSeconds})`
  return { allowed: row.allowed, remaining: row.remaining, resetAt: row.reset_at }
}
