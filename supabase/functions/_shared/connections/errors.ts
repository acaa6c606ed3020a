// Typed errors of the credentials layer, rendered by the one onError like every AppError.
import { ConflictError } from '../http/errors.ts'

/**
 * The provider no longer honours the connection's refresh token (revoked, expired, reused after
 * rotation, user deactivated): a person must connect again. Never retried.
 */
export class ReauthRequiredError extends ConflictError {
  constructor(message = 'The connection was revoked or expired; connect the integration again') {
    super(message, { code: 'reauth_required' })
  }
}

/** The integration has no tokens: it was never connected, or it was disconnected. */
export class NotConnectedError extends ConflictError {
  constructor(message = 'The integration is not connected') {
    super(message, { code: 'not_connected' })
  }
}

/** Neither the integration nor the server has a connected app (client id) to use. */
export class ClientNotConfiguredError extends ConflictError {
  constructor(provider: string) {
    super(
      `No ${provider} connected app is configured: give the integration its own client id and ` +
        'secret, or set the server-wide client id',
      { code: 'client_not_configured' },
    )
  }
}
