// The integrations API over the provider registry: a provider id is checked against the
// registry, connection config against the provider's spec (400 naming the field, the value
// never echoed), Salesforce's environment and My Domain are its connection config, and the
// key-connect route refuses OAuth providers and callers who may not connect.
import assert from 'node:assert/strict'
import { createIntegration, withWorld, type World } from '../helpers/connect-world.ts'

const json = (body: unknown, method = 'POST'): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

async function answer(response: Response) {
  return { status: response.status, body: await response.json() }
}

function create(world: World, body: Record<string, unknown>) {
  return world.call('/functions/v1/integrations', {
    ...json({ business_id: world.businessId, name: `I ${crypto.randomUUID()}`, ...body }),
    as: world.owner,
  })
}

Deno.test('integrations providers: unknown providers and bad config are 400s that name the field', async () => {
  await withWorld({}, async (world) => {
    const unknown = await answer(await create(world, { provider: 'no-such-crm' }))
    assert.equal(unknown.status, 400)
    assert.equal(unknown.body.error.code, 'validation_failed')
    assert.match(JSON.stringify(unknown.body), /provider/)

    const hostile = 'evil.example/steal?'
    const badConfig = await answer(
      await create(world, { connection_config: { my_domain_url: hostile, environment: 'custom' } }),
    )
    assert.equal(badConfig.status, 400)
    assert.match(badConfig.body.error.message, /connection_config\.my_domain_url/)
    assert.ok(!JSON.stringify(badConfig.body).includes(hostile), 'the value is not echoed')

    const stray = await answer(await create(world, { connection_config: { subdomain: 'acme' } }))
    assert.equal(stray.status, 400)
    assert.match(stray.body.error.message, /connection_config\.subdomain/)
  })
})

Deno.test('integrations providers: Salesforce environment and My Domain are its connection config', async () => {
  await withWorld({}, async (world) => {
    const viaColumns = await answer(
      await create(world, {
        environment: 'custom',
        my_domain_url: 'https://acme.my.salesforce.com',
      }),
    )
    assert.equal(viaColumns.status, 201)
    assert.deepEqual(viaColumns.body.integration.connection_config, {
      environment: 'custom',
      my_domain_url: 'https://acme.my.salesforce.com',
    })
    const viaConfig = await answer(
      await create(world, { connection_config: { environment: 'sandbox' } }),
    )
    assert.equal(viaConfig.status, 201)
    assert.equal(viaConfig.body.integration.environment, 'sandbox')
    assert.equal(viaConfig.body.integration.my_domain_url, null)
    assert.deepEqual(viaConfig.body.integration.connection_metadata, {})
    assert.equal(viaConfig.body.integration.api_base_url, null)

    const id = viaConfig.body.integration.id
    const moved = await answer(
      await world.call(`/functions/v1/integrations/${id}`, {
        ...json({ connection_config: { environment: 'production' } }, 'PATCH'),
        as: world.owner,
      }),
    )
    assert.equal(moved.status, 200)
    assert.equal(moved.body.integration.environment, 'production')
  })
})

Deno.test('integrations providers: keys connect only key providers, only for owners and admins', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const put = (as: string, body: unknown) =>
      world.call(`/functions/v1/integrations/${id}/credentials`, { ...json(body, 'PUT'), as })
    const secret = `key-${crypto.randomUUID()}`
    world.secrets.add(secret)

    const oauth = await answer(await put(world.owner, { api_key: secret }))
    assert.equal(oauth.status, 400)
    assert.equal(oauth.body.error.code, 'auth_mode_unsupported')
    assert.ok(!JSON.stringify(oauth.body).includes(secret))

    assert.equal((await answer(await put(world.member, { api_key: secret }))).status, 403)
    assert.equal((await answer(await put(world.stranger, { api_key: secret }))).status, 404)
    const unknownField = await answer(await put(world.owner, { token: secret }))
    assert.equal(unknownField.status, 400)
    assert.ok(!JSON.stringify(unknownField.body).includes(secret))
  })
})
