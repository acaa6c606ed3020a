// The integrations function end to end: the in-process gateway, a real migrated database
// (TEST_DB_URL), users and tenants created through an admin connection, minted JWTs over HTTP.
import assert from 'node:assert/strict'
import { generateSigningKey, mintUserJwt } from '../../scripts/local/jwt.ts'
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts'
import { captureLogs } from '../helpers/logs.ts'
import {
  addMember,
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from '../helpers/test-db.ts'

const businessesPath = '/functions/v1/integrations/businesses'

interface World {
  gateway: TestGateway
  ann: string
  bob: string
  carol: string
  acme: string
  beta: string
  bravo: string
}

/**
 * Two tenants: Ann owns Acme and is a member of Beta (owned by Bob), Bob also owns Bravo alone;
 * Carol belongs to nothing. Each test gets its own users and gateway, and removes them after.
 */
async function withWorld(run: (world: World) => Promise<void>): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const logs = captureLogs()
  const tag = crypto.randomUUID().slice(0, 8)
  const userIds: string[] = []
  const businessIds: string[] = []
  let gateway: TestGateway | undefined
  try {
    const [ann, bob, carol] = await Promise.all(
      ['ann', 'bob', 'carol'].map((name) => createUser(sql, `${name}-${tag}@example.test`)),
    )
    userIds.push(ann, bob, carol)
    const acme = await createBusiness(sql, {
      name: `Acme ${tag}`,
      slug: `acme-${tag}`,
      ownerId: ann,
    })
    const beta = await createBusiness(sql, { name: `Beta ${tag}`, ownerId: bob })
    const bravo = await createBusiness(sql, { name: `Bravo ${tag}`, ownerId: bob })
    businessIds.push(acme, beta, bravo)
    await addMember(sql, beta, ann, 'member')
    gateway = await startTestGateway({ dbUrl })
    await run({ gateway, ann, bob, carol, acme, beta, bravo })
  } finally {
    await gateway?.close()
    await deleteFixtures(sql, { businessIds, userIds })
    await sql.end()
    logs.restore()
  }
}

interface BusinessesBody {
  businesses: Array<
    { id: string; name: string; slug: string | null; role: string; created_at: string }
  >
}

async function listAs(gateway: TestGateway, sub: string): Promise<BusinessesBody> {
  const response = await gateway.request(businessesPath, { token: await gateway.mint({ sub }) })
  assert.equal(response.status, 200)
  return await response.json()
}

async function assertJsonError(response: Response, status: number, code: string): Promise<void> {
  assert.equal(response.status, status)
  assert.match(response.headers.get('content-type') ?? '', /application\/json/)
  assert.equal((await response.json()).error.code, code)
}

Deno.test('integrations: a user sees their businesses with their role, ordered by name', async () => {
  await withWorld(async ({ gateway, ann, acme, beta }) => {
    const { businesses } = await listAs(gateway, ann)
    assert.deepEqual(
      businesses.map(({ id, role }) => ({ id, role })),
      [{ id: acme, role: 'owner' }, { id: beta, role: 'member' }],
    )
    const [first] = businesses
    assert.deepEqual(Object.keys(first).sort(), ['created_at', 'id', 'name', 'role', 'slug'])
    assert.match(first.slug ?? '', /^acme-/)
    assert.ok(!Number.isNaN(Date.parse(first.created_at)))
    assert.equal(businesses[1].slug, null)
  })
})

Deno.test("integrations: a user never sees another tenant's businesses", async () => {
  await withWorld(async ({ gateway, ann, bob, acme, beta, bravo }) => {
    const annSees = (await listAs(gateway, ann)).businesses.map((business) => business.id)
    // Both sides: an empty list would pass the "not Bravo" check alone.
    assert.deepEqual(annSees, [acme, beta])
    assert.ok(!annSees.includes(bravo), 'Ann must not see Bravo')
    const bobSees = (await listAs(gateway, bob)).businesses.map((business) => business.id)
    assert.deepEqual(bobSees, [beta, bravo])
    assert.ok(!bobSees.includes(acme), 'Bob must not see Acme')
  })
})

Deno.test('integrations: a user with no membership, or no account, gets an empty list', async () => {
  await withWorld(async ({ gateway, carol }) => {
    assert.deepEqual(await listAs(gateway, carol), { businesses: [] })
    assert.deepEqual(await listAs(gateway, crypto.randomUUID()), { businesses: [] })
  })
})

Deno.test('integrations: no, expired or foreign tokens are 401 JSON', async () => {
  await withWorld(async ({ gateway, ann }) => {
    const other = await generateSigningKey()
    const tokens = [
      undefined,
      'not.a.token',
      await gateway.mint({ sub: ann, expiresIn: -300 }),
      await mintUserJwt({ key: other, sub: ann, supabaseUrl: gateway.url }),
    ]
    for (const token of tokens) {
      await assertJsonError(await gateway.request(businessesPath, { token }), 401, 'unauthorized')
    }
  })
})

Deno.test('integrations: a valid token for a non-user role is refused by the function', async () => {
  await withWorld(async ({ gateway, ann }) => {
    // The gateway only checks the signature (as the platform does); the function wants a user.
    const token = await gateway.mint({ sub: ann, role: 'anon', audience: 'anon' })
    await assertJsonError(await gateway.request(businessesPath, { token }), 401, 'unauthorized')
  })
})

Deno.test('integrations: malformed JSON and unknown routes are 4xx JSON, never 500', async () => {
  await withWorld(async ({ gateway, ann }) => {
    const token = await gateway.mint({ sub: ann })
    const malformed = await gateway.request(businessesPath, {
      token,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    })
    assert.ok(malformed.status >= 400 && malformed.status < 500, `got ${malformed.status}`)
    assert.equal(typeof (await malformed.json()).error.code, 'string')
    await assertJsonError(
      await gateway.request('/functions/v1/integrations/nope', { token }),
      404,
      'not_found',
    )
    await assertJsonError(await gateway.request('/functions/v1/nope', { token }), 404, 'not_found')
  })
})

Deno.test('integrations: the request id travels through the gateway and back', async () => {
  await withWorld(async ({ gateway, ann }) => {
    const response = await gateway.request(businessesPath, {
      token: await gateway.mint({ sub: ann }),
      headers: { 'x-request-id': 'it-trace-1' },
    })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('x-request-id'), 'it-trace-1')
    await response.body?.cancel()
  })
})
