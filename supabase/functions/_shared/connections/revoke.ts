// Letting go of a grant at the provider: the provider's revoke hook when it has a quirk
// (HubSpot's DELETE of the refresh token), else RFC 7009 at the spec's revokeUrl, else nothing.
import { asService } from '../db/as-user.ts'
import { oauthUrls } from '../providers/urls.ts'
import { resolveClientCredentials } from './client-credentials.ts'
import { hookContext } from './authorized-fetch.ts'
import { type Connection, loadConnectionIn } from './load.ts'
import { revokeAt } from './oauth2.ts'

/**
 * Revokes what `connection` holds: the refresh token (which kills every access token issued
 * from it), or the access token when there is no refresh token.
 */
export async function revokeGrantOf(
  connection: Connection,
): Promise<'revoked' | 'already_invalid' | 'not_supported'> {
  const { provider, tokens } = connection
  if (provider.hooks.revoke) return await provider.hooks.revoke(hookContext(connection))
  const token = tokens.refresh_token ?? tokens.access_token
  if (!token) return 'not_supported'
  return await revokeAt(oauthUrls(provider, connection.config).revokeUrl, token, {
    spec: provider.spec,
    client: connection.client,
  })
}

/**
 * Revokes the integration's stored grant; `no_tokens` when it holds none.
 *
 * @throws {OAuthTokenError | ProviderError} when the provider refused or failed.
 */
export async function revokeConnection(
  integrationId: string,
): Promise<'revoked' | 'already_invalid' | 'not_supported' | 'no_tokens'> {
  const connection = await asService(async (tx) => {
    const connection = await loadConnectionIn(tx, integrationId)
    // Revocation may need the app the grant was issued to (RFC 7009 §2.1; GitHub's grant DELETE).
    if (connection && !connection.client && connection.provider.spec.authMode === 'oauth2') {
      connection.client = await resolveClientCredentials(
        tx,
        integrationId,
        connection.provider.spec,
      )
        .catch(() => undefined)
    }
    return connection
  })
  if (!connection) return 'no_tokens'
  return await revokeGrantOf(connection)
}
