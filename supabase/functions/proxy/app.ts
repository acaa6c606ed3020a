// The proxy function's one route: `ANY /proxy/:integrationId/<path>` calls the connected
// provider's API with the integration's credentials, so a tenant's app never holds a token.
import { Hono } from 'hono'
import { z } from 'zod'
import { createApp } from '../_shared/http/app.ts'
import { requireUser, type UserEnv } from '../_shared/http/auth.ts'
import { rateLimit } from '../_shared/http/rate-limit.ts'
import { validate } from '../_shared/http/validate.ts'
import { proxyMethods, proxyRequest } from '../_shared/proxy/forward.ts'
import { rawPathAfter } from '../_shared/proxy/target.ts'
import { docs } from './openapi.ts'

export const app = createApp('proxy')

const routes = new Hono<UserEnv>()
// Per user (every function's limit), then per business inside proxyRequest, once the caller is
// known to belong to the integration's business.
routes.use('*', requireUser(), rateLimit('proxy'))

// GET also answers HEAD (Hono runs the GET route and drops the body); the method forwarded is
// the request's own. OPTIONS is CORS's preflight, answered before any route.
routes.on(
  proxyMethods.filter((method) => method !== 'HEAD'),
  '/:integrationId/*',
  docs.call,
  validate('param', z.object({ integrationId: z.guid() })),
  async (c) => {
    const { integrationId } = c.req.valid('param')
    // The path as it arrived: Hono's own view of it is percent-decoded.
    const { path, query } = rawPathAfter(c.req.url, `/proxy/${integrationId}`)
    const hasBody = c.req.method !== 'GET' && c.req.method !== 'HEAD'
    return await proxyRequest({
      claims: c.var.claims,
      userId: c.var.userId,
      integrationId,
      method: c.req.method,
      rawPath: path,
      rawQuery: query,
      headers: c.req.raw.headers,
      // Already read and bounded (1 MiB) by the app's body limit when it had no length.
      body: hasBody ? await c.req.arrayBuffer() : null,
      signal: c.req.raw.signal,
    })
  },
)

app.route('/', routes)
