// The integrations and authorize endpoints around a connection: tenant isolation (404 for
// another business, 403 for a member), disconnect with revocation and erasure, validation, the
// redirect allowlist, and responses that never carry a secret.
import assert from 'node:assert/strict'
import {
  appUrl,
  connectThroughBrowser,
  createIntegration,
  integrationRow,
  rememberTokens,
  withWorld,
  type World,
} from '../helpers/connect-world.ts'
import { setEnv } from '../helpers/env.ts'
import { eventTypes, readStoredTokens } from '../helpers/integrations.ts'
import { invoke, supabaseAs } from '../helpers/supabase-client.ts'

const json = (body: unknown): RequestInit => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

async function connected(world: World): Promise<string> {
  const id = await createIntegration(world)
  await connectThroughBrowser(world, id, 'Allow')
  await rememberTokens(world, id)
  return id
}

/** Every route that names an integration, as [method, path, body]. */
function routesOf(id: string): Array<[string, string, RequestInit]> {
  const authorize = new URLSearchParams({ integration_id: id, redirect_to: appUrl })
  return [
    ['GET', `/functions/v1/integrations/${id}`, {}],
    ['PATCH', `/functions/v1/integrations/${id}`, json({ name: 'Taken over' })],
    ['DELETE', `/functions/v1/integrations/${id}`, {}],
    ['DELETE', `/functions/v1/integrations/${id}?purge=true`, {}],
    ['GET', `/functions/v1/integrations/${id}/events`, {}],
    ['GET', `/functions/v1/authorize/salesforce?${authorize}`, {}],
  ]
}

/**
 * DELETE /integrations/<path> as the owner through supabase-js's functions.invoke, as the app's
 * "Disconnect" button does; the answer joins what the world checks for secrets.
 */
async function disconnect(world: World, path: string): Promise<Response> {
  const client = await supabaseAs(world.gateway, world.owner)
  const response = await invoke(client, `integrations/${path}`, { method: 'DELETE' })
  const text = await response.text()
  world.seen.push({ what: `DELETE ${path}`, text })
  return new Response(text, { status: response.status, headers: response.headers })
}

async function errorCode(response: Response): Promise<string> {
  return (await response.json()).error.code
}

Deno.test("integrations API: another business's user gets 404 on every route of our integration", async () => {
  await withWorld({}, async (world) => {
    const id = await connected(world)
    for (const [method, path, init] of routesOf(id)) {
      const response = await world.call(path, { ...init, method, as: world.stranger })
      assert.equal(response.status, 404, `${method} ${path}`)
      assert.equal(await errorCode(response), 'not_found')
    }
    const list = await world.call(`/functions/v1/integrations?business_id=${world.businessId}`, {
      as: world.stranger,
    })
    assert.equal(list.status, 404)
    await list.body?.cancel()
    // And the owner's side: all still there, untouched.
    const mine = await world.call(`/functions/v1/integrations?business_id=${world.businessId}`, {
      as: world.owner,
    })
    const { integrations } = await mine.json()
    assert.deepEqual(
      integrations.map((
        i: { id: string; name: string; status: string },
      ) => [i.id, i.name, i.status]),
      [
        [id, 'Main org', 'active'],
      ],
    )
    assert.ok(await readStoredTokens(world.sql, id), 'the tokens are still there')
  })
})

Deno.test('integrations API: a member reads, but cannot change, connect or disconnect', async () => {
  await withWorld({}, async (world) => {
    const id = await connected(world)
    const [read, patch, remove, purge, events, authorize] = routesOf(id)
    for (const [method, path, init] of [read, events]) {
      const response = await world.call(path, { ...init, method, as: world.member })
      assert.equal(response.status, 200, `${method} ${path}`)
      await response.body?.cancel()
    }
    for (const [method, path, init] of [patch, remove, purge, authorize]) {
      const response = await world.call(path, { ...init, method, as: world.member })
      assert.equal(response.status, 403, `${method} ${path}`)
      assert.equal(await errorCode(response), 'forbidden')
    }
    const create = await world.call('/functions/v1/integrations', {
      ...json({ business_id: world.businessId, name: 'By a member' }),
      method: 'POST',
      as: world.member,
    })
    assert.equal(create.status, 403)
    await create.body?.cancel()
    assert.equal((await integrationRow(world, id)).status, 'active')
  })
})

