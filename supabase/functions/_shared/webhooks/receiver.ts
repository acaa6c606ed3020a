// What a provider's webhook hook says (how a delivery is verified, which events it holds), the
// public URL a delivery was sent to, and the errors a refused delivery answers.
import { getConfig } from '../config.ts'
import { AppError } from '../http/errors.ts'

/** One inbound delivery as the provider sent it. */
export interface WebhookDelivery {
  method: string
  /**
   * The URL the provider called: the configured public base, then the path and query the
   * function received with their escapes untouched (see publicWebhookUrl).
   */
  url: string
  headers: Headers
  /** The raw body: signatures cover these bytes, not a re-encoding of what they parse to. */
  body: Uint8Array<ArrayBuffer>
  /** Milliseconds since the epoch, for timestamp windows. */
  now: number
  /** The server's app secret (the spec's envClient), when one is configured. */
  clientSecret: string | undefined
}

/** One event of a verified delivery, reduced to what routing needs. */
export interface WebhookEvent {
  /** Unique per provider for one event and equal on its retries: the dedupe key. */
  key: string
  /** The provider account the event is about (HubSpot: the portal id), as connect stored it. */
  account: string
  /** The object key whose sync the event asks for (`contact`, `account`, ...), or null. */
  object: string | null
}

/**
 * A provider's inbound webhooks: the `webhooks` member of its registry entry. The webhooks
 * function answers `POST /webhooks/<provider id>` for every provider that has one.
 *
 * To add a provider, give its registry entry a receiver. Salesforce Outbound Messages, for
 * instance, would: read `OrganizationId` as the account with `accountKey: 'organizationId'`
 * (stored at connect like HubSpot's portalId); verify by checking the message's OrganizationId
 * against the one the URL names and a per-connection secret in the URL path, since Outbound
 * Messages carry no signature; map each `<sObject xsi:type>` to its object key; and
 * `acknowledge` with the SOAP `<Ack>true</Ack>` envelope Salesforce requires, or it resends.
 */
export interface WebhookReceiver {
  /** The connection_metadata field holding the account id events name (`portalId`). */
  accountKey: string
  /** Larger bodies are refused (413) before they are verified or parsed. */
  maxBodyBytes: number
  /**
   * Proves the delivery came from the provider, unaltered and recently.
   *
   * @throws {AppError} 401 `signature_invalid` / `timestamp_invalid`; 503 when the server
   *   lacks the secret to check with (the provider retries 5xx, so nothing is lost meanwhile).
   */
  verify(delivery: WebhookDelivery): Promise<void>
  /**
   * The events of a verified body.
   *
   * @throws {AppError} 400 `bad_request` / `validation_failed` for a body of another shape.
   */
  events(body: Uint8Array<ArrayBuffer>): WebhookEvent[]
  /** The answer the provider expects; without it a JSON summary (200). */
  acknowledge?(): Response
}

/** 401: the delivery's signature is missing or does not match. */
export class SignatureInvalidError extends AppError {
  constructor(message = 'The webhook signature is missing or invalid') {
    super(401, 'signature_invalid', message)
  }
}

/** 401: the delivery's timestamp is missing, malformed, too old (a replay) or too far ahead. */
export class TimestampInvalidError extends AppError {
  constructor(message = 'The webhook timestamp is missing or outside the allowed window') {
    super(401, 'timestamp_invalid', message)
  }
}

/**
 * The public base webhooks arrive on: WEBHOOKS_PUBLIC_BASE_URL, else PUBLIC_FUNCTIONS_URL, else
 * `<SUPABASE_URL>/functions/v1`. Hosted, SUPABASE_URL is the project's API gateway,
 * https://<ref>.supabase.co, which serves the functions under /functions/v1; under `supabase
 * start` it is an internal address (http://kong:8000), and a custom domain is not in it: set one
 * of the first two there.
 */
export function webhookPublicBase(): string {
  const config = getConfig('webhooks')
  return config.WEBHOOKS_PUBLIC_BASE_URL ?? config.PUBLIC_FUNCTIONS_URL ??
    `${config.SUPABASE_URL}/functions/v1`
}

/**
 * The URL the provider called, from the URL the function sees behind the gateway (whose host,
 * scheme and `/functions/v1` prefix are the gateway's, and a Host header can be forged): the
 * configured public base with the received path (`/webhooks/<provider>`) and query as they are.
 */
export function publicWebhookUrl(requestUrl: string): string {
  const url = new URL(requestUrl)
  return `${webhookPublicBase()}${url.pathname}${url.search}`
}
