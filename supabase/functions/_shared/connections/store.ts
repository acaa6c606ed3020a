// SQL wrappers over the private Vault-backed credential functions. `tx` must come from asService.
import type { Tx } from '../db/client.ts'
import type { ClientCredentials } from '../oauth/token-client.ts'
import { type StoredTokens, storedTokensSchema } from '../providers/types.ts'

/** Saves the whole token set in one Vault write; returns the new token version. */
export async function saveTokens(
  tx: Tx,
  integrationId: string,
  tokens: StoredTokens,
): Promise<number> {
  const [row] = await tx<{ version: string }[]>`
    select private.save_integration_tokens(${integrationId}, ${tx.json(tokens)}) as version`
  return Number(row.version)
}

/** The stored token set and its version, or undefined when the integration has none. */
export async function readTokens(
  tx: Tx,
  integrationId: string,
): Promise<{ tokens: StoredTokens; version: number } | undefined> {
  const [row] = await tx<{ tokens: unknown; token_version: string }[]>`
    select tokens, token_version from private.read_integration_tokens(${integrationId})`
  if (!row) return undefined
  return { tokens: storedTokensSchema.parse(row.tokens), version: Number(row.token_version) }
}

/** Deletes the token secret from Vault (the tenant's own client credentials stay). */
export async function deleteTokens(tx: Tx, integrationId: string): Promise<void> {
  await tx`select private.delete_integration_tokens(${integrationId})`
}

/** Stores a tenant's own connected app in Vault; marks the integration `uses_own_client`. */
export async function saveClient(
  tx: Tx,
  integrationId: string,
  client: ClientCredentials,
): Promise<void> {
  await tx`
    select private.save_integration_client(
      ${integrationId}, ${client.clientId}, ${client.clientSecret ?? null})`
}

/** The tenant's own connected app, or undefined when it brought none. */
export async function readClient(
  tx: Tx,
  integrationId: string,
): Promise<ClientCredentials | undefined> {
  const [row] = await tx<{ client_id: string | null; client_secret: string | null }[]>`
    select client_id, client_secret from private.read_integration_client(${integrationId})`
  if (!row?.client_id) return undefined
  return { clientId: row.client_id, clientSecret: row.client_secret ?? undefined }
}
