// What GitHub's data cannot say: revocation is a DELETE of the app's grant, authenticated as the
// app, with the token in a JSON body.
import { revokeOutcome } from '../hook-responses.ts'
import type { ProviderHooks } from '../types.ts'

function basic(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`)
  return `Basic ${btoa(String.fromCharCode(...bytes))}`
}

export const githubHooks: ProviderHooks = {
  /**
   * `DELETE /applications/{client_id}/grant` with `{access_token}` (docs topic "OAuth
   * authorizations": delete an app authorization): every token of the grant dies. Needs the
   * app's secret; without it there is nothing we can call.
   */
  async revoke(context) {
    const token = context.tokens.access_token
    const client = context.client
    if (!token || !client?.clientSecret) return 'not_supported'
    const url = `${context.apiBaseUrl}/applications/${encodeURIComponent(client.clientId)}/grant`
    const response = await context.plainFetch(url, {
      method: 'DELETE',
      headers: {
        authorization: basic(client.clientId, client.clientSecret),
        accept: 'application/vnd.github+json',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ access_token: token }),
    })
    return await revokeOutcome(response, 'GitHub')
  },
}