Deno.test('integrations API: disconnect revokes at Salesforce and forgets; a second DELETE answers the same', async () => {
  await withWorld({}, async (world) => {
    const id = await connected(world)
    const stored = await readStoredTokens(world.sql, id)
    const since = world.sandbox.control.lastRequestSeq()
    const first = await disconnect(world, id)
    assert.equal(first.status, 200)
    const body = await first.json()
    assert.equal(body.integration.status, 'disconnected')
    assert.ok(body.integration.disconnected_at)
    const revokes = world.sandbox.control.requests({ endpoint: 'oauth.revoke', sinceSeq: since })
    assert.deepEqual(revokes.map((request) => request.status), [200])
    // Revoking the refresh token killed the access token issued from it.
    const old = await fetch(`${world.org.instanceUrl}/services/data/v62.0/limits`, {
      headers: { authorization: `Bearer ${stored!.tokens.access_token}` },
    })
    assert.equal(old.status, 401)
    await old.body?.cancel()
    assert.equal(await readStoredTokens(world.sql, id), undefined)
    const [consent] = await world.sql`
      select withdrawn_at, withdrawn_by from public.integration_consents where integration_id = ${id}`
    assert.ok(consent.withdrawn_at instanceof Date)
    assert.equal(consent.withdrawn_by, world.owner)
    assert.equal((await integrationRow(world, id)).paused_reason, 'disconnected')
    const [event] = await world.sql`
      select actor_id, metadata from public.integration_events
       where integration_id = ${id} and type = 'disconnected'`
    assert.equal(event.actor_id, world.owner)
    assert.equal(event.metadata.revocation, 'revoked')

    const second = await disconnect(world, id)
    assert.equal(second.status, 200)
    assert.deepEqual(await second.json(), body)
    assert.deepEqual(await eventTypes(world.sql, id), ['connected', 'disconnected'])
  })
})

Deno.test('integrations API: DELETE ?purge=true erases the records synced from it, nothing else', async () => {
  await withWorld({}, async (world) => {
    const id = await connected(world)
    const other = await createIntegration(world, 'Other org')
    const contact = (integrationId: string | null, sourceType: string, sourceId: string) => ({
      business_id: world.businessId,
      integration_id: integrationId,
      source_type: sourceType,
      source_id: sourceId,
      last_name: 'Doe',
    })
    await world.sql`insert into public.contacts ${
      world.sql([
        contact(id, 'salesforce', '003000000000001AAA'),
        contact(id, 'salesforce', '003000000000002AAA'),
        contact(other, 'salesforce', '003000000000003AAA'),
        contact(null, 'manual', 'm-1'),
      ])
    }`
    // The other synced tables: one row from this integration, one from the other, each.
    for (const [integrationId, n] of [[id, 1], [other, 2]] as const) {
      const row = {
        business_id: world.businessId,
        integration_id: integrationId,
        source_type: 'salesforce',
        source_id: `00${n}000000000000AAA`,
      }
      await world.sql`insert into public.accounts ${world.sql({ ...row, name: 'Acme' })}`
      await world.sql`insert into public.crm_leads ${world.sql({ ...row, last_name: 'Roe' })}`
      await world.sql`insert into public.crm_records ${
        world.sql({
          business_id: world.businessId,
          integration_id: integrationId,
          object: 'Widget__c',
          source_id: row.source_id,
        })
      }`
    }
    const response = await disconnect(world, `${id}?purge=true`)
    assert.equal(response.status, 200)
    await response.body?.cancel()
    const left = await world.sql<{ source_id: string }[]>`
      select source_id from public.contacts where business_id = ${world.businessId} order by source_id`
    assert.deepEqual(left.map((row) => row.source_id), ['003000000000003AAA', 'm-1'])
    for (const table of ['accounts', 'crm_leads', 'crm_records']) {
      const rows = await world.sql<{ integration_id: string }[]>`
        select integration_id from ${world.sql('public.' + table)}
         where business_id = ${world.businessId}`
      assert.deepEqual(rows.map((row) => row.integration_id), [other], `${table}: only the other's`)
    }
    const [event] = await world.sql`
      select metadata from public.integration_events where integration_id = ${id} and type = 'disconnected'`
    assert.equal(event.metadata.contacts_deleted, 2)
    assert.deepEqual(
      [
        event.metadata.accounts_deleted,
        event.metadata.crm_leads_deleted,
        event.metadata.crm_records_deleted,
      ],
      [1, 1, 1],
    )
  })
})

