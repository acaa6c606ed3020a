// What Slack's data cannot say: whose grant an OAuth v2 answer is (team and `authed_user`), and
// what a 200 with `ok: false` means.
import { standardGrant } from '../../connections/oauth2.ts'
import type { ErrorClass, ProviderHooks } from '../types.ts'

/** Web API `error` codes that say the token itself is gone (revoked, uninstalled, deactivated). */
const deadTokenErrors = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'account_inactive',
])

export const slackHooks: ProviderHooks = {
  /**
   * The standard grant (bot token, rotation fields) with the team as the external org and the
   * installing user (`authed_user.id`) as the external user.
   */
  readTokenResponse(response, context) {
    const grant = standardGrant(response, context)
    return Promise.resolve({
      ...grant,
      externalOrgId: grant.metadata.team_id ?? null,
      externalUserId: grant.metadata.authed_user_id ?? null,
    })
  },
  /** `token_expired` → refresh; a dead token → reauth; anything else → the spec's statuses. */
  async classifyError(response): Promise<ErrorClass | undefined> {
    if (!response.headers.get('content-type')?.includes('json')) return undefined
    const body = await response.clone().json().catch(() => undefined) as
      | { ok?: unknown; error?: unknown }
      | undefined
    if (body?.ok !== false || typeof body.error !== 'string') return undefined
    if (body.error === 'token_expired') return 'auth_expired'
    if (deadTokenErrors.has(body.error)) return 'dead_grant'
    if (body.error === 'ratelimited') return 'rate_limited'
    return response.ok ? 'other' : undefined
  },
}
