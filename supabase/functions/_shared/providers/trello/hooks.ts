// What Trello's data cannot say: revocation is a signed DELETE of the token itself.
import { revokeOutcome } from '../hook-responses.ts'
import type { ProviderHooks } from '../types.ts'

export const trelloHooks: ProviderHooks = {
  /** `DELETE /1/tokens/{token}`, signed with the token it deletes. */
  async revoke(context) {
    const token = context.tokens.access_token
    if (!token) return 'not_supported'
    const url = `${context.apiBaseUrl}/1/tokens/${encodeURIComponent(token)}`
    return await revokeOutcome(
      await context.fetch(new Request(url, { method: 'DELETE' })),
      'Trello',
    )
  },
}
