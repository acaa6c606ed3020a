// The providers we connect to, looked up by id, and the OAuth URLs derived from their data.
import { NotFoundError } from '../http/errors.ts'
import { salesforce } from './salesforce/provider.ts'
import type { IntegrationLocation, OAuthProvider, ProviderId } from './types.ts'

const providers: Readonly<Record<ProviderId, OAuthProvider>> = { salesforce }

/** True when `id` names a provider we support. */
function isProviderId(id: string): id is ProviderId {
  return Object.hasOwn(providers, id)
}

/**
 * The provider named `id`.
 *
 * @throws {NotFoundError} for a provider we do not support.
 */
export function getProvider(id: string): OAuthProvider {
  if (!isProviderId(id)) throw new NotFoundError(`Unknown provider ${JSON.stringify(id)}`)
  return providers[id]
}

export interface OAuthEndpoints {
  authorizeUrl: string
  tokenUrl: string
  revokeUrl: string
}

/**
 * The OAuth endpoints an integration uses. Codes and refresh tokens only work on the host
 * family that issued them, so every call for an integration goes through the same base.
 */
export function oauthEndpoints(
  provider: OAuthProvider,
  location: IntegrationLocation,
): OAuthEndpoints {
  const base = provider.loginBaseUrl(location)
  return {
    authorizeUrl: base + provider.authorizePath,
    tokenUrl: base + provider.tokenPath,
    revokeUrl: base + provider.revokePath,
  }
}

export interface AuthorizationRequest {
  clientId: string
  redirectUri: string
  state: string
  codeChallenge: string
}

/** The URL the browser is sent to: code flow, PKCE S256, the provider's scopes and extras. */
export function authorizationUrl(
  provider: OAuthProvider,
  location: IntegrationLocation,
  request: AuthorizationRequest,
): string {
  const url = new URL(oauthEndpoints(provider, location).authorizeUrl)
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: provider.scopes.join(provider.scopeSeparator),
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: provider.pkce,
    ...provider.authorizeParams,
  }
  // URLSearchParams writes spaces as `+`; %20 is what every server reads the same way.
  url.search = Object.entries(params)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&')
  return url.href
}

/** The callback URL registered with the provider: `<PUBLIC_FUNCTIONS_URL>/callback/<id>`. */
export function callbackUrl(publicFunctionsUrl: string, provider: OAuthProvider): string {
  return `${publicFunctionsUrl}/callback/${provider.id}`
}
