// The failures a connection attempt reports to the app (the callback's `error=`, the completion's
// error code), the human text that goes with each, and how a failure is recorded.
import type { Tx } from '../db/client.ts'
import { markAuthFailed } from '../integrations/lifecycle.ts'
import type { ServiceIntegration } from '../integrations/service-read.ts'
import type { Logger } from '../log.ts'

export type CallbackErrorCode =
  | 'access_denied'
  | 'redirect_uri_mismatch'
  | 'invalid_client_id'
  | 'token_exchange_failed'
  | 'state_expired'
  | 'state_invalid'
  | 'connection_cancelled'

/**
 * Shown to people: says what happened and what to do, and never echoes the provider's text. The
 * same for every provider: the app knows which one its user was connecting.
 */
export const callbackErrorMessages: Record<CallbackErrorCode, string> = {
  access_denied: 'Access was denied at the provider, so nothing was connected.',
  redirect_uri_mismatch:
    "The provider does not accept this app's callback URL; add it to the OAuth app's callback URLs.",
  invalid_client_id:
    'The provider does not know this OAuth app (client id); check the integration settings.',
  token_exchange_failed: 'The provider did not complete the connection; please try again.',
  state_expired: 'The connection attempt took too long and expired; please start again.',
  state_invalid: 'This connection link was already used or is not valid; please start again.',
  connection_cancelled:
    'Another account tried to finish this connection, so it was cancelled and nothing was connected; please start again.',
}

/**
 * Our code for an `error=` the provider put on the callback. Salesforce shows client problems
 * (bad client id, unregistered callback URL) on its own page and never redirects them, but we
 * map them all the same in case a provider (or a future Salesforce) does.
 */
export function callbackErrorFromProvider(error: string): CallbackErrorCode {
  switch (error) {
    case 'access_denied':
    case 'OAUTH_APP_ACCESS_DENIED':
      return 'access_denied'
    case 'redirect_uri_mismatch':
      return 'redirect_uri_mismatch'
    case 'invalid_client_id':
      return 'invalid_client_id'
    default:
      return 'token_exchange_failed'
  }
}

/** True for a code of ours (a stored completion outcome other than `connected`). */
export function isCallbackErrorCode(value: string): value is CallbackErrorCode {
  return Object.hasOwn(callbackErrorMessages, value)
}

/**
 * Logs a failed attempt and records it on the integration (`auth_failed`, last_error), with the
 * provider's own code for the record. `tx` must come from `asService`.
 */
export async function recordAuthFailure(
  tx: Tx,
  integration: ServiceIntegration,
  failure: { code: CallbackErrorCode; providerError?: string },
  actorId: string | null,
  logger: Logger,
): Promise<void> {
  logger.warn('authorization failed', {
    integration_id: integration.id,
    error_code: failure.code,
    provider_error: failure.providerError,
  })
  await markAuthFailed(tx, integration, {
    code: failure.code,
    message: callbackErrorMessages[failure.code],
    providerError: failure.providerError,
    actorId,
  })
}
