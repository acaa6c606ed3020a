// Middleware that writes one JSON access-log line per request, after the response is settled.
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './context.ts'

/** Logs method, path, status and duration. The query string is left out: it can carry secrets. */
export function accessLog() {
  return createMiddleware<AppEnv>(async function accessLog(c, next) {
    const started = performance.now()
    await next()
    c.var.log.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      duration_ms: Math.round(performance.now() - started),
    })
  })
}
