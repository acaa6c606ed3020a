// Who may call the contacts function, over the gateway: on every route an anonymous caller gets
// 401 and a member of another business 404; the 101st request in a window gets 429 with
// Retry-After and RateLimit-* headers, on any route, and the window resets.
import assert from 'node:assert/strict'
import { type ContactsWorld, expectJson, withContactsWorld } from '../helpers/contacts-world.ts'

interface Route {
  name: string
  send(world: ContactsWorld, token: string | undefined): Promise<Response>
}

/** Each route, called on Acme's integration, business and campaign. */
const routes: Route[] = [
  {
    name: 'GET /:integrationId/remote',
    send: (world, token) => world.call(`/${world.integrationId}/remote?limit=5`, { token }),
  },
  {
    name: 'GET /?integration_id',
    send: (world, token) => world.call(`?integration_id=${world.integrationId}`, { token }),
  },
  {
    name: 'GET /?business_id',
    send: (world, token) => world.call(`?business_id=${world.businessId}`, { token }),
  },
  {
    name: 'POST /import',
    send: (world, token) => {
      const [id] = world.sandbox.control.listIds(world.org.orgId, 'Contact')
      return world.call('/import', {
        method: 'POST',
        token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          integration_id: world.integrationId,
          campaign_id: world.campaignId,
          source_ids: [id],
        }),
      })
    },
  },
]

Deno.test('contacts access: on every route, anonymous is 401, another business 404, the owner 200', async () => {
  await withContactsWorld({}, async (world) => {
    const since = world.sandbox.control.lastRequestSeq()
    for (const route of routes) {
      const anonymous = await expectJson<{ error: { code: string } }>(
        await route.send(world, undefined),
        401,
      )
      assert.equal(anonymous.error.code, 'unauthorized', route.name)
      const outsider = await expectJson<{ error: { code: string } }>(
        await route.send(world, world.outsiderToken),
        404,
      )
      assert.equal(outsider.error.code, 'not_found', route.name)
    }
    assert.equal(world.queryCalls(since), 0, 'refused callers never reach Salesforce')
    // The same requests succeed for a member: the refusals above are about who asks.
    for (const route of routes) {
      await expectJson(await route.send(world, world.ownerToken), 200)
    }
  })
})

Deno.test('contacts access: the 101st request in a window is 429 on any route, and the window resets', async () => {
  await withContactsWorld(
    { env: { RATE_LIMIT_MAX: '100', RATE_LIMIT_WINDOW_SECONDS: '900' } },
    async (world) => {
      const list = () => world.call(`?business_id=${world.businessId}`, { token: world.ownerToken })
      let last: Response | undefined
      for (let i = 0; i < 100; i++) {
        last = await list()
        assert.equal(last.status, 200, `request ${i + 1}`)
        await last.body?.cancel()
      }
      assert.equal(last?.headers.get('RateLimit-Limit'), '100')
      assert.equal(last?.headers.get('RateLimit-Remaining'), '0')

      for (const route of routes) {
        const refused = await route.send(world, world.ownerToken)
        const body = await expectJson<{ error: { code: string } }>(refused, 429)
        assert.equal(body.error.code, 'rate_limited', route.name)
        const retryAfter = Number(refused.headers.get('Retry-After'))
        assert.ok(retryAfter > 0 && retryAfter <= 900, `Retry-After ${retryAfter}`)
        assert.equal(refused.headers.get('RateLimit-Limit'), '100')
        assert.equal(refused.headers.get('RateLimit-Remaining'), '0')
        assert.ok(Number(refused.headers.get('RateLimit-Reset')) > 0)
      }
      // Another user keeps their own allowance.
      const other = await world.call(`?business_id=${world.otherBusinessId}`, {
        token: world.outsiderToken,
      })
      assert.equal(other.status, 200)
      await other.body?.cancel()

      // The window passes (moved back in the database rather than waited for).
      await world.sql`
        update private.rate_limits set window_start = now() - interval '901 seconds'
        where user_id = ${world.ownerId} and bucket = 'contacts'`
      const again = await list()
      assert.equal(again.status, 200)
      assert.equal(again.headers.get('RateLimit-Remaining'), '99')
      await again.body?.cancel()
    },
  )
})
