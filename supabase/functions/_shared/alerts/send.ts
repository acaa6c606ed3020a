// One signed POST of an alert to a webhook, reduced to what the delivery log keeps: the status
// code or a short error, never the body we got back, the URL, the secret or the signature.
import { parseRetryAfter } from './backoff.ts'
import { SIGNATURE_HEADER, signatureHeader } from './sign.ts'

export interface AlertRequest {
  url: string
  /** The exact bytes that are signed and sent. */
  body: string
  secret: string
  eventId: string
  eventType: string
  deliveryId: string
  attempt: number
}

export interface SendOptions {
  fetch: typeof fetch
  timeoutMs: number
}

export interface SendOutcome {
  ok: boolean
  statusCode: number | null
  /** Short, safe to show the tenant; null on success. */
  error: string | null
  retryAfterSeconds?: number
  durationMs: number
}

const maxErrorLength = 200

/** A network error's message without the URL (it can hold a path token) and cut short. */
function describeFailure(error: unknown, url: string, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return `timed out after ${timeoutMs} ms`
  }
  const message = error instanceof Error ? error.message : String(error)
  const cleaned = message.replaceAll(url, '<url>').replace(/\bhttps?:\/\/\S+/g, '<url>')
  return `request failed: ${cleaned}`.slice(0, maxErrorLength)
}

/**
 * POSTs the alert with a fresh signature (a retry is signed at its own time, so receivers can keep
 * a tight tolerance). A 2xx is success; anything else, a redirect included (never followed, so a
 * receiver cannot bounce us to an internal address), is a failure to retry.
 */
export async function sendAlert(request: AlertRequest, options: SendOptions): Promise<SendOutcome> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  try {
    const response = await options.fetch(request.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'supabase-crm-sync-alerts/1',
        [SIGNATURE_HEADER]: await signatureHeader(request.secret, request.body),
        'x-alert-event-id': request.eventId,
        'x-alert-event-type': request.eventType,
        'x-alert-delivery-id': request.deliveryId,
        'x-alert-attempt': String(request.attempt),
      },
      body: request.body,
    })
    // We never read what the receiver says; dropping the body frees the connection.
    await response.body?.cancel()
    if (response.status >= 200 && response.status < 300) {
      return { ok: true, statusCode: response.status, error: null, durationMs: elapsed() }
    }
    return {
      ok: false,
      statusCode: response.status,
      error: response.status >= 300 && response.status < 400
        ? `HTTP ${response.status} (redirects are not followed)`
        : `HTTP ${response.status}`,
      retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
      durationMs: elapsed(),
    }
  } catch (error) {
    return {
      ok: false,
      statusCode: null,
      error: describeFailure(error, request.url, options.timeoutMs),
      durationMs: elapsed(),
    }
  }
}
