// CORS policy for browser callers: answers preflight before auth and body parsing, and allows the
// origins listed in CORS_ALLOWED_ORIGINS (default `*`).
import { cors } from 'hono/cors'
import { getConfig } from '../config.ts'

/**
 * Request headers a browser may send: every header supabase-js (2.x) sends, our request id, and
 * the W3C trace headers. supabase-js's own list (`@supabase/supabase-js/cors`, SUPABASE_HEADERS)
 * lacks two that its clients do send: `x-region` (functions.invoke with a `region` option) and
 * `x-supabase-api-version` (auth-js); a preflight that does not allow one fails the call.
 */
export const allowHeaders = [
  'authorization',
  'x-client-info',
  'apikey',
  'content-type',
  'x-region',
  'x-supabase-api-version',
  'x-request-id',
  'x-retry-count',
  'traceparent',
  'tracestate',
  'baggage',
]

/**
 * Response headers a browser's script may read besides the CORS-safelisted ones: without this,
 * `response.headers.get('RateLimit-Remaining')` is null in a browser even though the header came.
 */
export const exposeHeaders = [
  'x-request-id',
  'retry-after',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
]

/** CORS middleware reading the allowed origins from config at request time. */
export function corsPolicy() {
  return cors({
    origin: (origin) => {
      const allowed = getConfig('http').CORS_ALLOWED_ORIGINS
      if (allowed.includes('*')) return '*'
      return allowed.includes(origin) ? origin : null
    },
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders,
    exposeHeaders,
    maxAge: 600,
  })
}
