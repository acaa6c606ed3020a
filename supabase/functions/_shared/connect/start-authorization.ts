// Starts connecting an integration: binds a fresh state and PKCE verifier (OAuth 1.0a: the
// provider's request token and its secret) to the caller, the business and the integration, and
// returns the provider URL the browser goes to.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { getConfig } from '../config.ts'
import { resolveClientCredentials } from '../connections/client-credentials.ts'
import { asService } from '../db/as-user.ts'
import { ValidationError } from '../http/errors.ts'
import { loadIntegrationFor } from '../tenancy/access.ts'
import { codeChallengeS256, createCodeVerifier } from '../oauth/pkce.ts'
import { isAllowedRedirect } from '../oauth/redirect-allowlist.ts'
import { saveOAuthState } from '../oauth/state-store.ts'
import { createState } from '../oauth/state.ts'
import { authorizationUrl } from '../connections/oauth2.ts'
import { oauth1AuthorizationUrl, requestTemporaryToken } from '../connections/oauth1.ts'
import type { Tx } from '../db/client.ts'
import type { Provider } from '../providers/types.ts'
import { callbackUrl, oauthUrls } from '../providers/urls.ts'

export interface AuthorizationStart {
  claims: UserClaims
  provider: Provider
  integrationId: string
  /** Where the callback sends the browser at the end; must be allowlisted. */
  redirectTo: string
}

/**
 * Returns the authorization URL for an owner or admin of the integration's business. The state
 * row (hash of the state, verifier, redirect target, ten minutes) is saved first; the
 * integration becomes `pending` unless it is `active`: a reconnect that is started and then
 * abandoned must not take a working connection out of service.
 *
 * @throws {NotFoundError} when the caller cannot see the integration (or it is another provider's).
 * @throws {ForbiddenError} when the caller is only a member.
 * @throws {ValidationError} `redirect_not_allowed` for a target outside the allowlist.
 * @throws {ClientNotConfiguredError} when no connected app is configured for it.
 * @throws {ProviderError} OAuth 1.0a: when the provider issues no request token.
 */
export async function startAuthorization(start: AuthorizationStart): Promise<string> {
  const { PUBLIC_FUNCTIONS_URL, APP_REDIRECT_ALLOWLIST } = getConfig('oauth')
  const integration = await loadIntegrationFor(start.claims, start.integrationId, { admin: true })
  const { spec } = start.provider
  if (integration.provider !== spec.id) {
    throw new ValidationError(`The integration is not a ${spec.displayName} integration`)
  }
  if (spec.authMode !== 'oauth2' && spec.authMode !== 'oauth1') {
    throw new ValidationError(
      `${spec.displayName} does not connect through an OAuth authorization`,
      { code: 'auth_mode_unsupported' },
    )
  }
  if (!isAllowedRedirect(start.redirectTo, APP_REDIRECT_ALLOWLIST)) {
    throw new ValidationError('redirect_to is not an allowed app URL', {
      code: 'redirect_not_allowed',
    })
  }
  const redirectUri = callbackUrl(PUBLIC_FUNCTIONS_URL, spec)
  const urls = oauthUrls(start.provider, integration.connection_config)
  const codeVerifier = createCodeVerifier()
  const bind = async (tx: Tx, fields: { state: string; requestTokenSecret?: string }) => {
    await saveOAuthState(tx, {
      ...fields,
      userId: start.claims.sub,
      businessId: integration.business_id,
      integrationId: integration.id,
      // Unused without PKCE (and by OAuth 1.0a); the row keeps one all the same.
      codeVerifier,
      redirectUri,
      redirectTo: start.redirectTo,
    })
    await tx`
      update public.integrations set status = 'pending'
       where id = ${integration.id} and status <> 'active'`
  }

  if (spec.authMode === 'oauth1') {
    const client = await asService((tx) => resolveClientCredentials(tx, integration.id, spec))
    // The provider's callback carries the request token, not our state: the row is keyed by the
    // token's hash and keeps the token's secret, which never leaves the database otherwise.
    const requestToken = await requestTemporaryToken(urls.requestTokenUrl!, {
      consumerKey: client.clientId,
      consumerSecret: client.clientSecret ?? '',
    }, redirectUri)
    await asService((tx) =>
      bind(tx, { state: requestToken.token, requestTokenSecret: requestToken.tokenSecret })
    )
    return oauth1AuthorizationUrl(spec, urls.authorizeUrl!, requestToken.token)
  }

  const state = createState()
  const client = await asService(async (tx) => {
    const client = await resolveClientCredentials(tx, integration.id, spec)
    await bind(tx, { state })
    return client
  })
  const { authorizeUrl } = urls
  return authorizationUrl(spec, authorizeUrl!, {
    clientId: client.clientId,
    redirectUri,
    state,
    // Without PKCE the verifier is stored but never sent; the state alone binds the flow.
    codeChallenge: spec.pkce ? await codeChallengeS256(codeVerifier) : undefined,
  })
}
