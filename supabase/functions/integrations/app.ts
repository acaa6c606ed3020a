// The integrations function's routes: a signed-in user's businesses, and their CRM integrations
// (create, list, read, change, disconnect, events, sync health and run history, the objects and
// fields the connected account offers, each object's configuration, health and runs). Handlers
// validate and delegate to _shared.
import { asUser } from '../_shared/db/as-user.ts'
import { createApp } from '../_shared/http/app.ts'
import { requireUser } from '../_shared/http/auth.ts'
import { rateLimit } from '../_shared/http/rate-limit.ts'
import { validate } from '../_shared/http/validate.ts'
import { loadIntegrationFor } from '../_shared/tenancy/access.ts'
import { disconnectIntegration } from '../_shared/integrations/disconnect.ts'
import { listSyncRuns, readIntegrationHealth } from '../_shared/integrations/health.ts'
import { toIntegrationJson } from '../_shared/integrations/integration-view.ts'
import {
  createIntegration,
  getIntegration,
  listIntegrationEvents,
  listIntegrations,
  updateIntegration,
} from '../_shared/integrations/manage.ts'
import { listCallerBusinesses } from '../_shared/tenancy/businesses.ts'
import {
  putObjectConfiguration,
  readObjectConfiguration,
} from '../_shared/objects/configuration.ts'
import { listObjectRuns, readObjectHealth } from '../_shared/objects/health.ts'
import { listAvailableObjects, listObjectFields } from '../_shared/objects/listing.ts'
import { storeCredentials } from '../_shared/connect/store-credentials.ts'
import {
  clientOf,
  createIntegrationBody,
  credentialsBody,
  describeQuery,
  disconnectQuery,
  eventsQuery,
  integrationParams,
  listQuery,
  objectConfigurationBody,
  objectParams,
  runsQuery,
  updateIntegrationBody,
} from './schemas.ts'
import { docs } from './openapi.ts'

// Every route is a signed-in user's, counted against the integrations rate limit.
export const app = createApp('integrations').use(requireUser(), rateLimit('integrations'))

/** Only uuid-shaped ids reach the `:id` routes: any other path is an unknown route (404). */
const byId = '/:id{[0-9a-fA-F-]{36}}'

app.get('/businesses', docs.businesses, async (c) => {
  const businesses = await asUser(c.var.claims, listCallerBusinesses)
  return c.json({ businesses })
})

app.post(
  '/',
  docs.create,
  validate('json', createIntegrationBody),
  async (c) => {
    const { client_id: _, client_secret: __, ...body } = c.req.valid('json')
    const integration = await createIntegration(c.var.claims, {
      ...body,
      client: clientOf(c.req.valid('json')),
    })
    return c.json({ integration: toIntegrationJson(integration) }, 201)
  },
)

app.get('/', docs.list, validate('query', listQuery), async (c) => {
  const rows = await listIntegrations(c.var.claims, c.req.valid('query').business_id)
  return c.json({ integrations: rows.map(toIntegrationJson) })
})

app.get(
  byId,
  docs.read,
  validate('param', integrationParams),
  async (c) => {
    const integration = await getIntegration(c.var.claims, c.req.valid('param').id)
    return c.json({ integration: toIntegrationJson(integration) })
  },
)

app.patch(
  byId,
  docs.update,
  validate('param', integrationParams),
  validate('json', updateIntegrationBody),
  async (c) => {
    const { client_id: _, client_secret: __, ...changes } = c.req.valid('json')
    const integration = await updateIntegration(c.var.claims, c.req.valid('param').id, {
      ...changes,
      client: clientOf(c.req.valid('json')),
    })
    return c.json({ integration: toIntegrationJson(integration) })
  },
)

app.put(
  `${byId}/credentials`,
  docs.credentials,
  validate('param', integrationParams),
  validate('json', credentialsBody),
  async (c) => {
    const { id } = c.req.valid('param')
    await storeCredentials(c.var.claims, id, c.req.valid('json'))
    // The keys are not in the answer: only the integration, now active.
    c.header('Cache-Control', 'no-store')
    const integration = await getIntegration(c.var.claims, id)
    return c.json({ integration: toIntegrationJson(integration) })
  },
)

app.delete(
  byId,
  docs.disconnect,
  validate('param', integrationParams),
  validate('query', disconnectQuery),
  async (c) => {
    const { id } = c.req.valid('param')
    const current = await loadIntegrationFor(c.var.claims, id, { admin: true })
    const purge = c.req.valid('query').purge === 'true'
    await disconnectIntegration(current, c.var.userId, { purge }, c.var.log)
    const integration = await getIntegration(c.var.claims, id)
    return c.json({ integration: toIntegrationJson(integration) })
  },
)

app.get(
  `${byId}/events`,
  docs.events,
  validate('param', integrationParams),
  validate('query', eventsQuery),
  async (c) => {
    const events = await listIntegrationEvents(
      c.var.claims,
      c.req.valid('param').id,
      c.req.valid('query'),
    )
    return c.json({ events })
  },
)

app.get(`${byId}/health`, docs.health, validate('param', integrationParams), async (c) => {
  const health = await readIntegrationHealth(c.var.claims, c.req.valid('param').id)
  return c.json({ health })
})

app.get(
  `${byId}/runs`,
  docs.runs,
  validate('param', integrationParams),
  validate('query', runsQuery),
  async (c) => {
    const page = await listSyncRuns(c.var.claims, c.req.valid('param').id, c.req.valid('query'))
    return c.json(page)
  },
)

/** Object names after `:id/objects/`: a key or an API name (others are unknown routes). */
const byObject = `${byId}/objects/:object{[A-Za-z][A-Za-z0-9_]{0,79}}`

app.get(
  `${byId}/objects`,
  docs.objects,
  validate('param', integrationParams),
  validate('query', describeQuery),
  async (c) => {
    const refresh = c.req.valid('query').refresh === 'true'
    return c.json(await listAvailableObjects(c.var.claims, c.req.valid('param').id, { refresh }))
  },
)

app.get(
  `${byObject}/fields`,
  docs.objectFields,
  validate('param', objectParams),
  validate('query', describeQuery),
  async (c) => {
    const { id, object } = c.req.valid('param')
    const refresh = c.req.valid('query').refresh === 'true'
    return c.json(await listObjectFields(c.var.claims, id, object, { refresh }))
  },
)

app.get(byObject, docs.objectConfiguration, validate('param', objectParams), async (c) => {
  const { id, object } = c.req.valid('param')
  return c.json({ configuration: await readObjectConfiguration(c.var.claims, id, object) })
})

app.put(
  byObject,
  docs.putObjectConfiguration,
  validate('param', objectParams),
  validate('json', objectConfigurationBody),
  async (c) => {
    const { id, object } = c.req.valid('param')
    const configuration = await putObjectConfiguration(
      c.var.claims,
      id,
      object,
      c.req.valid('json'),
    )
    return c.json({ configuration })
  },
)

app.get(`${byObject}/health`, docs.objectHealth, validate('param', objectParams), async (c) => {
  const { id, object } = c.req.valid('param')
  return c.json({ health: await readObjectHealth(c.var.claims, id, object) })
})

app.get(
  `${byObject}/runs`,
  docs.objectRuns,
  validate('param', objectParams),
  validate('query', runsQuery),
  async (c) => {
    const { id, object } = c.req.valid('param')
    return c.json(await listObjectRuns(c.var.claims, id, object, c.req.valid('query')))
  },
)