Deno.test('integrations API: create validates, keeps a tenant client in Vault, shows no secret', async () => {
  await withWorld({}, async (world) => {
    const post = (body: Record<string, unknown>) =>
      world.call('/functions/v1/integrations', { ...json(body), method: 'POST', as: world.owner })
    const base = { business_id: world.businessId }
    const secret = 'tenant-client-secret-0123456789'
    world.secrets.add(secret)
    const own = await post({
      ...base,
      name: 'Own app',
      client_id: '3MVG9tenant',
      client_secret: secret,
    })
    assert.equal(own.status, 201)
    const { integration } = await own.json()
    assert.equal(integration.has_own_client, true)
    assert.equal(integration.status, 'inactive')
    assert.equal(integration.api_version, '62.0')
    assert.equal(JSON.stringify(integration).includes('3MVG9tenant'), false)
    const [client] = await world
      .sql`select * from private.read_integration_client(${integration.id})`
    assert.deepEqual({ ...client }, { client_id: '3MVG9tenant', client_secret: secret })

    const custom = await post({
      ...base,
      name: 'My Domain',
      environment: 'custom',
      my_domain_url: 'https://Acme--Dev.sandbox.my.salesforce.com/',
    })
    assert.equal(custom.status, 201)
    assert.equal(
      (await custom.json()).integration.my_domain_url,
      'https://acme--dev.sandbox.my.salesforce.com',
    )

    const refused: Array<[Record<string, unknown>, number, string]> = [
      [{ ...base, name: 'Own app' }, 409, 'integration_exists'],
      [{ ...base, name: 'X', environment: 'custom' }, 400, 'validation_failed'],
      [
        { ...base, name: 'X', my_domain_url: 'https://acme.my.salesforce.com' },
        400,
        'validation_failed',
      ],
      [
        {
          ...base,
          name: 'X',
          environment: 'custom',
          my_domain_url: 'https://acme.lightning.force.com',
        },
        400,
        'validation_failed',
      ],
      [
        {
          ...base,
          name: 'X',
          environment: 'custom',
          my_domain_url: 'http://acme.my.salesforce.com',
        },
        400,
        'validation_failed',
      ],
      [
        {
          ...base,
          name: 'X',
          environment: 'custom',
          my_domain_url: 'https://acme.my.salesforce.com.evil.test',
        },
        400,
        'validation_failed',
      ],
      [{ ...base, name: 'X', client_secret: 'secret without id' }, 400, 'validation_failed'],
      [{ ...base, name: 'X', provider: 'no-such-provider' }, 400, 'validation_failed'],
      [{ ...base, name: ' ' }, 400, 'validation_failed'],
      [{ business_id: crypto.randomUUID(), name: 'X' }, 404, 'not_found'],
    ]
    for (const [body, status, code] of refused) {
      const response = await post(body)
      assert.equal(response.status, status, JSON.stringify(body))
      assert.equal(await errorCode(response), code, JSON.stringify(body))
    }
  })
})

