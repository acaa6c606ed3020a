// The OAuth 2.0 token endpoint client: authorization_code and refresh_token grants, revocation,
// and the provider's error bodies turned into typed errors. No secret ever enters an error.
import { z } from 'zod'
import { ProviderError } from '../http/errors.ts'
import { redactString } from '../log.ts'

/** How long a token or revoke call may take before we give up (the refresh holds a lock). */
const requestTimeoutMs = 15_000

/** The client the provider issued: the id always, the secret when the app requires one. */
export interface ClientCredentials {
  clientId: string
  clientSecret?: string
}

/**
 * A token response: the standard fields validated, the provider's own (Salesforce's
 * instance_url, id, issued_at, signature) kept for the provider module to read.
 */
const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
  expires_in: z.union([z.number(), z.string()]).optional(),
})
export type TokenResponse = z.infer<typeof tokenResponseSchema>

/** Error codes a token endpoint answers with (RFC 6749 §5.2 plus Salesforce's own). */
export type OAuthErrorCode =
  | 'invalid_grant'
  | 'invalid_client_id'
  | 'invalid_client'
  | 'invalid_client_credentials'
  | 'invalid_request'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'inactive_user'
  | 'inactive_org'
  | 'rate_limit_exceeded'
  | 'invalid_token'
  | 'unsupported_token_type'
  | (string & Record<never, never>)

/**
 * The provider refused a token request. `oauthError` is its `error` (e.g. `invalid_grant`),
 * `description` its `error_description`; both are the provider's words, never our secrets.
 */
export class OAuthTokenError extends ProviderError {
  readonly oauthError: OAuthErrorCode
  readonly description: string
  readonly providerStatus: number

  constructor(oauthError: string, description: string, providerStatus: number) {
    super(`The provider refused the token request: ${oauthError}`, {
      code: 'token_request_refused',
      details: { provider_error: oauthError },
    })
    this.oauthError = oauthError
    this.description = description
    this.providerStatus = providerStatus
  }

  /** The refresh token (or code) is dead: revoked, expired, reused or never valid. */
  get isInvalidGrant(): boolean {
    return this.oauthError === 'invalid_grant'
  }

  /** The client id or secret is wrong: the connected app's configuration, not the user's. */
  get isClientError(): boolean {
    return [
      'invalid_client_id',
      'invalid_client',
      'invalid_client_credentials',
      'unauthorized_client',
    ]
      .includes(this.oauthError)
  }
}

const errorBodySchema = z.object({
  error: z.string().min(1).max(100),
  error_description: z.string().optional(),
})

/** The provider's words, bounded and with anything credential-shaped masked, for logs and rows. */
function safeText(text: string | undefined): string {
  return redactString((text ?? '').slice(0, 300))
}

async function readError(response: Response): Promise<OAuthTokenError> {
  const text = await response.text().catch(() => '')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    // Some endpoints (revoke) may answer form-encoded.
    parsed = Object.fromEntries(new URLSearchParams(text))
  }
  const body = errorBodySchema.safeParse(parsed)
  if (body.success) {
    return new OAuthTokenError(
      body.data.error,
      safeText(body.data.error_description),
      response.status,
    )
  }
  return new OAuthTokenError(`http_${response.status}`, '', response.status)
}

/** How a provider wants its token requests (the spec's clientAuth and tokenRequestFormat). */
export interface TokenRequestStyle {
  /** Client id and secret in the body (default) or in a Basic header (Notion, Workday). */
  clientAuth?: 'body' | 'basic'
  /** A form body (default, RFC 6749) or a JSON one (Notion). */
  format?: 'form' | 'json'
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded. */
function basicAuthorization(client: ClientCredentials): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+')
  return `Basic ${btoa(`${encode(client.clientId)}:${encode(client.clientSecret ?? '')}`)}`
}

