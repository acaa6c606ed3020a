// Calls a function's Hono app in process with no database and an unreachable JWKS, for tests of
// what is refused before any SQL (no token, bad input): logs captured, environment restored.
import type { Hono } from 'hono'
import { setEnv } from './env.ts'
import { captureLogs } from './logs.ts'

type RequestOptions = Parameters<Hono['request']>[1]

/** A `call(path, init)` bound to `app`, with `env` (e.g. a function's own secret) on top. */
export function offlineCaller(app: Pick<Hono, 'request'>, env: Record<string, string> = {}) {
  return async function call(path: string, init?: RequestOptions): Promise<Response> {
    const restore = setEnv({ SUPABASE_URL: 'http://127.0.0.1:9', ...env })
    const logs = captureLogs()
    try {
      return await app.request(path, init)
    } finally {
      logs.restore()
      restore()
    }
  }
}
