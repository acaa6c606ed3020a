// HubSpot's inbound webhooks: the v3 signature (HMAC-SHA256 over method, the exact public URI,
// the raw body and the timestamp, with the app's client secret), a five-minute window, and
// events reduced to "this portal's contacts or companies changed".
import { z } from 'zod'
import { hmacBase64 } from '../../crypto.ts'
import { BadRequestError, ServiceUnavailableError, ValidationError } from '../../http/errors.ts'
import { constantTimeEqual } from '../../oauth/constant-time.ts'
import {
  SignatureInvalidError,
  TimestampInvalidError,
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookReceiver,
} from '../../webhooks/receiver.ts'

/** HubSpot: reject a request whose timestamp is older than 5 minutes; we apply it both ways. */
export const maxTimestampSkewMs = 5 * 60_000

/**
 * Escapes HubSpot decodes in the URI before signing it (facts: "Signature v3"); every other
 * escape stays as sent. The `?` that starts the query is a literal one already.
 */
const signedEscapes: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
}

/** The URI as HubSpot signs it: `url` with the escapes above decoded (either case of hex). */
export function hubspotSignedUri(url: string): string {
  return url.replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
    (escape) => signedEscapes[escape.toUpperCase()],
  )
}

/** `X-HubSpot-Signature-v3` of a request: base64 HMAC-SHA256(secret, method+uri+body+timestamp). */
export async function hubspotSignatureV3(
  clientSecret: string,
  request: { method: string; url: string; body: Uint8Array<ArrayBuffer>; timestamp: string },
): Promise<string> {
  const head = new TextEncoder().encode(request.method + hubspotSignedUri(request.url))
  const tail = new TextEncoder().encode(request.timestamp)
  const message = new Uint8Array(head.length + request.body.length + tail.length)
  message.set(head)
  message.set(request.body, head.length)
  message.set(tail, head.length + request.body.length)
  return await hmacBase64('SHA-256', clientSecret, message)
}

/**
 * One event, as far as routing needs it (HubSpot adds more fields: propertyName, changeSource,
 * merge ids, ...; they are ignored). Ids are int64 in HubSpot's API.
 */
const eventSchema = z.looseObject({
  eventId: z.number().int().nonnegative(),
  subscriptionId: z.number().int().nonnegative(),
  portalId: z.number().int().positive(),
  occurredAt: z.number().int().nonnegative(),
  subscriptionType: z.string().min(1).max(100),
  objectId: z.number().int().nonnegative().optional(),
  objectTypeId: z.string().max(20).optional(),
})
type HubSpotEvent = z.infer<typeof eventSchema>

/** HubSpot sends up to 100 events per request; the bound leaves room and still caps the work. */
const bodySchema = z.array(eventSchema).min(1).max(1000)

/**
 * Our object key per HubSpot object: `contact.*` events (and generic `object.*` ones with
 * objectTypeId 0-1) concern contacts, `company.*` (0-2) the `account` object. Every other type
 * (deals, tickets, conversations) syncs nothing here and is ignored.
 */
const objectByType: Record<string, string> = { contact: 'contact', company: 'account' }
const objectByTypeId: Record<string, string> = { '0-1': 'contact', '0-2': 'account' }

function objectOf(event: HubSpotEvent): string | null {
  const kind = event.subscriptionType.split('.')[0]
  if (kind === 'object') return objectByTypeId[event.objectTypeId ?? ''] ?? null
  return objectByType[kind] ?? null
}

/**
 * HubSpot says eventId is not guaranteed to be unique, so the key joins the fields that name one
 * notification; a retry repeats them all (only attemptNumber changes).
 */
function keyOf(event: HubSpotEvent): string {
  return [
    event.portalId,
    event.subscriptionId,
    event.eventId,
    event.objectId ?? '',
    event.occurredAt,
  ]
    .join(':')
}

async function verify(delivery: WebhookDelivery): Promise<void> {
  const timestamp = delivery.headers.get('x-hubspot-request-timestamp') ?? ''
  if (!/^[0-9]{1,15}$/.test(timestamp)) throw new TimestampInvalidError()
  if (Math.abs(delivery.now - Number(timestamp)) > maxTimestampSkewMs) {
    throw new TimestampInvalidError()
  }
  const signature = delivery.headers.get('x-hubspot-signature-v3')
  if (!signature) throw new SignatureInvalidError()
  // Only a delivery that looks like HubSpot's gets this far: junk is a 401 whatever the setup.
  if (!delivery.clientSecret) {
    throw new ServiceUnavailableError('HubSpot webhooks need HUBSPOT_CLIENT_SECRET', {
      code: 'webhook_not_configured',
    })
  }
  const expected = await hubspotSignatureV3(delivery.clientSecret, {
    method: delivery.method,
    url: delivery.url,
    body: delivery.body,
    timestamp,
  })
  if (!constantTimeEqual(expected, signature)) throw new SignatureInvalidError()
}

function events(body: Uint8Array<ArrayBuffer>): WebhookEvent[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body))
  } catch {
    throw new BadRequestError('The webhook body is not JSON')
  }
  const result = bodySchema.safeParse(parsed)
  if (!result.success) {
    throw new ValidationError('The webhook body is not a HubSpot event array', {
      details: result.error.issues.slice(0, 20).map((issue) => ({
        path: issue.path.map(String).join('.'),
        code: issue.code,
        message: issue.message,
      })),
    })
  }
  return result.data.map((event) => ({
    key: keyOf(event),
    account: String(event.portalId),
    object: objectOf(event),
  }))
}

/** HubSpot's receiver: routed by portal id, the key the connect flow stored. */
export const hubspotWebhooks: WebhookReceiver = {
  accountKey: 'portalId',
  // 100 events of well under 1 kB each.
  maxBodyBytes: 256 * 1024,
  verify,
  events,
}
