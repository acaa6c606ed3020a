// The contacts function's routes: browse a connected org live, list synced contacts, and import
// Salesforce Contacts as campaign leads. Every route needs a signed-in user and is rate limited.
import { Hono } from 'hono'
import { browseRemoteContacts } from '../_shared/contacts/browse-remote.ts'
import { importLeads } from '../_shared/contacts/import-leads.ts'
import { listSyncedContacts } from '../_shared/contacts/list-synced.ts'
import {
  importBodySchema,
  integrationParamSchema,
  remoteQuerySchema,
  syncedQuerySchema,
} from '../_shared/contacts/schemas.ts'
import { asUser } from '../_shared/db/as-user.ts'
import { createApp } from '../_shared/http/app.ts'
import { requireUser, type UserEnv } from '../_shared/http/auth.ts'
import { rateLimit } from '../_shared/http/rate-limit.ts'
import { validate } from '../_shared/http/validate.ts'
import { docs } from './openapi.ts'

export const app = createApp('contacts')

// A router of its own so the handlers see the user's claims in their types; errors and unknown
// paths still go to the app's one onError and notFound.
const routes = new Hono<UserEnv>()
routes.use('*', requireUser(), rateLimit('contacts'))

routes.get(
  '/:integrationId/remote',
  docs.remote,
  validate('param', integrationParamSchema),
  validate('query', remoteQuerySchema),
  async (c) => {
    const { integrationId } = c.req.valid('param')
    return c.json(await browseRemoteContacts(c.var.claims, integrationId, c.req.valid('query')))
  },
)

routes.get('/', docs.synced, validate('query', syncedQuerySchema), async (c) => {
  const query = c.req.valid('query')
  return c.json(await asUser(c.var.claims, (tx) => listSyncedContacts(tx, query)))
})

routes.post('/import', docs.import, validate('json', importBodySchema), async (c) => {
  return c.json(await importLeads(c.var.claims, c.req.valid('json')))
})

app.route('/', routes)
