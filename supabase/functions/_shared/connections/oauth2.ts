// OAuth 2.0 as each provider's spec says it: the authorization URL (PKCE or not, its scope
// separator and extra params), code exchange and refresh (client auth in the body or a Basic
// header, form or JSON, extra params), the token response read into a grant, and revocation.
import {
  type ClientCredentials,
  exchangeAuthorizationCode,
  type OAuthTokenError,
  refreshAccessToken,
  revokeToken,
  type TokenResponse,
} from '../oauth/token-client.ts'
import type {
  Provider,
  ProviderGrant,
  ProviderSpec,
  StoredTokens,
  TokenResponseContext,
} from '../providers/types.ts'

export interface AuthorizationRequest {
  clientId: string
  redirectUri: string
  state: string
  /** The S256 challenge; ignored (not sent) when the spec turns PKCE off. */
  codeChallenge?: string
  /** Overrides the spec's default scopes. */
  scopes?: readonly string[]
}

/** The URL the browser is sent to: code flow, the spec's scopes, PKCE and extra params. */
export function authorizationUrl(
  spec: ProviderSpec,
  authorizeUrl: string,
  request: AuthorizationRequest,
): string {
  const url = new URL(authorizeUrl)
  const scopes = request.scopes ?? spec.scopes.default
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    ...(scopes.length ? { scope: scopes.join(spec.scopes.separator) } : {}),
    state: request.state,
    ...(spec.pkce && request.codeChallenge
      ? { code_challenge: request.codeChallenge, code_challenge_method: 'S256' }
      : {}),
    ...spec.authorizeParams,
  }
  // URLSearchParams writes spaces as `+`; %20 is what every server reads the same way.
  url.search = Object.entries(params)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&')
  return url.href
}

/** The token request style the spec asks for. */
function style(spec: ProviderSpec) {
  return { clientAuth: spec.clientAuth, format: spec.tokenRequestFormat }
}

/**
 * Exchanges an authorization code (with its PKCE verifier when the spec uses PKCE).
 *
 * @throws {OAuthTokenError} when the provider refuses (bad code, verifier, client...).
 * @throws {ProviderError} when it cannot be reached or answers something unusable.
 */
export async function exchangeCode(
  provider: Provider,
  exchange: {
    tokenUrl: string
    client: ClientCredentials
    code: string
    redirectUri: string
    codeVerifier?: string
  },
): Promise<TokenResponse> {
  const { spec } = provider
  return await exchangeAuthorizationCode({
    ...exchange,
    codeVerifier: spec.pkce ? exchange.codeVerifier : undefined,
    params: spec.tokenParams,
    style: style(spec),
  })
}

/**
 * Trades a refresh token for a new access token (and, with rotation, a new refresh token).
 *
 * @throws {OAuthTokenError} when refused; `isDeadGrant` says whether that is final.
 */
export async function refreshTokens(
  provider: Provider,
  refresh: { tokenUrl: string; client: ClientCredentials; refreshToken: string },
): Promise<TokenResponse> {
  const { spec } = provider
  return await refreshAccessToken({ ...refresh, params: spec.refreshParams, style: style(spec) })
}

/** True when the provider's refusal means the grant is dead (the spec's deadGrant list). */
export function isDeadGrant(spec: ProviderSpec, error: OAuthTokenError): boolean {
  return spec.deadGrant.oauthErrors.includes(error.oauthError)
}

/**
 * The standard reading of a token response: tokens (a refresh without a new refresh token
 * keeps the previous one), `expires_at` from `expires_in`, the spec's metadata fields.
 */
export function standardGrant(
  response: TokenResponse,
  context: TokenResponseContext,
): ProviderGrant {
  const { spec, previous, now } = context
  const refreshToken = response.refresh_token ?? previous?.refresh_token
  const expiresIn = Number(response.expires_in)
  const tokens: StoredTokens = {
    access_token: response.access_token,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    ...(Number.isFinite(expiresIn) && expiresIn > 0
      ? { expires_at: now + Math.round(expiresIn * 1000) }
      : {}),
    ...(response.scope ? { scope: response.scope } : {}),
  }
  const metadata: Record<string, string> = {}
  for (const [field, key] of Object.entries(spec.tokenResponseMetadata)) {
    const value = readPath(response, field)
    if (typeof value === 'string' || typeof value === 'number') metadata[key] = String(value)
  }
  const separator = spec.scopes.separator
  return {
    tokens,
    externalOrgId: null,
    externalUserId: null,
    scopes: (response.scope ?? '').split(separator === ' ' ? /\s+/ : separator)
      .map((scope) => scope.trim()).filter(Boolean),
    rotated: response.refresh_token !== undefined && previous !== undefined &&
      response.refresh_token !== previous.refresh_token,
    metadata,
  }
}

/** `a.b.c` in a JSON value, or undefined. */
export function readPath(value: unknown, path: string): unknown {
  let at: unknown = value
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined
    at = (at as Record<string, unknown>)[key]
  }
  return at
}

/** The grant of a token response: the provider's hook when it has one, else the standard. */
export async function readGrant(
  provider: Provider,
  response: TokenResponse,
  context: TokenResponseContext,
): Promise<ProviderGrant> {
  if (provider.hooks.readTokenResponse) {
    return await provider.hooks.readTokenResponse(response, context)
  }
  return standardGrant(response, context)
}

/**
 * Revokes a token at the spec's revokeUrl (RFC 7009), with the client authenticated as the
 * spec's revokeClientAuth says when `revoker` names the spec and the client.
 *
 * @returns `revoked`, `already_invalid`, or `not_supported` when the spec has no revokeUrl.
 */
export async function revokeAt(
  revokeUrl: string | undefined,
  token: string,
  revoker?: { spec: ProviderSpec; client?: ClientCredentials },
): Promise<'revoked' | 'already_invalid' | 'not_supported'> {
  if (!revokeUrl) return 'not_supported'
  const clientAuth = revoker?.spec.revokeClientAuth ?? 'none'
  if (clientAuth === 'none' || !revoker?.client) return await revokeToken(revokeUrl, token)
  return await revokeToken(revokeUrl, token, revoker.client, {
    clientAuth,
    format: 'form',
  })
}
