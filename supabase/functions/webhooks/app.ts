// The webhooks function: `POST /:provider` receives a provider's change notifications. There is
// no JWT (verify_jwt = false: providers send none); each delivery is authenticated by the
// provider's own signature, checked against the public URL it was sent to. Verified events only
// make the named objects' syncs due now; the sync reads the records as always.
import { z } from 'zod'
import { createApp } from '../_shared/http/app.ts'
import { validate } from '../_shared/http/validate.ts'
import { receiveWebhook } from '../_shared/webhooks/receive.ts'
import { publicWebhookUrl } from '../_shared/webhooks/receiver.ts'
import { docs } from './openapi.ts'

export const app = createApp('webhooks')

const params = z.object({ provider: z.string().regex(/^[a-z0-9_-]{1,40}$/) })

app.post('/:provider', docs.receive, validate('param', params), async (c) => {
  // The raw bytes: the signature covers them, not a re-serialisation of the parsed JSON.
  const body = new Uint8Array(await c.req.arrayBuffer())
  const { receipt, response } = await receiveWebhook(c.req.valid('param').provider, {
    method: c.req.method,
    url: publicWebhookUrl(c.req.url),
    headers: c.req.raw.headers,
    body,
    now: Date.now(),
  }, c.var.log)
  return response ?? c.json(receipt)
})