async function post(
  url: string,
  form: Record<string, string | undefined>,
  client?: ClientCredentials,
  style: TokenRequestStyle = {},
): Promise<Response> {
  const fields: Record<string, string> = {}
  for (const [key, value] of Object.entries(form)) if (value !== undefined) fields[key] = value
  const headers: Record<string, string> = { accept: 'application/json' }
  if (client && style.clientAuth === 'basic') {
    headers.authorization = basicAuthorization(client)
  } else if (client) {
    fields.client_id = client.clientId
    if (client.clientSecret !== undefined) fields.client_secret = client.clientSecret
  }
  let body: string | URLSearchParams
  if (style.format === 'json') {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(fields)
  } else {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = new URLSearchParams(fields)
  }
  try {
    return await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(requestTimeoutMs),
    })
  } catch (error) {
    // The cause names the host and the failure; the form (with its secrets) is not in it.
    throw new ProviderError('The provider could not be reached', {
      code: 'provider_unreachable',
      cause: error,
    })
  }
}

async function readTokens(response: Response): Promise<TokenResponse> {
  if (!response.ok) throw await readError(response)
  let json: unknown
  try {
    json = await response.json()
  } catch {
    throw new ProviderError('The provider answered the token request with no JSON', {
      code: 'token_response_invalid',
    })
  }
  // Slack and GitHub answer a refused token request with 200 and an OAuth error body.
  const refusal = errorBodySchema.safeParse(json)
  if (refusal.success && (json as { access_token?: unknown }).access_token === undefined) {
    throw new OAuthTokenError(
      refusal.data.error,
      safeText(refusal.data.error_description),
      response.status,
    )
  }
  const parsed = tokenResponseSchema.safeParse(json)
  if (!parsed.success) {
    throw new ProviderError('The provider answered the token request without an access token', {
      code: 'token_response_invalid',
    })
  }
  return parsed.data
}

export interface CodeExchange {
  tokenUrl: string
  client: ClientCredentials
  code: string
  redirectUri: string
  /** Absent for providers that refuse PKCE (Slack, Microsoft). */
  codeVerifier?: string
  /** The spec's tokenParams (Zendesk's expires_in, BambooHR's request=token). */
  params?: Readonly<Record<string, string>>
  style?: TokenRequestStyle
}

/**
 * Exchanges an authorization code (with its PKCE verifier) for tokens.
 *
 * @throws {OAuthTokenError} when the provider refuses (bad code, verifier, client...).
 * @throws {ProviderError} when it cannot be reached or answers something unusable.
 */
export async function exchangeAuthorizationCode(exchange: CodeExchange): Promise<TokenResponse> {
  const response = await post(
    exchange.tokenUrl,
    {
      ...exchange.params,
      grant_type: 'authorization_code',
      code: exchange.code,
      redirect_uri: exchange.redirectUri,
      code_verifier: exchange.codeVerifier,
    },
    exchange.client,
    exchange.style,
  )
  return await readTokens(response)
}

export interface TokenRefresh {
  tokenUrl: string
  client: ClientCredentials
  refreshToken: string
  /** The spec's refreshParams. */
  params?: Readonly<Record<string, string>>
  style?: TokenRequestStyle
}

/**
 * Trades a refresh token for a new access token. The response may carry a new refresh token
 * (rotation); the caller must save it before using the access token.
 *
 * @throws {OAuthTokenError} `invalid_grant` when the refresh token is dead: never retry that.
 * @throws {ProviderError} when the provider cannot be reached or answers something unusable.
 */
export async function refreshAccessToken(refresh: TokenRefresh): Promise<TokenResponse> {
  const response = await post(
    refresh.tokenUrl,
    {
      ...refresh.params,
      grant_type: 'refresh_token',
      refresh_token: refresh.refreshToken,
    },
    refresh.client,
    refresh.style,
  )
  return await readTokens(response)
}

/**
 * Revokes a token (RFC 7009). Revoking a refresh token also kills the access tokens issued
 * from it. A token the provider no longer knows counts as revoked. With `client`, the client
 * authenticates as `style.clientAuth` says (RFC 7009 §2.1); without, the token goes alone.
 *
 * @returns `revoked`, or `already_invalid` when the provider did not know the token.
 * @throws {OAuthTokenError | ProviderError} on any other failure.
 */
export async function revokeToken(
  revokeUrl: string,
  token: string,
  client?: ClientCredentials,
  style: TokenRequestStyle = {},
): Promise<'revoked' | 'already_invalid'> {
  const response = await post(revokeUrl, { token }, client, style)
  if (response.ok) {
    await response.body?.cancel()
    return 'revoked'
  }
  const error = await readError(response)
  if (error.oauthError === 'invalid_token') return 'already_invalid'
  throw error
}
