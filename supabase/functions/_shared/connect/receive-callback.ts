// Receives the provider's redirect at the callback: consumes the state once and, when access was
// allowed, seals the code under a one-time ticket and sends the browser to the app with it. The
// code is never exchanged here: the callback runs without a JWT, so it cannot know that the
// person who allowed access is the one who started the flow (complete-authorization.ts does).
import { getConfig } from '../config.ts'
import { asService } from '../db/as-user.ts'
import { BadRequestError } from '../http/errors.ts'
import type { Logger } from '../log.ts'
import { saveCompletion } from '../oauth/completion-store.ts'
import { createTicket, sealCode } from '../oauth/completion-ticket.ts'
import { withParams } from '../oauth/redirect-allowlist.ts'
import { consumeOAuthState } from '../oauth/state-store.ts'
import { isWellFormedState } from '../oauth/state.ts'
import { readIntegrationAsService } from '../integrations/service-read.ts'
import type { Provider } from '../providers/types.ts'
import {
  type CallbackErrorCode,
  callbackErrorFromProvider,
  callbackErrorMessages,
  recordAuthFailure,
} from './callback-errors.ts'

export interface CallbackParams {
  provider: Provider
  code?: string
  state?: string
  /** The provider's `error=` (the user denied, or the request was refused). */
  error?: string
  /** OAuth 1.0a: the request token the flow started with, and the verifier when allowed. */
  oauthToken?: string
  oauthVerifier?: string
  /** OAuth 1.0a: `oauth_problem=` (the user refused), or Twitter-style `denied=<token>`. */
  oauthProblem?: string
  denied?: string
}

/** Request tokens are the provider's; we only bound their shape before hashing one. */
const requestTokenPattern = /^[A-Za-z0-9._~-]{8,256}$/

/**
 * What the callback says, in OAuth 2's terms: the key of the state row (our state, or the
 * request token OAuth 1.0a rows are keyed by), the provider's refusal, and the secret to seal.
 */
function readCallback(params: CallbackParams) {
  if (params.provider.spec.authMode !== 'oauth1') {
    return {
      key: params.state,
      error: params.error,
      code: params.code,
      wellFormed: isWellFormedState,
      unbound: 'state_invalid' as const,
    }
  }
  const key = params.oauthToken ?? params.denied
  const verifier = params.oauthVerifier
  const refused = params.denied !== undefined || params.oauthProblem !== undefined
  return {
    key,
    error: refused ? 'access_denied' : params.error,
    // The exchange needs both the request token and its verifier: they are sealed together.
    code: verifier && key ? JSON.stringify({ token: key, verifier }) : undefined,
    wellFormed: (value: string | undefined): value is string =>
      value !== undefined && requestTokenPattern.test(value),
    // A refusal may come back without the token: no row to answer from, but the error page
    // can still say it was a refusal.
    unbound: refused ? 'access_denied' as const : 'state_invalid' as const,
  }
}

/**
 * Where a browser whose state we cannot trust goes. Without the state row there is no
 * `redirect_to` to trust, so it is the operator's APP_ERROR_REDIRECT_URL, with
 * `error=state_invalid` (or `access_denied`: an OAuth 1.0a refusal that names no request
 * token); a redirect rather than a page, since hosted functions serve HTML as plain text.
 *
 * @throws {BadRequestError} 400 with that code (JSON) when no error page is configured.
 */
function unboundError(code: 'state_invalid' | 'access_denied' = 'state_invalid'): string {
  const { APP_ERROR_REDIRECT_URL } = getConfig('oauth')
  const message = callbackErrorMessages[code]
  if (!APP_ERROR_REDIRECT_URL) throw new BadRequestError(message, { code })
  return withParams(APP_ERROR_REDIRECT_URL, { error: code, message })
}

/**
 * Handles one callback and returns the URL to redirect the browser to: the state's allowlisted
 * app URL with `ticket` and `integration_id` when access was allowed, with `error` and `message`
 * when not (denied, expired, no code: recorded on the integration as before); the error page
 * for a malformed, unknown or used state.
 *
 * @throws {BadRequestError} 400 `state_invalid` for such a state when no error page is set.
 */
export async function receiveCallback(params: CallbackParams, logger: Logger): Promise<string> {
  const callback = readCallback(params)
  const state = callback.key
  if (!callback.wellFormed(state)) return unboundError(callback.unbound)
  // One transaction from consuming the state to recording what came of it: a refused state is
  // still consumed (the refusal is a return, which commits), and a failure of ours rolls the
  // consumption back, so the state is never burned without an answer to the browser.
  const location = await asService(async (tx) => {
    const bound = await consumeOAuthState(tx, state)
    const integration = bound && await readIntegrationAsService(tx, bound.integrationId)
    if (!bound || !integration || integration.provider !== params.provider.spec.id) return undefined

    let failure: { code: CallbackErrorCode; providerError?: string } | undefined
    if (bound.expired) failure = { code: 'state_expired' }
    else if (callback.error) {
      failure = { code: callbackErrorFromProvider(callback.error), providerError: callback.error }
    } else if (!callback.code) failure = { code: 'token_exchange_failed', providerError: 'no_code' }
    if (failure) {
      await recordAuthFailure(tx, integration, failure, bound.userId, logger)
      return withParams(bound.redirectTo, {
        error: failure.code,
        message: callbackErrorMessages[failure.code],
        integration_id: integration.id,
      })
    }

    const ticket = createTicket()
    await saveCompletion(tx, { state, ticket, sealedCode: await sealCode(callback.code!, ticket) })
    logger.info('authorization allowed; waiting for its initiator to complete it', {
      integration_id: integration.id,
    })
    return withParams(bound.redirectTo, { ticket, integration_id: integration.id })
  })
  return location ?? unboundError()
}
