// Input Postgres cannot hold, sent to the routes that used to pass it to a statement: each is a
// 400 in the error envelope and nothing is written (issue 14, finding 2). The route fuzz test
// covers every route; these name the cases the attack run found.
import assert from 'node:assert/strict'
import { encodeCursor } from '../../supabase/functions/_shared/contacts/cursor.ts'
import { type ContactsWorld, withContactsWorld } from '../helpers/contacts-world.ts'

async function send(world: ContactsWorld, method: string, path: string, body?: unknown) {
  return await world.gateway.request(`/functions/v1${path}`, {
    method,
    token: world.ownerToken,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

async function expectRefused(response: Response, what: string): Promise<void> {
  const text = await response.text()
  assert.equal(response.status, 400, `${what}: ${text}`)
  const { error } = JSON.parse(text)
  assert.equal(error.code, 'validation_failed', what)
  assert.equal(typeof error.message, 'string')
}

Deno.test('hostile input: U+0000 or a lone surrogate in a name or webhook URL is a 400, nothing written', async () => {
  await withContactsWorld({}, async (world) => {
    const integrations = async () =>
      await world.sql<{ id: string; name: string }[]>`
        select id, name from public.integrations where business_id = ${world.businessId}
        order by id`
    const webhooks = async () =>
      (await world.sql`
        select count(*)::int as n from public.alert_webhooks where business_id = ${world.businessId}`)[
        0
      ].n
    const before = await integrations()
    for (const name of ['a\u0000b', '\u0000', 'x\ud800']) {
      await expectRefused(
        await send(world, 'POST', '/integrations', { business_id: world.businessId, name }),
        `POST name ${JSON.stringify(name)}`,
      )
      await expectRefused(
        await send(world, 'PATCH', `/integrations/${world.integrationId}`, { name }),
        `PATCH name ${JSON.stringify(name)}`,
      )
    }
    assert.deepEqual(await integrations(), before)
    assert.equal(before.length, 1, 'the world has its one integration')

    for (const url of ['https://hooks.example.com/a\u0000', 'https://hooks.example.com/\udc00']) {
      await expectRefused(
        await send(world, 'POST', '/alerts/webhooks', { business_id: world.businessId, url }),
        `webhook ${JSON.stringify(url)}`,
      )
    }
    assert.equal(await webhooks(), 0)
    // The same requests with clean values go through: the refusals above were about the value.
    const fine = await send(world, 'POST', '/alerts/webhooks', {
      business_id: world.businessId,
      url: 'https://hooks.example.com/a',
    })
    assert.equal(fine.status, 201)
    await fine.body?.cancel()
    const renamed = await send(world, 'PATCH', `/integrations/${world.integrationId}`, {
      name: 'Zoë 🙂',
    })
    assert.equal(renamed.status, 200)
    assert.equal((await renamed.json()).integration.name, 'Zoë 🙂')
  })
})

Deno.test('hostile input: dates timestamptz cannot hold, in updated_since or a tampered cursor, are a 400', async () => {
  await withContactsWorld({}, async (world) => {
    const list = (query: Record<string, string>) =>
      send(
        world,
        'GET',
        `/contacts?${new URLSearchParams({ integration_id: world.integrationId, ...query })}`,
      )
    for (
      const since of [
        '0000-01-01T00:00:00Z',
        '2024-01-01T00:00:00+16:00',
        '2024-01-01T00:00:00-23:59',
        '2024-13-01T00:00:00Z',
      ]
    ) {
      await expectRefused(await list({ updated_since: since }), `updated_since ${since}`)
    }
    for (
      const u of [
        '2024-13-01T00:00:00.000000Z',
        '0000-01-01T00:00:00.000000Z',
        '2024-02-30T00:00:00.000000Z',
      ]
    ) {
      const cursor = encodeCursor({ u, i: crypto.randomUUID() })
      await expectRefused(await list({ cursor }), `cursor at ${u}`)
    }
    // The extremes timestamptz does hold are answered.
    for (const since of ['0001-01-01T00:00:00+15:59', '9999-12-31T23:59:59.999999-15:59']) {
      const response = await list({ updated_since: since })
      assert.equal(response.status, 200, since)
      await response.body?.cancel()
    }
    const cursor = encodeCursor({ u: '2024-02-29T00:00:00.000000Z', i: crypto.randomUUID() })
    const paged = await list({ cursor })
    assert.equal(paged.status, 200)
    await paged.body?.cancel()
  })
})
