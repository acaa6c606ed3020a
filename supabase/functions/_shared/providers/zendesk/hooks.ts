// What Zendesk's data cannot say: revocation deletes the token that authorizes the call.
import { revokeOutcome } from '../hook-responses.ts'
import type { ProviderHooks } from '../types.ts'

export const zendeskHooks: ProviderHooks = {
  /** `DELETE /api/v2/oauth/tokens/current.json` with the access token as Bearer. */
  async revoke(context) {
    if (!context.tokens.access_token) return 'not_supported'
    const request = new Request(`${context.apiBaseUrl}/api/v2/oauth/tokens/current.json`, {
      method: 'DELETE',
    })
    return await revokeOutcome(await context.fetch(request), 'Zendesk')
  },
}
