// The one place an integration's credentials are loaded and refreshed: every caller of a
// provider API goes through here (see authorized-fetch.ts). Refreshes of one integration are
// single-flight across every function instance, by a row lock in Postgres.
import { asService } from '../db/as-user.ts'
import type { Tx } from '../db/client.ts'
import { NotFoundError } from '../http/errors.ts'
import { recordEvent } from '../integrations/events.ts'
import { markReauthRequired } from '../integrations/lifecycle.ts'
import { readIntegrationAsService, type ServiceIntegration } from '../integrations/service-read.ts'
import { log } from '../log.ts'
import { type ClientCredentials, OAuthTokenError } from '../oauth/token-client.ts'
import { getProvider } from '../providers/registry.ts'
import type { ConnectionConfig, Provider, StoredTokens } from '../providers/types.ts'
import { apiBaseUrlFor, oauthUrls } from '../providers/urls.ts'
import { resolveClientCredentials } from './client-credentials.ts'
import { NotConnectedError, ReauthRequiredError } from './errors.ts'
import { isDeadGrant, readGrant, refreshTokens } from './oauth2.ts'
import { readTokens, saveTokens } from './store.ts'

/** How long a caller waits for another instance's refresh before giving up. */
const refreshLockTimeout = '30s'

/**
 * A usable connection: where to call and with which credentials. Holds secrets: never log it.
 * `authorizedFetch` replaces `tokens` and `tokenVersion` in place after a refresh, so a client
 * holding the connection uses the new token on its next call.
 */
export interface Connection {
  integrationId: string
  businessId: string
  provider: Provider
  /** The tenant's config with what the provider told us (instance_url, portalId) over it. */
  config: ConnectionConfig
  apiVersion: string
  tokens: StoredTokens
  /** The token version `tokens` belong to; a refresh compares it under the row lock. */
  tokenVersion: number
  /** The root every API call of this connection stays under. */
  apiBaseUrl: string
  /** oauth1 only: the consumer key and secret that sign every request. */
  client?: ClientCredentials
}

/** Config and metadata as one map: metadata (server-set) wins over what the tenant chose. */
function configOf(integration: ServiceIntegration, tokens?: StoredTokens): ConnectionConfig {
  const config: Record<string, string> = {
    ...integration.connection_config,
    ...integration.connection_metadata,
  }
  // Salesforce keeps instance_url with its tokens too (a refresh may move it).
  if (tokens?.instance_url) config.instance_url = tokens.instance_url
  return config
}

/**
 * A connection from its parts, before or after it is stored (a post-connect hook calls the
 * provider with credentials not yet saved: version 0).
 */
export function connectionOf(
  integration: { id: string; business_id: string; api_version: string },
  provider: Provider,
  config: ConnectionConfig,
  tokens: StoredTokens,
  tokenVersion = 0,
  client?: ClientCredentials,
): Connection {
  return {
    integrationId: integration.id,
    businessId: integration.business_id,
    provider,
    config,
    apiVersion: integration.api_version,
    tokens,
    tokenVersion,
    apiBaseUrl: apiBaseUrlFor(provider.spec, config),
    ...(client ? { client } : {}),
  }
}

async function toConnection(
  tx: Tx,
  integration: ServiceIntegration,
  tokens: StoredTokens,
  tokenVersion: number,
): Promise<Connection> {
  const provider = getProvider(integration.provider)
  const client = provider.spec.authMode === 'oauth1'
    ? await resolveClientCredentials(tx, integration.id, provider.spec)
    : undefined
  return connectionOf(
    integration,
    provider,
    configOf(integration, tokens),
    tokens,
    tokenVersion,
    client,
  )
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
 * Loads the integration's current credentials and API base.
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
    return await toConnection(tx, integration, stored.tokens, stored.version)
  })
}

/** The connection when the integration holds credentials, else undefined; within `tx`. */
export async function loadConnectionIn(
  tx: Tx,
  integrationId: string,
): Promise<Connection | undefined> {
  const integration = await readIntegrationOrFail(tx, integrationId)
  const stored = await readTokens(tx, integrationId)
  return stored && await toConnection(tx, integration, stored.tokens, stored.version)
}

type RefreshOutcome =
  | { kind: 'connection'; connection: Connection }
  | { kind: 'reauth_required' }

/**
 * Marks the grant dead: tokens deleted, the integration `error`/`reauth_required`, the sync
 * paused, a `reauth_required` event (and so an alert), committed before the caller hears of it.
 *
 * @throws {ReauthRequiredError} always, after the commit.
 */
export async function failDeadGrant(integrationId: string, description: string): Promise<never> {
  await asService(async (tx) => {
    const integration = await readIntegrationOrFail(tx, integrationId)
    if (integration.last_error_code !== 'reauth_required') {
      await markReauthRequired(tx, integration, description)
    }
  })
  log.warn('integration needs reauthorization', { integration_id: integrationId })
  throw new ReauthRequiredError()
}

/**
 * Replaces an access token the provider refused or that is about to expire (`stale`), once,
 * whoever else is trying.
 *
 * In one transaction: lock the integration's secrets row (`for update`), and compare its
 * token_version with the one `stale` was read at. If it moved, another caller (maybe another
 * function instance) has refreshed already: use its token. Otherwise call the token endpoint
 * with the integration's own client (or the server's), save the new set in one Vault write
 * (a rotated refresh token together with its access token), record `token_refreshed`, and
 * commit before anyone uses the token. The lock is held for the refresh call and the save,
 * nothing else; waiting callers give up after 30 s.
 *
 * A refused refresh token (an error the spec lists as a dead grant, `invalid_grant` by default)
 * is final: the tokens are deleted, the integration goes to `error`/`reauth_required`, the sync
 * pauses, and that is committed before we throw.
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
        connection: await toConnection(tx, integration, stored.tokens, stored.version),
      }
    }
    const provider = getProvider(integration.provider)
    if (!stored.tokens.refresh_token) {
      await markReauthRequired(tx, integration, 'no refresh token was granted')
      return { kind: 'reauth_required' }
    }
    const client = await resolveClientCredentials(tx, integration.id, provider.spec)
    const tokenUrl = oauthUrls(provider, integration.connection_config).tokenUrl!
    let response
    try {
      response = await refreshTokens(provider, {
        tokenUrl,
        client,
        refreshToken: stored.tokens.refresh_token,
      })
    } catch (error) {
      if (error instanceof OAuthTokenError && isDeadGrant(provider.spec, error)) {
        await markReauthRequired(tx, integration, error.description)
        return { kind: 'reauth_required' }
      }
      throw error
    }
    const grant = await readGrant(provider, response, {
      spec: provider.spec,
      config: configOf(integration),
      tokenUrl,
      clientSecret: client.clientSecret,
      previous: stored.tokens,
      now: Date.now(),
    })
    const version = await saveTokens(tx, integration.id, grant.tokens)
    await recordEvent(tx, {
      integrationId: integration.id,
      businessId: integration.business_id,
      type: 'token_refreshed',
      metadata: { token_version: version, rotated: grant.rotated },
    })
    return {
      kind: 'connection',
      connection: await toConnection(tx, integration, grant.tokens, version),
    }
  })
  if (outcome.kind === 'reauth_required') {
    log.warn('integration needs reauthorization', { integration_id: stale.integrationId })
    throw new ReauthRequiredError()
  }
  return outcome.connection
}
