// OAuth 1.0a request signing (RFC 5849, HMAC-SHA1) with WebCrypto, for Trello: the signature
// base string from the method, URL and every parameter, keyed by the consumer and token secrets.
import { hmacBase64 } from '../crypto.ts'

/** RFC 5849 §3.6: unreserved characters stay, everything else is %XX with uppercase hex. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

export interface OAuth1Credentials {
  consumerKey: string
  consumerSecret: string
  /** Absent while asking for a request token. */
  token?: string
  tokenSecret?: string
}

export interface OAuth1Request {
  method: string
  url: string
  /** Form body parameters (application/x-www-form-urlencoded only): they are signed too. */
  form?: URLSearchParams
  /** Protocol parameters besides the standard ones (`oauth_callback`, `oauth_verifier`). */
  extra?: Record<string, string>
  /** Fixed in tests (RFC example); random otherwise. */
  nonce?: string
  timestamp?: string
  /** `oauth_version=1.0` is optional (§3.1); sent unless this is false (the RFC's examples). */
  version?: boolean
}

/** §3.4.1.2: scheme and host lowercase, default port dropped, no query or fragment. */
function baseStringUri(url: URL): string {
  const port = url.port && !['80', '443'].includes(url.port) ? `:${url.port}` : ''
  return `${url.protocol.toLowerCase()}//${url.hostname.toLowerCase()}${port}${url.pathname}`
}

/** The signature base string of §3.4.1. */
export function signatureBaseString(
  request: OAuth1Request,
  protocol: Record<string, string>,
): string {
  const url = new URL(request.url)
  const pairs: [string, string][] = []
  for (const [key, value] of url.searchParams) pairs.push([key, value])
  for (const [key, value] of request.form ?? []) pairs.push([key, value])
  for (const [key, value] of Object.entries(protocol)) pairs.push([key, value])
  const normalized = pairs
    .map(([key, value]) => [percentEncode(key), percentEncode(value)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&')
  return [
    request.method.toUpperCase(),
    percentEncode(baseStringUri(url)),
    percentEncode(normalized),
  ].join('&')
}

function randomNonce(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(16)),
    (byte) => byte.toString(16).padStart(2, '0'),
  ).join('')
}

/**
 * The `Authorization: OAuth ...` header value for `request` (§3.5.1), signed HMAC-SHA1.
 * The secrets only key the MAC; they never appear in the header.
 */
export async function oauth1Authorization(
  credentials: OAuth1Credentials,
  request: OAuth1Request,
): Promise<string> {
  const protocol: Record<string, string> = {
    oauth_consumer_key: credentials.consumerKey,
    oauth_nonce: request.nonce ?? randomNonce(),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: request.timestamp ?? String(Math.floor(Date.now() / 1000)),
    ...(request.version === false ? {} : { oauth_version: '1.0' }),
    ...(credentials.token !== undefined ? { oauth_token: credentials.token } : {}),
    ...request.extra,
  }
  const key = `${percentEncode(credentials.consumerSecret)}&${
    percentEncode(credentials.tokenSecret ?? '')
  }`
  const signature = await hmacBase64('SHA-1', key, signatureBaseString(request, protocol))
  const fields = { ...protocol, oauth_signature: signature }
  return 'OAuth ' +
    Object.entries(fields).map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`).join(', ')
}
