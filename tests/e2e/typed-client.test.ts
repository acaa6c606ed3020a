// The typed client generated from openapi.json, used as a frontend would: connect an integration,
// sync it, read its health, runs and contacts (live and synced) and its events, disconnect. Every
// answer is also checked against the document (typed-client.ts): types and server cannot drift.
import assert from 'node:assert/strict'
import {
  appUrl,
  clickOnApprovalPage,
  followCallback,
  rememberTokens,
  withWorld,
} from '../helpers/connect-world.ts'
import { typedClient } from '../helpers/typed-client.ts'

Deno.test('typed client: connect, sync now, health and runs, contacts synced and live, events, disconnect', async () => {
  await withWorld({}, async (world) => {
    const api = typedClient(world.gateway, () => world.gateway.mint({ sub: world.owner }))

    const created = await api.POST('/integrations', {
      body: { business_id: world.businessId, name: 'Typed' },
    })
    assert.equal(created.response.status, 201)
    const id = created.data!.integration.id
    assert.equal(created.data!.integration.status, 'inactive')

    const authorize = await api.GET('/authorize/{provider}', {
      params: {
        path: { provider: 'salesforce' },
        query: { integration_id: id, redirect_to: appUrl },
      },
    })
    assert.equal(authorize.response.status, 200)
    const callback = await clickOnApprovalPage(world, authorize.data!.url, 'Allow')
    const landing = await followCallback(world, callback)
    assert.equal(landing.origin + landing.pathname, appUrl)
    const completed = await api.POST('/callback/complete', {
      body: { ticket: landing.searchParams.get('ticket')! },
    })
    assert.equal(completed.response.status, 200)
    assert.equal(completed.data!.status, 'connected')
    assert.equal(completed.data!.integration.id, id)
    await rememberTokens(world, id)

    const read = await api.GET('/integrations/{id}', { params: { path: { id } } })
    assert.equal(read.data!.integration.status, 'active')

    const sync = await api.POST('/sync-cron/integrations/{id}', { params: { path: { id } } })
    assert.equal(sync.response.status, 200)
    assert.equal(sync.data!.run.status, 'succeeded')
    assert.equal(sync.data!.run.records_upserted, 5)

    const synced = await api.GET('/contacts', { params: { query: { integration_id: id } } })
    assert.equal(synced.data!.contacts.length, 5)
    assert.equal(synced.data!.next_cursor, null)

    const live = await api.GET('/contacts/{integrationId}/remote', {
      params: { path: { integrationId: id }, query: { limit: 2 } },
    })
    assert.equal(live.data!.contacts.length, 2)
    assert.ok(live.data!.next_cursor, 'a second page follows')

    const health = await api.GET('/integrations/{id}/health', { params: { path: { id } } })
    assert.equal(health.data!.health.contacts_active, 5)
    assert.equal(health.data!.health.error_streak, 0)
    const runs = await api.GET('/integrations/{id}/runs', { params: { path: { id } } })
    assert.equal(runs.data!.runs[0].status, 'succeeded')

    const events = await api.GET('/integrations/{id}/events', { params: { path: { id } } })
    assert.ok(events.data!.events.some((event) => event.type === 'connected'))

    const gone = await api.DELETE('/integrations/{id}', {
      params: { path: { id }, query: {} },
    })
    assert.equal(gone.data!.integration.status, 'disconnected')

    // Errors are typed too: the envelope with the codes the document lists for the route.
    const anonymous = typedClient(world.gateway, () => undefined)
    const unsigned = await anonymous.GET('/integrations/businesses')
    assert.equal(unsigned.response.status, 401)
    assert.equal(unsigned.error!.error.code, 'unauthorized')
    const stranger = typedClient(world.gateway, () => world.gateway.mint({ sub: world.stranger }))
    const refused = await stranger.GET('/integrations/{id}', { params: { path: { id } } })
    assert.equal(refused.response.status, 404)
    assert.equal(refused.error!.error.code, 'not_found')
  })
})
