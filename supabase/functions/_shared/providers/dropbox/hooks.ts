// What Dropbox's data cannot say: revocation is an RPC call authorized by the token it revokes.
import { revokeOutcome } from '../hook-responses.ts'
import type { ProviderHooks } from '../types.ts'

export const dropboxHooks: ProviderHooks = {
  /**
   * `POST /2/auth/token/revoke` with the access token as Bearer and no body: it kills the token
   * and the refresh token it came from. An expired access token answers 401 (already_invalid),
   * though the refresh token may still live until Dropbox expires it.
   */
  async revoke(context) {
    if (!context.tokens.access_token) return 'not_supported'
    const request = new Request(`${context.apiBaseUrl}/2/auth/token/revoke`, { method: 'POST' })
    return await revokeOutcome(await context.fetch(request), 'Dropbox')
  },
}
