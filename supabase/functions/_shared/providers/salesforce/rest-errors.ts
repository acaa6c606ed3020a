// Salesforce REST errors → typed errors: JSON arrays of {errorCode, message}, HTML on 5xx, and
// REQUEST_LIMIT_EXCEEDED as a 403 that means "come back later", not "forbidden".
import { z } from 'zod'
import { ProviderError, RateLimitedError } from '../../http/errors.ts'
import { redactString } from '../../log.ts'

const errorArraySchema = z.array(
  z.looseObject({
    errorCode: z.string().optional(),
    message: z.string().optional(),
    fields: z.array(z.string()).optional(),
  }),
).min(1)

/** Statuses (and edge conditions) where trying again later may succeed. */
const retryableStatuses = new Set([408, 420, 429, 500, 502, 503, 504])

/**
 * A Salesforce REST call failed. `salesforceStatus` and `errorCode` (e.g. MALFORMED_QUERY,
 * INVALID_FIELD, NOT_FOUND, ENTITY_IS_DELETED) let callers branch; `retryable` says whether the
 * same request may succeed later (5xx, 420, 429, lock contention), `retryAfterMs` when the
 * response said (Retry-After). Rendered as 502 to HTTP callers.
 */
export class SalesforceApiError extends ProviderError {
  readonly salesforceStatus: number
  readonly errorCode: string
  readonly salesforceMessage: string
  readonly fields: string[]
  readonly retryable: boolean
  readonly retryAfterMs: number | undefined

  constructor(
    salesforceStatus: number,
    errorCode: string,
    salesforceMessage: string,
    fields: string[] = [],
    retryAfterMs?: number,
  ) {
    super(`Salesforce refused the request: ${errorCode}`, {
      code: 'salesforce_error',
      details: { salesforce_status: salesforceStatus, error_code: errorCode },
    })
    this.salesforceStatus = salesforceStatus
    this.errorCode = errorCode
    this.salesforceMessage = salesforceMessage
    this.fields = fields
    this.retryable = retryableStatuses.has(salesforceStatus) ||
      errorCode === 'UNABLE_TO_LOCK_ROW' || errorCode === 'SERVER_UNAVAILABLE'
    this.retryAfterMs = retryAfterMs
  }
}

/** A `Retry-After` value (seconds or an HTTP date) in milliseconds from now. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/**
 * The org's API allowance is spent (TotalRequests, a rolling 24 h) or too many long requests
 * run at once (ConcurrentRequests). Rendered as 429 with Retry-After; the sync stops its run.
 */
export class SalesforceLimitError extends RateLimitedError {
  readonly concurrent: boolean

  constructor(message: string) {
    const concurrent = /concurrent/i.test(message)
    // A concurrency slot frees up in seconds; the daily allowance only as the window rolls.
    super(concurrent ? 30 : 3600, 'The Salesforce org has used up its API request limit', {
      code: 'salesforce_limit_exceeded',
    })
    this.concurrent = concurrent
  }
}

/**
 * Reads a failed response (JSON array, object, HTML or nothing) into a typed error. The daily
 * or concurrent limit is a 403 REQUEST_LIMIT_EXCEEDED (facts §4); a 429, whatever its body,
 * is throttling that passes: retryable after its Retry-After.
 */
export function toSalesforceError(
  status: number,
  text: string,
  headers?: Headers,
): SalesforceApiError | SalesforceLimitError {
  const waitMs = retryAfterMs(headers?.get('retry-after') ?? null)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    // 5xx from the edge, or maintenance pages, are HTML.
    return new SalesforceApiError(
      status,
      status >= 500 ? 'SERVER_UNAVAILABLE' : `HTTP_${status}`,
      '',
      [],
      waitMs,
    )
  }
  const parsed = errorArraySchema.safeParse(Array.isArray(body) ? body : [body])
  const first = parsed.success ? parsed.data[0] : {}
  const errorCode = first.errorCode ?? `HTTP_${status}`
  const message = redactString((first.message ?? '').slice(0, 500))
  if (errorCode === 'REQUEST_LIMIT_EXCEEDED' && status !== 429) {
    return new SalesforceLimitError(message)
  }
  return new SalesforceApiError(status, errorCode, message, first.fields ?? [], waitMs)
}

/** A 401 that a fresh session can cure; other 401s (wrong API for the session) would loop. */
export function isInvalidSession(status: number, text: string): boolean {
  if (status !== 401) return false
  try {
    const body = JSON.parse(text)
    const errors = Array.isArray(body) ? body : [body]
    return errors.some((error) => error?.errorCode === 'INVALID_SESSION_ID')
  } catch {
    return false
  }
}
