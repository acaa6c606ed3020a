// Completes a connection at the callback: consumes the state once, exchanges the code with the
// bound verifier and the right client, stores the tokens in Vault, and says where to send the
// browser: the allowlisted app URL with `status=connected`, or with `error=` and a message.
import { resolveClientCredentials } from '../credentials/client-credentials.ts'
import { readTokens, saveTokens } from '../credentials/vault.ts'
import { asService } from '../db/as-user.ts'
import { AppError, BadRequestError } from '../http/errors.ts'
import { markAuthFailed, markConnected } from '../integrations/lifecycle.ts'
import { readIntegrationAsService, type ServiceIntegration } from '../integrations/service-read.ts'
import type { Logger } from '../log.ts'
import { type ConsumedOAuthState, consumeOAuthState } from '../oauth/state-store.ts'
import { isWellFormedState } from '../oauth/state.ts'
import { exchangeAuthorizationCode, OAuthTokenError, revokeToken } from '../oauth/token-client.ts'
import { withParams } from '../oauth/redirect-allowlist.ts'
import { oauthEndpoints } from '../providers/registry.ts'
import type { OAuthProvider, ProviderGrant } from '../providers/types.ts'
import {
  type CallbackErrorCode,
  callbackErrorFromProvider,
  callbackErrorMessages,
} from './callback-errors.ts'

export interface CallbackParams {
  provider: OAuthProvider
  code?: string
  state?: string
  /** The provider's `error=` (the user denied, or the request was refused). */
  error?: string
}

/** Thrown when the state is unknown or used: there is no trusted place to redirect to. */
function stateInvalid(): AppError {
  return new BadRequestError(callbackErrorMessages.state_invalid, { code: 'state_invalid' })
}

/** A failure we report to the app, with the provider's own code for the record. */
class CallbackFailure extends Error {
  constructor(readonly code: CallbackErrorCode, readonly providerError?: string) {
    super(code)
  }
}

async function exchange(
  params: CallbackParams & { code: string },
  bound: ConsumedOAuthState,
  integration: ServiceIntegration,
): Promise<ProviderGrant> {
  const { provider } = params
  const endpoints = oauthEndpoints(provider, integration)
  let grant: ProviderGrant
  try {
    // Inside the try: an app removed since authorize is a failed exchange to report, not a 500.
    const client = await asService((tx) => resolveClientCredentials(tx, integration.id, provider))
    const response = await exchangeAuthorizationCode({
      tokenUrl: endpoints.tokenUrl,
      client,
      code: params.code,
      redirectUri: bound.redirectUri,
      codeVerifier: bound.codeVerifier,
    })
    grant = await provider.readTokenResponse(response, {
      loginBaseUrl: provider.loginBaseUrl(integration),
      clientSecret: client.clientSecret,
    })
  } catch (error) {
    if (error instanceof OAuthTokenError) {
      throw new CallbackFailure(
        error.oauthError === 'invalid_client_id' ? 'invalid_client_id' : 'token_exchange_failed',
        error.oauthError,
      )
    }
    if (error instanceof AppError) throw new CallbackFailure('token_exchange_failed', error.code)
    throw error
  }
  if (!grant.tokens.refresh_token) {
    // Without a refresh token the connection would die with its first session: refuse it now,
    // and do not leave the one access token alive.
    await revokeToken(endpoints.revokeUrl, grant.tokens.access_token).catch(() => undefined)
    throw new CallbackFailure('token_exchange_failed', 'no_refresh_token')
  }
  return grant
}

/**
 * Saves the grant and marks the integration connected, in one transaction. A disconnect that
 * happened while the user was at Salesforce wins: the new grant is revoked, not saved.
 * Returns the refresh token the new one replaced, if any, for the caller to revoke.
 */
async function save(
  integration: ServiceIntegration,
  grant: ProviderGrant,
  userId: string,
): Promise<{ replaced?: string; disconnected: boolean }> {
  return await asService(async (tx) => {
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
  })
}

/**
 * Handles one callback and returns the URL to redirect the browser to.
 *
 * @throws {BadRequestError} 400 `state_invalid` when the state is malformed, unknown or used:
 *   without the state row there is no trusted redirect target, so no redirect at all.
 */
export async function completeAuthorization(
  params: CallbackParams,
  logger: Logger,
): Promise<string> {
  const state = params.state
  if (!isWellFormedState(state)) throw stateInvalid()
  // One transaction for both reads; the checks stay outside it, so a refused state is still
  // consumed (committed) and cannot be tried again.
  const { bound, integration } = await asService(async (tx) => {
    const bound = await consumeOAuthState(tx, state)
    const integration = bound && await readIntegrationAsService(tx, bound.integrationId)
    return { bound, integration }
  })
  if (!bound) throw stateInvalid()
  if (!integration || integration.provider !== params.provider.id) throw stateInvalid()
  const context = { integration_id: integration.id }
  try {
    if (bound.expired) throw new CallbackFailure('state_expired')
    if (params.error) {
      throw new CallbackFailure(callbackErrorFromProvider(params.error), params.error)
    }
    if (!params.code) throw new CallbackFailure('token_exchange_failed', 'no_code')
    const grant = await exchange({ ...params, code: params.code }, bound, integration)
    const saved = await save(integration, grant, bound.userId)
    const endpoints = oauthEndpoints(params.provider, integration)
    if (saved.disconnected) {
      await revokeToken(endpoints.revokeUrl, grant.tokens.refresh_token!).catch(() => undefined)
      throw new CallbackFailure('state_invalid', 'disconnected_meanwhile')
    }
    if (saved.replaced) {
      // The old grant is dead weight, and Salesforce allows only five per user and app.
      await revokeToken(endpoints.revokeUrl, saved.replaced).catch((error) =>
        logger.warn('could not revoke the replaced grant', { ...context, error })
      )
    }
    logger.info('integration connected', context)
    return withParams(bound.redirectTo, { status: 'connected', integration_id: integration.id })
  } catch (error) {
    if (!(error instanceof CallbackFailure)) throw error
    logger.warn('authorization failed', {
      ...context,
      error_code: error.code,
      provider_error: error.providerError,
    })
    await asService((tx) =>
      markAuthFailed(tx, integration, {
        code: error.code,
        message: callbackErrorMessages[error.code],
        providerError: error.providerError,
        actorId: bound.userId,
      })
    )
    return withParams(bound.redirectTo, {
      error: error.code,
      message: callbackErrorMessages[error.code],
      integration_id: integration.id,
    })
  }
}
