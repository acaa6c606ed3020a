// Which app an integration uses: its own (from Vault) when it has one, else the server's (named
// by the spec's envClient variables). The code exchange and every refresh ask here, so they can
// never disagree.
import type { Tx } from '../db/client.ts'
import type { ClientCredentials } from '../oauth/token-client.ts'
import type { ProviderSpec } from '../providers/types.ts'
import { ClientNotConfiguredError } from './errors.ts'
import { readClient } from './store.ts'

/** The server's own app for `spec`, from the environment variables its spec names. */
export function serverClient(spec: ProviderSpec): ClientCredentials | undefined {
  if (!spec.envClient) return undefined
  const clientId = Deno.env.get(spec.envClient.clientId)
  if (!clientId) return undefined
  return { clientId, clientSecret: Deno.env.get(spec.envClient.clientSecret) || undefined }
}

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
  spec: ProviderSpec,
): Promise<ClientCredentials> {
  const own = await readClient(tx, integrationId)
  if (own) return own
  const server = serverClient(spec)
  if (server) return server
  throw new ClientNotConfiguredError(spec.displayName)
}
