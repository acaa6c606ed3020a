// Alert webhooks of a business: register, list, change, rotate the secret, delete. Rows are
// written as the caller (RLS decides); the secret goes to Vault as the service.
import { asService, asUser } from '../db/as-user.ts'
import type { UserClaims } from '../auth/verify-jwt.ts'
import type { Tx } from '../db/client.ts'
import { NotFoundError } from '../http/errors.ts'
import { assertCanManageAlerts, assertCanManageWebhook } from './access.ts'
import { generateWebhookSecret, saveWebhookSecret } from './secrets.ts'

/** A webhook as its owners see it; the secret is never part of it. */
export interface AlertWebhook {
  id: string
  business_id: string
  url: string
  enabled: boolean
  created_by: string | null
  created_at: Date
  updated_at: Date
}

/** A webhook with its signing secret, returned only by registration and rotation. */
export interface WebhookWithSecret {
  webhook: AlertWebhook
  secret: string
}

async function updateWebhookRow(
  tx: Tx,
  webhookId: string,
  changes: { url?: string; enabled?: boolean },
): Promise<AlertWebhook> {
  const [webhook] = await tx<AlertWebhook[]>`
    update public.alert_webhooks
       set url = coalesce(${changes.url ?? null}, url),
           enabled = coalesce(${changes.enabled ?? null}::boolean, enabled)
     where id = ${webhookId}
    returning id, business_id, url, enabled, created_by, created_at, updated_at`
  if (!webhook) throw new NotFoundError('Webhook not found')
  return webhook
}

/**
 * Registers a webhook for `businessId` with `secret`, or a generated one. The row is inserted as
 * the caller; the secret is stored as the service in a second transaction, and if that fails the
 * row is removed again, so no webhook is left that could never be signed for.
 */
export async function registerWebhook(
  claims: UserClaims,
  input: { business_id: string; url: string; secret?: string; enabled?: boolean },
): Promise<WebhookWithSecret> {
  const webhook = await asUser(claims, async (tx) => {
    await assertCanManageAlerts(tx, input.business_id)
    const [row] = await tx<AlertWebhook[]>`
      insert into public.alert_webhooks (business_id, url, enabled)
      values (${input.business_id}, ${input.url}, ${input.enabled ?? true})
      returning id, business_id, url, enabled, created_by, created_at, updated_at`
    return row
  })
  const secret = input.secret ?? generateWebhookSecret()
  try {
    await asService((tx) => saveWebhookSecret(tx, webhook.id, secret))
  } catch (error) {
    await asService((tx) => tx`delete from public.alert_webhooks where id = ${webhook.id}`)
    throw error
  }
  return { webhook, secret }
}

/** The business's webhooks, oldest first. */
export async function listWebhooks(
  claims: UserClaims,
  businessId: string,
): Promise<AlertWebhook[]> {
  return await asUser(claims, async (tx) => {
    await assertCanManageAlerts(tx, businessId)
    return await tx<AlertWebhook[]>`
      select id, business_id, url, enabled, created_by, created_at, updated_at
        from public.alert_webhooks
       where business_id = ${businessId}
       order by created_at, id`
  })
}

/** Changes the URL and/or enabled flag. */
export async function updateWebhook(
  claims: UserClaims,
  webhookId: string,
  changes: { url?: string; enabled?: boolean },
): Promise<AlertWebhook> {
  return await asUser(claims, async (tx) => {
    await assertCanManageWebhook(tx, webhookId)
    return await updateWebhookRow(tx, webhookId, changes)
  })
}

/**
 * Replaces the signing secret (with `secret`, or a generated one) and returns it once. From the
 * next attempt on, deliveries are signed with the new secret, pending retries included.
 */
export async function rotateWebhookSecret(
  claims: UserClaims,
  webhookId: string,
  secret = generateWebhookSecret(),
): Promise<WebhookWithSecret> {
  const webhook = await asUser(claims, async (tx) => {
    await assertCanManageWebhook(tx, webhookId)
    // Touching the row records when the secret last changed (updated_at) and re-checks RLS.
    return await updateWebhookRow(tx, webhookId, {})
  })
  await asService((tx) => saveWebhookSecret(tx, webhookId, secret))
  return { webhook, secret }
}

/** Deletes the webhook; its Vault secret and delivery log go with it (triggers, cascade). */
export async function deleteWebhook(claims: UserClaims, webhookId: string): Promise<void> {
  await asUser(claims, async (tx) => {
    await assertCanManageWebhook(tx, webhookId)
    const deleted = await tx`delete from public.alert_webhooks where id = ${webhookId} returning id`
    if (deleted.length === 0) throw new NotFoundError('Webhook not found')
  })
}
