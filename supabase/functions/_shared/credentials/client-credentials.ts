// Which connected app an integration uses: its own (from Vault) when it has one, else the
// server's. Both the code exchange and every refresh ask here, so they can never disagree.
import type { Tx } from '../db/client.ts'
import type { ClientCredentials } from '../oauth/token-client.ts'
import type { OAuthProvider } from '../providers/types.ts'
import { ClientNotConfiguredError } from './errors.ts'
import { readClient } from './vault.ts'

/**
 * The client credentials for `integrationId`. A token issued to a tenant's own app can only be
 * refreshed by that app, which is why the refresh path must not fall back to the server's app
 * (the seed system did, and broke every tenant that brought its own).
 *
 * @throws {ClientNotConfiguredError} when neither the integration nor the server has one.
 */
export async function resolveClientCredentials(
  tx: Tx,
  integrationId: string,
  provider: OAuthProvider,
): Promise<ClientCredentials> {
  const own = await readClient(tx, integrationId)
  if (own) return own
  const server = provider.envClient()
  if (server) return server
  throw new ClientNotConfiguredError(provider.displayName)
}
