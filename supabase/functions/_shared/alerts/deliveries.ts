// The delivery log of a business, and the test event owners send to check their endpoint.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { asService, asUser } from '../db/as-user.ts'
import { ConflictError } from '../http/errors.ts'
import { assertCanManageAlerts, assertCanManageWebhook } from './access.ts'

/** One delivery as the log shows it: what was sent, and how each attempt went. */
export interface AlertDelivery {
  /** A bigint, sent as a string so JSON keeps every digit. */
  id: string
  webhook_id: string
  integration_id: string | null
  event_type: string
  payload: Record<string, unknown>
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  next_attempt_at: Date
  last_status_code: number | null
  last_error: string | null
  delivered_at: Date | null
  created_at: Date
  attempt_log: Array<Record<string, unknown>>
}

// postgres.js returns int8 as a string, which is what the API sends.
const deliveryColumns = [
  'id',
  'webhook_id',
  'integration_id',
  'event_type',
  'payload',
  'status',
  'attempts',
  'next_attempt_at',
  'last_status_code',
  'last_error',
  'delivered_at',
  'created_at',
  'attempt_log',
]

/**
 * The business's deliveries, newest first, `limit` at a time; pass the last id seen as `before`
 * for the next page. RLS shows the log to owners and admins only.
 */
export async function listDeliveries(
  claims: UserClaims,
  query: { business_id: string; webhook_id?: string; limit: number; before?: string },
): Promise<AlertDelivery[]> {
  return await asUser(claims, async (tx) => {
    await assertCanManageAlerts(tx, query.business_id)
    return await tx<AlertDelivery[]>`
      select ${tx(deliveryColumns)} from public.alert_deliveries
       where business_id = ${query.business_id}
         and (${query.webhook_id ?? null}::uuid is null or webhook_id = ${query.webhook_id ?? null})
         and (${query.before ?? null}::bigint is null or id < ${query.before ?? null}::bigint)
       order by id desc
       limit ${query.limit}`
  })
}

/** Reads one delivery as the caller, after it was worked. */
export async function readDelivery(claims: UserClaims, deliveryId: string): Promise<AlertDelivery> {
  return await asUser(claims, async (tx) => {
    const [row] = await tx<AlertDelivery[]>`
      select ${tx(deliveryColumns)} from public.alert_deliveries where id = ${deliveryId}`
    return row
  })
}

/**
 * Queues a `test` event for the webhook and returns its delivery id. Tenants cannot write
 * deliveries, so the row is inserted as the service once the caller is known to manage it.
 *
 * @throws {ConflictError} when the webhook is disabled: a test would not be sent.
 */
export async function enqueueTestEvent(claims: UserClaims, webhookId: string): Promise<string> {
  const businessId = await asUser(claims, async (tx) => {
    const business = await assertCanManageWebhook(tx, webhookId)
    const [webhook] = await tx<{ enabled: boolean }[]>`
      select enabled from public.alert_webhooks where id = ${webhookId}`
    if (!webhook?.enabled) throw new ConflictError('The webhook is disabled; enable it to test it')
    return business
  })
  const payload = {
    id: `evt_test_${crypto.randomUUID()}`,
    type: 'test',
    created_at: new Date().toISOString(),
    business_id: businessId,
    summary:
      'A test event, sent on request to check that the endpoint receives and verifies alerts.',
    integration: null,
    data: {},
  }
  return await asService(async (tx) => {
    const [row] = await tx<{ id: string }[]>`
      insert into public.alert_deliveries (business_id, webhook_id, event_type, payload)
      values (${businessId}, ${webhookId}, 'test', ${tx.json(payload)})
      returning id::text`
    return row.id
  })
}
