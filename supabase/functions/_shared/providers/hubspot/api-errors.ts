// HubSpot API errors → typed errors. Bodies are not uniform (facts hubspot.md trap 14): every
// field is optional, 5xx may be HTML, and a 429 says which limit by `policyName` (trap 7).
import { ProviderError, RateLimitedError } from '../../http/errors.ts'
import { redactString } from '../../log.ts'
import { parseRetryAfter } from '../../alerts/backoff.ts'

/** Statuses where the same request may succeed later (530: Cloudflare at HubSpot's edge). */
const retryableStatuses = new Set([408, 429, 500, 502, 503, 504, 530])

/**
 * A HubSpot call failed. `category` (VALIDATION_ERROR, OBJECT_NOT_FOUND, RATE_LIMIT, ...) and
 * `policyName` (TEN_SECONDLY_ROLLING, SECONDLY) let callers branch; `retryable` says whether the
 * same request may succeed later. Rendered as 502 to HTTP callers.
 */
export class HubSpotApiError extends ProviderError {
  readonly hubspotStatus: number
  readonly category: string
  readonly policyName: string | undefined
  readonly retryable: boolean
  readonly retryAfterMs: number | undefined

  constructor(
    hubspotStatus: number,
    category: string,
    options: { policyName?: string; retryAfterMs?: number; correlationId?: string } = {},
  ) {
    super(`HubSpot refused the request: ${category}`, {
      code: 'hubspot_error',
      details: {
        hubspot_status: hubspotStatus,
        category,
        // HubSpot support asks for it (facts §8).
        ...(options.correlationId ? { correlation_id: options.correlationId } : {}),
      },
    })
    this.hubspotStatus = hubspotStatus
    this.category = category
    this.policyName = options.policyName
    this.retryable = retryableStatuses.has(hubspotStatus)
    this.retryAfterMs = options.retryAfterMs
  }
}

/** The portal's daily allowance is spent: nothing works until its midnight. */
export class HubSpotLimitError extends RateLimitedError {
  constructor() {
    super(3600, 'The HubSpot account has used up its daily API limit', {
      code: 'hubspot_limit_exceeded',
    })
  }
}

function field(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | null)?.[name]
  return typeof value === 'string' ? redactString(value.slice(0, 200)) : undefined
}

/** Reads a failed response (JSON envelope, HTML or nothing) into a typed error. */
export function toHubSpotError(
  status: number,
  text: string,
  headers?: Headers,
): HubSpotApiError | HubSpotLimitError {
  let body: unknown = null
  try {
    body = JSON.parse(text)
  } catch {
    // Edge errors (502/504, Cloudflare 530) come as HTML.
  }
  const policyName = field(body, 'policyName')
  const seconds = parseRetryAfter(headers?.get('retry-after') ?? null, Date.now())
  if (status === 429 && policyName === 'DAILY') return new HubSpotLimitError()
  const category = field(body, 'category') ?? field(body, 'errorType') ??
    (status >= 500 ? 'SERVER_ERROR' : `HTTP_${status}`)
  return new HubSpotApiError(status, category, {
    policyName,
    retryAfterMs: seconds === undefined ? undefined : seconds * 1000,
    correlationId: field(body, 'correlationId'),
  })
}