Deno.test("integrations API: a connected integration's org and app cannot change under it", async () => {
  await withWorld({}, async (world) => {
    const id = await connected(world)
    const patch = (body: Record<string, unknown>) =>
      world.call(`/functions/v1/integrations/${id}`, {
        ...json(body),
        method: 'PATCH',
        as: world.owner,
      })
    for (const body of [{ environment: 'sandbox' }, { client_id: '3MVG9other' }]) {
      const response = await patch(body)
      assert.equal(response.status, 409, JSON.stringify(body))
      assert.equal(await errorCode(response), 'integration_connected')
    }
    const renamed = await patch({ name: 'Renamed', api_version: '61.0' })
    assert.equal(renamed.status, 200)
    const { integration } = await renamed.json()
    assert.deepEqual([integration.name, integration.api_version, integration.status], [
      'Renamed',
      '61.0',
      'active',
    ])
    const events = await world.call(`/functions/v1/integrations/${id}/events?limit=1`, {
      as: world.owner,
    })
    const page = await events.json()
    assert.equal(page.events.length, 1)
    assert.equal(page.events[0].type, 'connected')
  })
})

Deno.test('authorize: redirect_to must be an allowlisted app URL, matched exactly', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const ask = (redirectTo: string) =>
      world.call(
        `/functions/v1/authorize/salesforce?${new URLSearchParams({
          integration_id: id,
          redirect_to: redirectTo,
        })}`,
        { as: world.owner },
      )
    const refused = [
      'https://app.example.test.evil.com/settings/integrations',
      '//evil.test/settings/integrations',
      '/settings/integrations',
      'https://app.example.test/settings/integrations-evil',
      'https://app.example.test/settings',
      'https://evil@app.example.test/settings/integrations',
      'http://app.example.test/settings/integrations',
      'javascript:alert(1)//app.example.test/settings/integrations',
      'https://app.example.test\\@evil.test/settings/integrations',
      'https://app.example.test/settings/integrations/../../admin',
    ]
    for (const target of refused) {
      const response = await ask(target)
      assert.equal(response.status, 400, target)
      assert.equal(await errorCode(response), 'redirect_not_allowed', target)
    }
    const allowed = await ask(`${appUrl}/salesforce?tab=connect`)
    assert.equal(allowed.status, 200)
    await allowed.body?.cancel()
    const [state] = await world.sql`
      select redirect_to from private.oauth_states where integration_id = ${id}`
    assert.equal(state.redirect_to, `${appUrl}/salesforce?tab=connect`)
    assert.equal((await integrationRow(world, id)).status, 'pending')
  })
})

Deno.test('authorize: without any connected app configured the answer says so', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const restore = setEnv({ SALESFORCE_CLIENT_ID: undefined, SALESFORCE_CLIENT_SECRET: undefined })
    try {
      const query = new URLSearchParams({ integration_id: id, redirect_to: appUrl })
      const response = await world.call(`/functions/v1/authorize/salesforce?${query}`, {
        as: world.owner,
      })
      assert.equal(response.status, 409)
      assert.equal(await errorCode(response), 'client_not_configured')
    } finally {
      restore()
    }
    assert.equal((await integrationRow(world, id)).status, 'inactive', 'nothing started')
  })
})

Deno.test('callback: an unknown or missing state is a 400 with no redirect', async () => {
  await withWorld({}, async (world) => {
    const unknown = 'A'.repeat(43)
    for (
      const query of [
        `code=abc&state=${unknown}`,
        'code=abc',
        `error=access_denied&state=${unknown}`,
      ]
    ) {
      const response = await world.visit(`${world.callbackUrl}?${query}`)
      assert.equal(response.status, 400, query)
      assert.equal(response.headers.get('location'), null)
      assert.equal(await errorCode(response), 'state_invalid')
    }
  })
})
