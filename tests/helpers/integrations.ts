// Integration fixtures written through the admin connection, as if a connect flow had run.
import type { AdminSql } from './test-db.ts'
import type { SandboxTokenResponse } from './salesforce-sandbox.ts'

/** Inserts a Salesforce integration of a business; returns its id. */
export async function createIntegration(
  sql: AdminSql,
  { businessId, createdBy, name, environment = 'production' }: {
    businessId: string
    createdBy: string
    name?: string
    environment?: 'production' | 'sandbox'
  },
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into public.integrations (business_id, provider, name, environment, created_by)
    values (${businessId}, 'salesforce', ${name ?? `Org ${crypto.randomUUID().slice(0, 8)}`},
            ${environment}, ${createdBy})
    returning id`
  return row.id
}

/** Stores a token response in Vault and marks the integration active, as the callback would. */
export async function storeConnection(
  sql: AdminSql,
  integrationId: string,
  tokens: SandboxTokenResponse,
): Promise<void> {
  const stored = {
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    instance_url: tokens.instance_url,
    issued_at: Number(tokens.issued_at),
  }
  await sql`select private.save_integration_tokens(${integrationId}, ${sql.json(stored)})`
  await sql`
    update public.integrations set status = 'active', instance_url = ${tokens.instance_url},
           connected_at = now()
     where id = ${integrationId}`
}

/** The token set in Vault and its version, read as the service would. */
export async function readStoredTokens(
  sql: AdminSql,
  integrationId: string,
): Promise<{ tokens: Record<string, unknown>; version: number } | undefined> {
  const [row] = await sql<{ tokens: Record<string, unknown>; token_version: string }[]>`
    select tokens, token_version from private.read_integration_tokens(${integrationId})`
  return row ? { tokens: row.tokens, version: Number(row.token_version) } : undefined
}

/** Event types of an integration, oldest first. */
export async function eventTypes(sql: AdminSql, integrationId: string): Promise<string[]> {
  const rows = await sql<{ type: string }[]>`
    select type from public.integration_events where integration_id = ${integrationId} order by id`
  return rows.map((row) => row.type)
}
