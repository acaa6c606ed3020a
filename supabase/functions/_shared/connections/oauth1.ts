// OAuth 1.0a (RFC 5849) for Trello: HMAC-SHA1 request signing with WebCrypto (the signature base
// string from the method, URL and every parameter, keyed by the consumer and token secrets), and
// the three legs of the connect flow (request token, authorize URL, access token).
import { hmacBase64 } from '../crypto.ts'
import { ProviderError } from '../http/errors.ts'
import type { ProviderSpec } from '../providers/types.ts'

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

/** A token and its secret, as an OAuth 1.0a token endpoint answers them (§2.1, §2.3). */
export interface OAuth1TokenPair {
  token: string
  tokenSecret: string
}

/** Token endpoints answer in seconds; a hung provider must not hold a request open. */
const tokenRequestTimeoutMs = 15_000

/**
 * POSTs a signed token request and reads its form-encoded answer. Neither the answer's text nor
 * the tokens ever reach an error message: the provider's status is all that is reported.
 *
 * @throws {ProviderError} 502 `provider_error` for a failed call or an answer without a pair.
 */
async function tokenRequest(
  url: string,
  credentials: OAuth1Credentials,
  extra: Record<string, string>,
  what: string,
): Promise<OAuth1TokenPair> {
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: await oauth1Authorization(credentials, { method: 'POST', url, extra }),
      },
      signal: AbortSignal.timeout(tokenRequestTimeoutMs),
    })
  } catch (error) {
    throw new ProviderError(`The provider could not be reached for the ${what}`, {
      code: 'provider_unreachable',
      cause: error,
    })
  }
  const text = await response.text()
  const answer = new URLSearchParams(text)
  const token = answer.get('oauth_token')
  const tokenSecret = answer.get('oauth_token_secret')
  if (!response.ok || !token || !tokenSecret) {
    throw new ProviderError(`The provider refused the ${what} (HTTP ${response.status})`)
  }
  return { token, tokenSecret }
}

/**
 * Step 1 (§2.1): a temporary (request) token for `callback`, signed with the consumer alone.
 *
 * @throws {ProviderError} when the provider refuses (unregistered callback, bad consumer key).
 */
export async function requestTemporaryToken(
  url: string,
  consumer: { consumerKey: string; consumerSecret: string },
  callback: string,
): Promise<OAuth1TokenPair> {
  return await tokenRequest(url, consumer, { oauth_callback: callback }, 'request token')
}

/**
 * Step 3 (§2.3): trades the authorized request token and its verifier for the token
 * credentials, signed with the request token's secret.
 *
 * @throws {ProviderError} when the provider refuses (used token, wrong verifier).
 */
export async function exchangeVerifier(
  url: string,
  credentials: Required<OAuth1Credentials>,
  verifier: string,
): Promise<OAuth1TokenPair> {
  return await tokenRequest(url, credentials, { oauth_verifier: verifier }, 'access token')
}

/**
 * Step 2 (§2.2): where the browser goes to allow access: the request token, and the provider's
 * scope (joined by its separator) and extra authorize parameters (Trello: name, expiration).
 */
export function oauth1AuthorizationUrl(
  spec: Pick<ProviderSpec, 'scopes' | 'authorizeParams'>,
  authorizeUrl: string,
  requestToken: string,
): string {
  const url = new URL(authorizeUrl)
  url.searchParams.set('oauth_token', requestToken)
  if (spec.scopes.default.length) {
    url.searchParams.set('scope', spec.scopes.default.join(spec.scopes.separator))
  }
  for (const [key, value] of Object.entries(spec.authorizeParams)) {
    url.searchParams.set(key, value)
  }
  return url.toString()
}
