// Completes a connection for the user who started it. The app posts the ticket the callback gave
// it, with the signed-in user's JWT; only when that user is the one bound to the state is the
// code exchanged (with the bound PKCE verifier and the right client), the tokens stored in Vault
// and the integration connected. Anyone else who presents the ticket cancels it. A ticket is
// settled once, and every later call of its initiator is answered with that same outcome.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { resolveClientCredentials } from '../connections/client-credentials.ts'
import { readTokens, saveTokens } from '../connections/store.ts'
import { asService } from '../db/as-user.ts'
import type { Tx } from '../db/client.ts'
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ProviderError,
} from '../http/errors.ts'
import { loadIntegrationFor } from '../tenancy/access.ts'
import { markConnected } from '../integrations/lifecycle.ts'
import { readIntegrationAsService, type ServiceIntegration } from '../integrations/service-read.ts'
import type { Logger } from '../log.ts'
import { type Completion, findCompletion, settleCompletion } from '../oauth/completion-store.ts'
import { openCode } from '../oauth/completion-ticket.ts'
import { type ClientCredentials, OAuthTokenError } from '../oauth/token-client.ts'
import { exchangeVerifier } from '../connections/oauth1.ts'
import { getProvider } from '../providers/registry.ts'
import type { Provider, ProviderGrant } from '../providers/types.ts'
import { oauthUrls } from '../providers/urls.ts'
import { connectionOf } from '../connections/load.ts'
import { hookContext } from '../connections/authorized-fetch.ts'
import { exchangeCode, readGrant, revokeAt } from '../connections/oauth2.ts'
import {
  type CallbackErrorCode,
  callbackErrorMessages,
  isCallbackErrorCode,
  recordAuthFailure,
} from './callback-errors.ts'

/** Callers with one ticket wait for the one settling it: an exchange is bounded at 15 s. */
const completionLockTimeout = '30s'

/** A failure we record on the integration and answer the initiator with. */
class CompletionFailure extends Error {
  constructor(readonly code: CallbackErrorCode, readonly providerError?: string) {
    super(code)
  }
}

/** What one settling transaction decided; tokens to revoke are revoked after it commits. */
type Settled = { kind: 'unknown' } | Outcome
type Outcome = { kind: 'settled'; outcome: string; initiator: boolean; revoke?: Revocation }

interface Revocation {
  revokeUrl: string | undefined
  token: string
  /** The grant this one replaced (log a failure), or the new one nobody may keep (silent). */
  reason: 'replaced' | 'disconnected'
}

function ticketInvalid(): AppError {
  return new NotFoundError('This connection ticket is unknown, or its connection was cancelled', {
    code: 'ticket_invalid',
  })
}

/** The answer the initiator gets for a failed outcome: the provider's failures are 502s. */
function outcomeError(outcome: string): AppError {
  if (!isCallbackErrorCode(outcome)) return ticketInvalid()
  const message = callbackErrorMessages[outcome]
  if (['token_exchange_failed', 'invalid_client_id', 'redirect_uri_mismatch'].includes(outcome)) {
    return new ProviderError(message, { code: outcome })
  }
  return new ConflictError(message, { code: outcome })
}

/**
 * OAuth 1.0a: trades the sealed request token and verifier for the token credentials, signed
 * with the request token secret the state row kept. Trello reports no scopes, expiry or refresh.
 */
async function oauth1Grant(
  completion: Completion,
  sealed: string,
  client: ClientCredentials,
  tokenUrl: string,
): Promise<ProviderGrant> {
  const { token, verifier } = JSON.parse(sealed) as { token: string; verifier: string }
  if (!completion.requestTokenSecret) {
    throw new CompletionFailure('token_exchange_failed', 'no_request_token_secret')
  }
  const credentials = await exchangeVerifier(tokenUrl, {
    consumerKey: client.clientId,
    consumerSecret: client.clientSecret ?? '',
    token,
    tokenSecret: completion.requestTokenSecret,
  }, verifier)
  return {
    tokens: { access_token: credentials.token, token_secret: credentials.tokenSecret },
    externalOrgId: null,
    externalUserId: null,
    scopes: [],
    rotated: false,
    metadata: {},
  }
}

