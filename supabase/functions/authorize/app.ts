// The authorize function: an owner or admin asks for the provider URL that connects an
// integration; the browser goes there next.
import { z } from 'zod'
import { startAuthorization } from '../_shared/connect/start-authorization.ts'
import { createApp } from '../_shared/http/app.ts'
import { requireUser } from '../_shared/http/auth.ts'
import { rateLimit } from '../_shared/http/rate-limit.ts'
import { validate } from '../_shared/http/validate.ts'
import { getProvider } from '../_shared/providers/registry.ts'
import { docs } from './openapi.ts'

export const app = createApp('authorize')

const params = z.object({ provider: z.string().max(40) })
const query = z.object({ integration_id: z.guid(), redirect_to: z.string().min(1).max(2000) })

app.get(
  '/:provider',
  docs.authorize,
  requireUser(),
  rateLimit('authorize'),
  validate('param', params),
  validate('query', query),
  async (c) => {
    const { integration_id, redirect_to } = c.req.valid('query')
    const url = await startAuthorization({
      claims: c.var.claims,
      provider: getProvider(c.req.valid('param').provider),
      integrationId: integration_id,
      redirectTo: redirect_to,
    })
    // The URL carries a live state: no cache may keep it.
    c.header('Cache-Control', 'no-store')
    return c.json({ url })
  },
)
