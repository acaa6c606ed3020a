// Middleware that admits pg_cron's calls: `Authorization: Bearer <SYNC_CRON_SECRET>`, compared
// in constant time. sync-cron runs with verify_jwt = false, so this is its only gate.
import { createMiddleware } from 'hono/factory'
import { getConfig } from '../config.ts'
import { bearerToken } from '../http/auth.ts'
import type { AppEnv } from '../http/context.ts'
import { UnauthorizedError } from '../http/errors.ts'
import { documented } from '../http/openapi/route-docs.ts'
import { constantTimeEqual } from '../oauth/constant-time.ts'

/**
 * Refuses with 401 unless the request carries the sync secret.
 *
 * @throws {ConfigError} when SYNC_CRON_SECRET is unset (the function refuses to boot without it).
 */
export function requireCronSecret() {
  const middleware = createMiddleware<AppEnv>(async function requireCronSecret(c, next) {
    const expected = getConfig('syncCron').SYNC_CRON_SECRET
    const presented = bearerToken(c.req.header('authorization'))
    if (!presented || !constantTimeEqual(presented, expected)) {
      throw new UnauthorizedError('Missing or invalid sync secret')
    }
    await next()
  })
  return documented(middleware, { security: 'cronSecret' })
}