async function exchange(
  tx: Tx,
  completion: Completion,
  code: string,
  provider: Provider,
  integration: ServiceIntegration,
): Promise<ProviderGrant> {
  const endpoints = oauthUrls(provider, integration.connection_config)
  let grant: ProviderGrant
  try {
    // Inside the try: an app removed since authorize is a failed exchange to report, not a 500.
    const client = await resolveClientCredentials(tx, integration.id, provider.spec)
    const tokenUrl = endpoints.tokenUrl!
    if (provider.spec.authMode === 'oauth1') {
      return await oauth1Grant(completion, code, client, tokenUrl)
    }
    const response = await exchangeCode(provider, {
      tokenUrl,
      client,
      code,
      redirectUri: completion.redirectUri,
      codeVerifier: completion.codeVerifier,
    })
    grant = await readGrant(provider, response, {
      spec: provider.spec,
      config: integration.connection_config,
      tokenUrl,
      clientSecret: client.clientSecret,
      now: Date.now(),
    })
    if (provider.hooks.postConnect) {
      // Identity lookups (HubSpot's portalId, Atlassian's cloudId) become connection metadata.
      const config = { ...integration.connection_config, ...grant.metadata }
      const extra = await provider.hooks.postConnect(
        hookContext(connectionOf(integration, provider, config, grant.tokens, 0, client)),
      )
      grant = { ...grant, metadata: { ...grant.metadata, ...extra } }
    }
  } catch (error) {
    if (error instanceof OAuthTokenError) {
      throw new CompletionFailure(
        error.oauthError === 'invalid_client_id' ? 'invalid_client_id' : 'token_exchange_failed',
        error.oauthError,
      )
    }
    if (error instanceof AppError) throw new CompletionFailure('token_exchange_failed', error.code)
    throw error
  }
  if (!grant.tokens.refresh_token && provider.spec.requiresRefreshToken) {
    // Without a refresh token the connection would die with its first session: refuse it now,
    // and do not leave the one access token alive.
    await revokeAt(endpoints.revokeUrl, grant.tokens.access_token!).catch(() => undefined)
    throw new CompletionFailure('token_exchange_failed', 'no_refresh_token')
  }
  return grant
}

/**
 * Saves the grant and marks the integration connected. A disconnect that happened while the user
 * was at the provider wins: the grant is not saved, and comes back for the caller to revoke.
 * Returns the refresh token the new one replaced, if any, for the caller to revoke.
 */
async function save(
  tx: Tx,
  integration: ServiceIntegration,
  grant: ProviderGrant,
  userId: string,
): Promise<{ replaced?: string; disconnected: boolean }> {
  const [row] = await tx<{ status: string }[]>`
    select status from public.integrations where id = ${integration.id} for update`
  if (!row || row.status === 'disconnected') return { disconnected: true }
  const previous = await readTokens(tx, integration.id)
  await saveTokens(tx, integration.id, grant.tokens)
  await markConnected(tx, integration, grant, userId)
  const replaced = previous?.tokens.refresh_token
  return {
    replaced: replaced !== grant.tokens.refresh_token ? replaced : undefined,
    disconnected: false,
  }
}

/**
 * Settles the ticket for `userId` inside `tx`, holding its row lock throughout (exchange
 * included), so five racing calls make one exchange and read one outcome.
 */
