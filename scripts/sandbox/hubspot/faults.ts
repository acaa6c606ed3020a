// The faults the HubSpot sandbox can inject (the rule matching is the Salesforce sandbox's
// `Faults`): rate-limit 429s of each policy, 5xx with JSON or HTML bodies, Cloudflare's 530, a
// spurious 401, and connection-level failures (hang, drop, truncate).

import { html } from './http.ts'
import { apiError } from './http.ts'
import { rateLimited } from './limits.ts'
import type { FaultInfo } from '../salesforce/faults.ts'

export const HUBSPOT_FAULT_KINDS = [
  '429',
  '429-secondly',
  '429-daily',
  '500',
  '502',
  '503',
  '530',
  '401',
  'hang',
  'drop',
  'truncate',
] as const
export type HubSpotFaultKind = typeof HUBSPOT_FAULT_KINDS[number]

/** The response of a status fault; hang, drop and truncate are handled by the caller. */
export function hubspotFaultResponse(
  f: FaultInfo<HubSpotFaultKind>,
  portalId: number | null,
): Response {
  const retry = f.retryAfterSeconds
  switch (f.kind) {
    case '429':
      return rateLimited('TEN_SECONDLY_ROLLING', portalId, null, retry)
    case '429-secondly':
      return rateLimited('SECONDLY', portalId, null, retry)
    case '429-daily':
      return rateLimited('DAILY', portalId, null, retry)
    case '500':
      return apiError(500, 'INTERNAL_ERROR', 'internal error')
    case '502':
    case '503':
      // Gateway failures come back as HTML, not the JSON envelope (facts §8).
      return html(
        `<html><head><title>${f.kind} Error</title></head><body><h1>${f.kind}</h1><p>The server encountered a temporary error.</p></body></html>`,
        Number(f.kind),
      )
    case '530':
      return html('<html><body>error code: 1016</body></html>', 530)
    case '401':
      return apiError(
        401,
        'INVALID_AUTHENTICATION',
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      )
    default:
      throw new Error(`fault ${f.kind} has no response`)
  }
}
