// Middleware that limits each signed-in user's requests to a function, counted in Postgres, and
// tells clients where they stand with the RateLimit-* headers (and Retry-After when refused).
import { createMiddleware } from 'hono/factory'
import { getConfig } from '../config.ts'
import { asService } from '../db/as-user.ts'
import { hitRateLimit } from '../rate-limits/hit-rate-limit.ts'
import type { UserEnv } from './auth.ts'
import { RateLimitedError } from './errors.ts'
import { documented } from './openapi/route-docs.ts'

/**
 * Limits the caller (set by `requireUser`, which must run first) to RATE_LIMIT_MAX requests per
 * RATE_LIMIT_WINDOW_SECONDS for `bucket`, normally the function's name. Counting happens before
 * the handler, so refused requests cost the database one statement and nothing else.
 *
 * @throws {RateLimitedError} 429 with Retry-After once the window's limit is spent.
 * @example app.use('*', requireUser(), rateLimit('contacts'))
 */
export function rateLimit(bucket: string) {
  const middleware = createMiddleware<UserEnv>(async function rateLimit(c, next) {
    const { RATE_LIMIT_MAX: limit, RATE_LIMIT_WINDOW_SECONDS: windowSeconds } = getConfig(
      'rateLimit',
    )
    const verdict = await asService((tx) =>
      hitRateLimit(tx, c.var.userId, bucket, limit, windowSeconds)
    )
    const resetSeconds = Math.max(0, Math.ceil((verdict.resetAt.getTime() - Date.now()) / 1000))
    const headers = {
      'RateLimit-Limit': String(limit),
      'RateLimit-Remaining': String(verdict.remaining),
      'RateLimit-Reset': String(resetSeconds),
    }
    if (!verdict.allowed) {
      throw new RateLimitedError(resetSeconds, 'Too many requests; retry after the window resets', {
        headers,
      })
    }
    await next()
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value)
  })
  return documented(middleware, { errors: ['rate_limited'] })
}
