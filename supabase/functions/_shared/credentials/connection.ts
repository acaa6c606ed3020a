// The one place an integration's credentials are loaded and refreshed: every caller of a
// provider API goes through here. Refreshes of one integration are single-flight across every
// function instance, by a row lock in Postgres.
import { asService } from '../db/as-user.ts'
import type { Tx } from '../db/client.ts'
import { NotFoundError } from '../http/errors.ts'
import { recordEvent } from '../integrations/events.ts'
import { markReauthRequired } from '../integrations/lifecycle.ts'
import { readIntegrationAsService, type ServiceIntegration } from '../integrations/service-read.ts'
import { log } from '../log.ts'
import { OAuthTokenError, refreshAccessToken } from '../oauth/token-client.ts'
import { getProvider, oauthEndpoints } from '../providers/registry.ts'
import type { OAuthProvider } from '../providers/types.ts'
import { resolveClientCredentials } from './client-credentials.ts'
import { NotConnectedError, ReauthRequiredError } from './errors.ts'
import type { StoredTokens } from './token-set.ts'
import { readTokens, saveTokens } from './vault.ts'

/** How long a caller waits for another instance's refresh before giving up. */
const refreshLockTimeout = '30s'

/** A usable connection: where to call and with which token. Holds a secret: never log it. */
export interface Connection {
  integrationId: string
  businessId: string
  provider: OAuthProvider
  apiVersion: string
  accessToken: string
  /** The API base the provider gave with the tokens (Salesforce's instance_url). */
  instanceUrl: string
  /** The token version this access token belongs to; hand it back to `refreshConnection`. */
  tokenVersion: number
}

function toConnection(
  integration: ServiceIntegration,
  tokens: StoredTokens,
  tokenVersion: number,
): Connection {
  return {
    integrationId: integration.id,
    businessId: integration.business_id,
    provider: getProvider(integration.provider),
    apiVersion: integration.api_version,
    accessToken: tokens.access_token,
    instanceUrl: tokens.instance_url,
    tokenVersion,
  }
}

/** Why an integration without tokens has none: a dead grant, or never/no longer connected. */
function missingTokensError(integration: ServiceIntegration): Error {
  return integration.last_error_code === 'reauth_required'
    ? new ReauthRequiredError()
    : new NotConnectedError()
}

async function readIntegrationOrFail(tx: Tx, integrationId: string): Promise<ServiceIntegration> {
  const integration = await readIntegrationAsService(tx, integrationId)
  if (!integration) throw new NotFoundError('Integration not found')
  return integration
}

/**
 * Loads the integration's current access token and API base.
 *
 * @throws {NotFoundError} for an unknown integration.
 * @throws {ReauthRequiredError} when its grant died and nobody has connected again.
 * @throws {NotConnectedError} when it was never connected, or was disconnected.
 */
export async function loadConnection(integrationId: string): Promise<Connection> {
  return await asService(async (tx) => {
    const integration = await readIntegrationOrFail(tx, integrationId)
    const stored = await readTokens(tx, integrationId)
    if (!stored) throw missingTokensError(integration)
    return toConnection(integration, stored.tokens, stored.version)
  })
}

type RefreshOutcome =
  | { kind: 'connection'; connection: Connection }
  | { kind: 'reauth_required' }

/**
 * Replaces an access token the provider refused (`stale`), once, whoever else is trying.
 *
 * In one transaction: lock the integration's secrets row (`for update`), and compare its
 * token_version with the one `stale` was read at. If it moved, another caller (maybe another
 * function instance) has refreshed already: use its token. Otherwise call the token endpoint
 * with the integration's own client (or the server's), save the new set in one Vault write
 * (a rotated refresh token together with its access token), record `token_refreshed`, and
 * commit before anyone uses the token. The lock is held for the refresh call and the save,
 * nothing else; waiting callers give up after 30 s.
 *
 * A refused refresh token (`invalid_grant`) is final: the tokens are deleted, the integration
 * goes to `error`/`reauth_required`, the sync pauses, and that is committed before we throw.
 *
 * @throws {ReauthRequiredError} (409 `reauth_required`) when the grant is dead; never retry.
 * @throws {NotConnectedError} when the integration was disconnected meanwhile.
 * @throws {OAuthTokenError | ProviderError} when the provider refused otherwise or failed.
 */
export async function refreshConnection(stale: Connection): Promise<Connection> {
  const outcome = await asService(async (tx): Promise<RefreshOutcome> => {
    await tx`select set_config('lock_timeout', ${refreshLockTimeout}, true)`
    const [lock] = await tx<{ token_version: string }[]>`
      select token_version from private.integration_secrets
       where integration_id = ${stale.integrationId} for update`
    const integration = await readIntegrationOrFail(tx, stale.integrationId)
    const stored = lock ? await readTokens(tx, stale.integrationId) : undefined
    if (!stored) throw missingTokensError(integration)
    if (Number(lock.token_version) !== stale.tokenVersion) {
      return {
        kind: 'connection',
        connection: toConnection(integration, stored.tokens, stored.version),
      }
    }
    const provider = getProvider(integration.provider)
    if (!stored.tokens.refresh_token) {
      await markReauthRequired(tx, integration, 'no refresh token was granted')
      return { kind: 'reauth_required' }
    }
    const client = await resolveClientCredentials(tx, integration.id, provider)
    const endpoints = oauthEndpoints(provider, integration)
    let response
    try {
      response = await refreshAccessToken({
        tokenUrl: endpoints.tokenUrl,
        client,
        refreshToken: stored.tokens.refresh_token,
      })
    } catch (error) {
      if (error instanceof OAuthTokenError && error.isInvalidGrant) {
        await markReauthRequired(tx, integration, error.description)
        return { kind: 'reauth_required' }
      }
      throw error
    }
    const grant = await provider.readTokenResponse(response, {
      loginBaseUrl: provider.loginBaseUrl(integration),
      clientSecret: client.clientSecret,
      previous: stored.tokens,
    })
    const version = await saveTokens(tx, integration.id, grant.tokens)
    await recordEvent(tx, {
      integrationId: integration.id,
      businessId: integration.business_id,
      type: 'token_refreshed',
      metadata: { token_version: version, rotated: grant.rotated },
    })
    return { kind: 'connection', connection: toConnection(integration, grant.tokens, version) }
  })
  if (outcome.kind === 'reauth_required') {
    log.warn('integration needs reauthorization', { integration_id: stale.integrationId })
    throw new ReauthRequiredError()
  }
  return outcome.connection
}
