// CORS policy for browser callers: answers preflight before auth and body parsing, and allows the
// origins listed in CORS_ALLOWED_ORIGINS (default `*`).
import { cors } from 'hono/cors'
import { getConfig } from '../config.ts'

/** Headers supabase-js and our clients send; see Supabase "CORS for Invoking from the browser". */
const allowHeaders = [
  'authorization',
  'x-client-info',
  'apikey',
  'content-type',
  'x-request-id',
  'x-retry-count',
  'traceparent',
  'tracestate',
  'baggage',
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
    exposeHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600,
  })
}
