// The alerts function's routes: owners and admins register signed webhooks for their business,
// rotate their secrets, send a test event and read the delivery log.
import { z } from 'zod'
import { deliverAlertNow } from '../_shared/alerts/deliver.ts'
import { enqueueTestEvent, listDeliveries, readDelivery } from '../_shared/alerts/deliveries.ts'
import { webhookUrlProblem } from '../_shared/alerts/webhook-url.ts'
import {
  deleteWebhook,
  listWebhooks,
  registerWebhook,
  rotateWebhookSecret,
  updateWebhook,
} from '../_shared/alerts/webhooks.ts'
import { getConfig } from '../_shared/config.ts'
import { createApp } from '../_shared/http/app.ts'
import { requireUser } from '../_shared/http/auth.ts'
import { rateLimit } from '../_shared/http/rate-limit.ts'
import { validate } from '../_shared/http/validate.ts'
import { docs } from './openapi.ts'

const webhookUrl = z.string().trim().max(2000).superRefine((value, ctx) => {
  const problem = webhookUrlProblem(value, getConfig('alerts').ALERTS_ALLOW_INSECURE_URLS)
  if (problem) ctx.addIssue({ code: 'custom', message: `url ${problem}` })
})
// A caller's own secret must be as hard to guess as ours (32 bytes): at least 32 characters.
const webhookSecret = z.string().min(32).max(256).regex(
  /^[\x21-\x7e]+$/,
  'must be printable ASCII without spaces',
)
const idParam = z.object({ id: z.uuid() })
const businessQuery = z.strictObject({ business_id: z.uuid() })

// Responses that carry a secret must not be kept by any cache on the way.
const noStore = { 'cache-control': 'no-store' }

// Every route needs a signed-in caller, counted against the alerts bucket; `use` returns the app
// typed with the caller's claims.
export const app = createApp('alerts').use(requireUser(), rateLimit('alerts'))

app.post(
  '/webhooks',
  docs.register,
  validate(
    'json',
    z.strictObject({
      business_id: z.uuid(),
      url: webhookUrl,
      secret: webhookSecret.optional(),
      enabled: z.boolean().optional(),
    }),
  ),
  async (c) => c.json(await registerWebhook(c.var.claims, c.req.valid('json')), 201, noStore),
)

app.get('/webhooks', docs.list, validate('query', businessQuery), async (c) => {
  const webhooks = await listWebhooks(c.var.claims, c.req.valid('query').business_id)
  return c.json({ webhooks })
})

app.patch(
  '/webhooks/:id',
  docs.update,
  validate('param', idParam),
  validate(
    'json',
    z.strictObject({ url: webhookUrl.optional(), enabled: z.boolean().optional() }).refine(
      (changes) => changes.url !== undefined || changes.enabled !== undefined,
      'give url or enabled',
    ),
  ),
  async (c) => {
    const webhook = await updateWebhook(c.var.claims, c.req.valid('param').id, c.req.valid('json'))
    return c.json({ webhook })
  },
)

app.post(
  '/webhooks/:id/rotate-secret',
  docs.rotate,
  validate('param', idParam),
  validate('json', z.strictObject({ secret: webhookSecret.optional() })),
  async (c) => {
    const { id } = c.req.valid('param')
    const rotated = await rotateWebhookSecret(c.var.claims, id, c.req.valid('json').secret)
    return c.json(rotated, 200, noStore)
  },
)

app.delete('/webhooks/:id', docs.remove, validate('param', idParam), async (c) => {
  await deleteWebhook(c.var.claims, c.req.valid('param').id)
  return c.body(null, 204)
})

app.post('/webhooks/:id/test', docs.test, validate('param', idParam), async (c) => {
  const deliveryId = await enqueueTestEvent(c.var.claims, c.req.valid('param').id)
  await deliverAlertNow(deliveryId)
  return c.json({ delivery: await readDelivery(c.var.claims, deliveryId) })
})

app.get(
  '/deliveries',
  docs.deliveries,
  validate(
    'query',
    z.strictObject({
      business_id: z.uuid(),
      webhook_id: z.uuid().optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      before: z.string().regex(/^[0-9]{1,18}$/).optional(),
    }),
  ),
  async (c) => c.json({ deliveries: await listDeliveries(c.var.claims, c.req.valid('query')) }),
)
