// The callback function. `GET /:provider`: the provider sends the browser here after the user
// allowed or denied access; there is no JWT (the browser has none for us), the single-use state
// row authenticates, and the browser goes on to the app with a one-time ticket. `POST /complete`:
// the app, with the signed-in user's JWT, trades that ticket for the connection; only the user
// who started the flow can (this function verifies the JWT itself: verify_jwt is off for GET).
import { z } from 'zod'
import { completeAuthorization } from '../_shared/connect/complete-authorization.ts'
import { receiveCallback } from '../_shared/connect/receive-callback.ts'
import { createApp } from '../_shared/http/app.ts'
import { requireUser } from '../_shared/http/auth.ts'
import { rateLimit } from '../_shared/http/rate-limit.ts'
import { validate } from '../_shared/http/validate.ts'
import { loadIntegrationFor } from '../_shared/tenancy/access.ts'
import { toIntegrationJson } from '../_shared/integrations/integration-view.ts'
import { ticketPattern } from '../_shared/oauth/completion-ticket.ts'
import { getProvider } from '../_shared/providers/registry.ts'
import { docs } from './openapi.ts'

export const app = createApp('callback')

/**
 * Text whose characters are all printable, or also tab and line breaks with `lines`. U+0000
 * cannot be stored by Postgres (text or jsonb) and no provider sends control characters, so a
 * parameter holding one is refused here, before the state is touched: it stays usable.
 */
function printable(max: number, { lines = false } = {}) {
  const allowed = (code: number) =>
    code >= 0x20 && code !== 0x7f || (lines && (code === 0x09 || code === 0x0a || code === 0x0d))
  return z.string().max(max).refine(
    (value) => [...value].every((char) => allowed(char.codePointAt(0)!)),
    'must not contain control characters',
  )
}

const params = z.object({ provider: printable(40) })
// Providers may add parameters of their own (Salesforce: sfdc_community_url); they are ignored.
const query = z.object({
  code: printable(4096).pipe(z.string().min(1)).optional(),
  state: printable(256).optional(),
  error: printable(200).optional(),
  error_description: printable(2000, { lines: true }).optional(),
  // OAuth 1.0a (Trello): the request token and its verifier; a refusal's problem or token.
  oauth_token: printable(256).optional(),
  oauth_verifier: printable(256).optional(),
  oauth_problem: printable(200).optional(),
  denied: printable(256).optional(),
})
const completion = z.strictObject({ ticket: z.string().regex(ticketPattern) })

app.get(
  '/:provider',
  docs.callback,
  validate('param', params),
  validate('query', query),
  async (c) => {
    const q = c.req.valid('query')
    const location = await receiveCallback({
      provider: getProvider(c.req.valid('param').provider),
      code: q.code,
      state: q.state,
      error: q.error,
      oauthToken: q.oauth_token,
      oauthVerifier: q.oauth_verifier,
      oauthProblem: q.oauth_problem,
      denied: q.denied,
    }, c.var.log)
    // The callback URL held a code, the next one a ticket: keep both out of caches and out of
    // the next page's Referer.
    c.header('Cache-Control', 'no-store')
    c.header('Referrer-Policy', 'no-referrer')
    return c.redirect(location, 302)
  },
)

app.post(
  '/complete',
  docs.complete,
  requireUser(),
  rateLimit('callback'),
  validate('json', completion),
  async (c) => {
    const { integrationId } = await completeAuthorization(
      c.var.claims,
      c.req.valid('json').ticket,
      c.var.log,
    )
    const integration = await loadIntegrationFor(c.var.claims, integrationId, { admin: false })
    c.header('Cache-Control', 'no-store')
    return c.json({ status: 'connected', integration: toIntegrationJson(integration) })
  },
)
