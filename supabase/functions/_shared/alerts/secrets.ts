// Webhook signing secrets: generated from 32 random bytes, kept in Vault behind the private
// definer functions, readable by the service only (to sign), shown to a user once.
import type { Tx } from '../db/client.ts'

/** Prefix that makes a leaked secret recognisable (and greppable by secret scanners). */
const secretPrefix = 'whsec_'

/** A new signing secret: `whsec_` and 32 random bytes in base64url (43 characters). */
export function generateWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  const base64 = btoa(String.fromCharCode(...bytes))
  return secretPrefix + base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Stores or replaces the webhook's secret in Vault. `tx` must come from `asService`. */
export async function saveWebhookSecret(tx: Tx, webhookId: string, secret: string): Promise<void> {
  await tx`select private.save_webhook_secret(${webhookId}, ${secret})`
}

/**
 * The signing secrets of `webhookIds`, by webhook id, in one statement; a webhook without a
 * secret is absent. `tx` must come from `asService`.
 */
export async function readWebhookSecrets(
  tx: Tx,
  webhookIds: string[],
): Promise<Map<string, string>> {
  const rows = await tx<{ webhook_id: string; secret: string | null }[]>`
    select id as webhook_id, private.read_webhook_secret(id) as secret
      from unnest(${webhookIds}::uuid[]) as id`
  return new Map(
    rows.filter((row) => row.secret !== null).map((row) => [row.webhook_id, row.secret!]),
  )
}
