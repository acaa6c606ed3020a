// Reading providers' answers to the calls their hooks make: a non-RFC-7009 revocation, an identity lookup.
import { ProviderError } from '../http/errors.ts'
import type { RevokeOutcome } from './types.ts'

/**
 * 2xx: the grant is gone; 401 or 404: the provider no longer knows the token (already revoked,
 * expired, or the app was uninstalled), which is what we wanted.
 *
 * @throws {ProviderError} `revoke_failed` for any other answer (the grant may still be alive).
 */
export async function revokeOutcome(response: Response, provider: string): Promise<RevokeOutcome> {
  await response.body?.cancel()
  if (response.ok) return 'revoked'
  if (response.status === 401 || response.status === 404) return 'already_invalid'
  throw new ProviderError(`${provider} refused the revocation (HTTP ${response.status})`, {
    code: 'revoke_failed',
  })
}

/**
 * A JSON body read from an identity lookup, or a ProviderError naming the provider (never the
 * body: it may carry personal data).
 *
 * @throws {ProviderError} `post_connect_failed` for a non-2xx or non-JSON answer.
 */
export async function identityJson(response: Response, provider: string): Promise<unknown> {
  if (!response.ok) {
    await response.body?.cancel()
    throw new ProviderError(`${provider}'s identity lookup failed (HTTP ${response.status})`, {
      code: 'post_connect_failed',
    })
  }
  try {
    return await response.json()
  } catch {
    throw new ProviderError(`${provider}'s identity lookup answered no JSON`, {
      code: 'post_connect_failed',
    })
  }
}
