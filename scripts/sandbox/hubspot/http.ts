// Response helpers in HubSpot's shapes: the CRM error envelope, OAuth errors, HTML pages.

export { escapeHtml, html, json } from '../salesforce/http.ts'
import { json } from '../salesforce/http.ts'

/** A correlation id per error, as HubSpot gives one for support requests (facts §8). */
export const correlationId = () => crypto.randomUUID()

/**
 * The CRM error envelope `{status, message, correlationId, category, errors?, context?}`
 * (facts §8); every field but `status` and `message` is optional at HubSpot.
 */
export function apiError(
  status: number,
  category: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: HeadersInit = {},
): Response {
  return json(
    { status: 'error', message, correlationId: correlationId(), category, ...extra },
    status,
    headers,
  )
}

export const validationError = (message: string, extra: Record<string, unknown> = {}) =>
  apiError(400, 'VALIDATION_ERROR', message, extra)

export const objectNotFound = () => apiError(404, 'OBJECT_NOT_FOUND', 'resource not found')

/**
 * OAuth errors carry both the RFC fields and HubSpot's legacy `status`/`message` (facts §1.2,
 * trap 14).
 */
export function oauthError(
  status: string,
  message: string,
  error: string,
  httpStatus = 400,
): Response {
  return json(
    { status, message, correlationId: correlationId(), error, error_description: message },
    httpStatus,
  )
}

/** Reads a JSON object body; null when the body is not a JSON object. */
export async function jsonBody(req: Request): Promise<Record<string, unknown> | null> {
  try {
    const body = await req.json()
    return body && typeof body === 'object' && !Array.isArray(body) ? body : null
  } catch {
    return null
  }
}

export function bearer(req: Request): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '')
  return m ? m[1] : null
}
