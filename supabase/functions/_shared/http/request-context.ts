// Middleware that binds a per-request logger carrying the request id set by `requestId()`.
import { createMiddleware } from 'hono/factory'
import { log } from '../log.ts'
import type { AppEnv } from './context.ts'

/** Sets `c.var.log` to a logger whose every line carries `request_id`. */
export function requestLogger() {
  return createMiddleware<AppEnv>(async function requestLogger(c, next) {
    c.set('log', log.child({ request_id: c.get('requestId') }))
    await next()
  })
}
