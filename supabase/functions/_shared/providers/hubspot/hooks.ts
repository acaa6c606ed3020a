// What HubSpot's data cannot say: the portal id from an identity call, revocation as a DELETE
// of the refresh token in the URL path, and its objects' fields (describe.ts).
import { identityJson, revokeOutcome } from '../hook-responses.ts'
import type { ProviderHooks } from '../types.ts'
import { hubspotDescribe } from './describe.ts'

export const hubspotHooks: ProviderHooks = {
  describe: hubspotDescribe,
  /** `GET /account-info/v3/details` → `portalId`, the key webhooks route by (as Nango stores it). */
  async postConnect(context) {
    const response = await context.fetch(
      new Request(`${context.apiBaseUrl}/account-info/v3/details`),
    )
    const body = await identityJson(response, 'HubSpot') as { portalId?: unknown }
    const portalId = body.portalId
    const extra: Record<string, string> = {}
    if (typeof portalId === 'number' || typeof portalId === 'string') {
      extra.portalId = String(portalId)
    }
    return extra
  },
  /**
   * `DELETE /oauth/v1/refresh-tokens/{token}` (204). Access tokens already issued live out their
   * 30 minutes: HubSpot has no way to kill them.
   */
  async revoke(context) {
    const token = context.tokens.refresh_token
    if (!token) return 'not_supported'
    const url = `${context.apiBaseUrl}/oauth/v1/refresh-tokens/${encodeURIComponent(token)}`
    return await revokeOutcome(await context.plainFetch(url, { method: 'DELETE' }), 'HubSpot')
  },
}
