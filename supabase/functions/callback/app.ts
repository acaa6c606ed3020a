// The callback function: the provider sends the browser here after the user allowed or denied
// access. No JWT (the browser has none for us): the single-use state row authenticates.
import { z } from 'zod'
import { completeAuthorization } from '../_shared/connect/complete-authorization.ts'
import { createApp } from '../_shared/http/app.ts'
import { validate } from '../_shared/http/validate.ts'
import { getProvider } from '../_shared/providers/registry.ts'
import { docs } from './openapi.ts'

export const app = createApp('callback')

const params = z.object({ provider: z.string().max(40) })
// Providers may add parameters of their own (Salesforce: sfdc_community_url); they are ignored.
const query = z.object({
  code: z.string().min(1).max(4096).optional(),
  state: z.string().max(256).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
})

app.get(
  '/:provider',
  docs.callback,
  validate('param', params),
  validate('query', query),
  async (c) => {
    const { code, state, error } = c.req.valid('query')
    const location = await completeAuthorization(
      { provider: getProvider(c.req.valid('param').provider), code, state, error },
      c.var.log,
    )
    // The callback URL held a code: keep it out of caches and out of the next page's Referer.
    c.header('Cache-Control', 'no-store')
    c.header('Referrer-Policy', 'no-referrer')
    return c.redirect(location, 302)
  },
)