async function settle(tx: Tx, ticket: string, userId: string, logger: Logger): Promise<Settled> {
  await tx`select set_config('lock_timeout', ${completionLockTimeout}, true)`
  const completion = await findCompletion(tx, ticket, { lock: true })
  const integration = completion && await readIntegrationAsService(tx, completion.integrationId)
  if (!completion || !integration) return { kind: 'unknown' }
  const initiator = completion.userId === userId
  if (completion.outcome) return { kind: 'settled', outcome: completion.outcome, initiator }
  const fail = async (failure: CompletionFailure): Promise<Outcome> => {
    await recordAuthFailure(tx, integration, failure, initiator ? userId : null, logger)
    await settleCompletion(tx, ticket, { outcome: failure.code, userId })
    return { kind: 'settled', outcome: failure.code, initiator }
  }
  // Someone else holds the initiator's ticket: the phishing shape (a link sent to another
  // person, who allowed access). Cancel it, so a later hand-back of the URL is worth nothing.
  if (!initiator) return await fail(new CompletionFailure('connection_cancelled'))
  if (completion.expired) return await fail(new CompletionFailure('state_expired'))
  const provider = getProvider(integration.provider)
  let grant: ProviderGrant
  try {
    const code = await openCode(completion.sealedCode!, ticket)
    grant = await exchange(tx, completion, code, provider, integration)
  } catch (error) {
    if (error instanceof CompletionFailure) return await fail(error)
    throw error
  }
  const saved = await save(tx, integration, grant, userId)
  const { revokeUrl } = oauthUrls(provider, integration.connection_config)
  if (saved.disconnected) {
    const settled = await fail(new CompletionFailure('state_invalid', 'disconnected_meanwhile'))
    const token = (grant.tokens.refresh_token ?? grant.tokens.access_token)!
    return { ...settled, revoke: { revokeUrl, token, reason: 'disconnected' } }
  }
  await settleCompletion(tx, ticket, { outcome: 'connected', userId })
  logger.info('integration connected', { integration_id: integration.id })
  return {
    kind: 'settled',
    outcome: 'connected',
    initiator,
    revoke: saved.replaced ? { revokeUrl, token: saved.replaced, reason: 'replaced' } : undefined,
  }
}

/**
 * Completes the connection of `ticket` for the caller and returns its integration id.
 *
 * @throws {NotFoundError} 404 `ticket_invalid`: never issued, or forgotten (disconnect, delete).
 * @throws {ForbiddenError} 403 `ticket_not_yours`: another user started this connection; the
 *   ticket is cancelled by this call (if it was still open) and nothing is connected.
 * @throws {NotFoundError | ForbiddenError} from the caller's access to the integration: the
 *   initiator must still be an owner or admin of its business (the ticket stays open).
 * @throws {ConflictError | ProviderError} with the failure's code (`state_expired`,
 *   `token_exchange_failed`, `connection_cancelled`, ...), the same on every retry.
 */
export async function completeAuthorization(
  claims: UserClaims,
  ticket: string,
  logger: Logger,
): Promise<{ integrationId: string }> {
  const found = await asService((tx) => findCompletion(tx, ticket, { lock: false }))
  if (!found) throw ticketInvalid()
  // The functions' own access rule still holds at the end of the flow, not only at its start.
  if (found.userId === claims.sub) {
    await loadIntegrationFor(claims, found.integrationId, { admin: true })
  }
  const settled = await asService((tx) => settle(tx, ticket, claims.sub, logger))
  if (settled.kind === 'unknown') throw ticketInvalid()
  if (settled.revoke) {
    const { revokeUrl, token, reason } = settled.revoke
    // The old grant is dead weight (Salesforce keeps only five per user and app); a grant for a
    // disconnected integration must not live on.
    await revokeAt(revokeUrl, token).catch((error) => {
      if (reason === 'replaced') {
        logger.warn('could not revoke the replaced grant', {
          integration_id: found.integrationId,
          error,
        })
      }
    })
  }
  if (!settled.initiator) {
    throw new ForbiddenError(
      'Another user started this connection; it has been cancelled and nothing was connected',
      { code: 'ticket_not_yours' },
    )
  }
  if (settled.outcome !== 'connected') throw outcomeError(settled.outcome)
  return { integrationId: found.integrationId }
}
