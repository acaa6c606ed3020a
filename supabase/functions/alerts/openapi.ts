// What the alerts routes answer, for the OpenAPI document (and the typed client).
import { z } from 'zod'
import { bigintId, id, jsonObject, timestamp } from '../_shared/http/openapi/json-types.ts'
import { describeRoute } from '../_shared/http/openapi/route-docs.ts'

const webhook = z.object({
  id,
  business_id: id,
  url: z.string(),
  enabled: z.boolean(),
  created_by: id.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
}).meta({ id: 'AlertWebhook' })

const withSecret = z.object({
  webhook,
  secret: z.string().meta({ description: 'The signing secret; shown this once' }),
})

const delivery = z.object({
  id: bigintId,
  webhook_id: id,
  integration_id: id.nullable(),
  event_type: z.string(),
  payload: jsonObject,
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  next_attempt_at: timestamp,
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  delivered_at: timestamp.nullable(),
  created_at: timestamp,
  attempt_log: z.array(jsonObject),
}).meta({ id: 'AlertDelivery' })

const manage = ['not_found', 'forbidden'] as const

export const docs = {
  register: describeRoute({
    summary: 'Register a signed webhook (owners, admins)',
    responses: { 201: { description: 'The webhook and its secret (no-store)', body: withSecret } },
    errors: [...manage],
  }),
  list: describeRoute({
    summary: "A business's webhooks (owners, admins)",
    responses: {
      200: { description: 'Webhooks', body: z.object({ webhooks: z.array(webhook) }) },
    },
    errors: [...manage],
  }),
  update: describeRoute({
    summary: 'Change the URL or enable/disable (owners, admins)',
    responses: { 200: { description: 'The webhook', body: z.object({ webhook }) } },
    errors: [...manage],
  }),
  rotate: describeRoute({
    summary: 'Replace the signing secret (owners, admins)',
    responses: {
      200: { description: 'The webhook and its new secret (no-store)', body: withSecret },
    },
    errors: [...manage],
  }),
  remove: describeRoute({
    summary: 'Delete a webhook and its delivery log (owners, admins)',
    responses: { 204: { description: 'Deleted' } },
    errors: [...manage],
  }),
  test: describeRoute({
    summary: 'Send a test event now and return its delivery (owners, admins)',
    responses: { 200: { description: 'The delivery', body: z.object({ delivery }) } },
    errors: [...manage, 'conflict'],
  }),
  deliveries: describeRoute({
    summary: "A business's delivery log, newest first (owners, admins)",
    responses: {
      200: { description: 'Deliveries', body: z.object({ deliveries: z.array(delivery) }) },
    },
    errors: [...manage],
  }),
}
