// proxyRequest on a real database against a provider that echoes everything it receives: what
// leaves for the provider (our credential, none of the caller's) and what comes back (none of
// our credentials, in headers or body, however the body is cut into chunks).
import assert from 'node:assert/strict'
import type { UserClaims } from '../../../../../../supabase/functions/_shared/auth/verify-jwt.ts'
import { closeSql } from '../../../../../../supabase/functions/_shared/db/client.ts'
import { proxyRequest } from '../../../../../../supabase/functions/_shared/proxy/forward.ts'
import { setEnv } from '../../../../../helpers/env.ts'
import {
  type AdminSql,
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from '../../../../../helpers/test-db.ts'

const accessToken = 'gho_proxy_test_access_token_0123456789'
const isuPassword = 'Workday-ISU-password-987654'

interface Fixture {
  sql: AdminSql
  claims: UserClaims
  userId: string
  github: string
  workday: string
}

async function withFixture(run: (fixture: Fixture) => Promise<void>): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const restore = setEnv({ SUPABASE_DB_URL: dbUrl, PROVIDER_SIMULATOR_URL: undefined })
  const tag = crypto.randomUUID().slice(0, 8)
  const userId = await createUser(sql, `owner-${tag}@example.test`)
  const businessId = await createBusiness(sql, { name: `Proxy ${tag}`, ownerId: userId })
  try {
    const connect = async (
      provider: string,
      config: Record<string, string>,
      tokens: Record<string, string>,
    ) => {
      const [row] = await sql<{ id: string }[]>`
        insert into public.integrations
          (business_id, provider, name, created_by, connection_config, status, connected_at)
        values (${businessId}, ${provider}, ${`${provider} ${tag}`}, ${userId},
                ${sql.json(config)}, 'active', now())
        returning id`
      await sql`select private.save_integration_tokens(${row.id}, ${sql.json(tokens)})`
      return row.id
    }
    const now = Math.floor(Date.now() / 1000)
    await run({
      sql,
      userId,
      claims: { sub: userId, role: 'authenticated', aud: 'authenticated', exp: now + 600 },
      github: await connect('github', {}, { access_token: accessToken }),
      workday: await connect('workday', { host: 'wd2-impl-services1', tenant: 'acme' }, {
        username: 'ISU_Integration@acme',
        password: isuPassword,
      }),
    })
  } finally {
    await closeSql()
    await deleteFixtures(sql, { businessIds: [businessId], userIds: [userId] })
    await sql.end()
    restore()
  }
}

/** A provider that answers with every header it got, in headers and (byte by byte) in the body. */
function echoingProvider(seen: Request[]): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init)
    seen.push(request)
    const headers = Object.fromEntries(request.headers)
    const body = new TextEncoder().encode(JSON.stringify({ url: request.url, headers }))
    return Promise.resolve(
      new Response(ReadableStream.from([...body].map((byte) => new Uint8Array([byte]))), {
        status: 200,
        headers: [
          ['content-type', 'application/json'],
          ['set-cookie', 'provider_session=abc; HttpOnly'],
          ['x-echo-authorization', request.headers.get('authorization') ?? ''],
          ['connection', 'close'],
          ['x-request-cost', '1'],
        ],
      }),
    )
  }
}

const callerHeaders = () =>
  new Headers({
    'authorization': 'Bearer the-callers-supabase-jwt',
    'apikey': 'sb_publishable_key',
    'x-client-info': 'supabase-js/2',
    'cookie': 'sb-access-token=abc',
    'connection': 'keep-alive',
    'x-sync-cron-secret': 'never-forwarded',
    'accept': 'application/json',
  })

Deno.test("proxyRequest: the provider gets our credential and none of the caller's; nothing of ours comes back", async () => {
  await withFixture(async ({ claims, userId, github }) => {
    const seen: Request[] = []
    const response = await proxyRequest({
      claims,
      userId,
      integrationId: github,
      method: 'GET',
      rawPath: '/user/repos',
      rawQuery: '?per_page=2&sort=a%20b',
      headers: callerHeaders(),
      body: null,
    }, { fetch: echoingProvider(seen) })

    assert.equal(seen.length, 1)
    const sent = seen[0]
    assert.equal(sent.url, 'https://api.github.com/user/repos?per_page=2&sort=a%20b')
    assert.equal(sent.headers.get('authorization'), `Bearer ${accessToken}`)
    assert.equal(sent.headers.get('x-github-api-version'), '2022-11-28', "the spec's headers")
    assert.equal(sent.headers.get('accept'), 'application/json', "the caller's own Accept")
    for (const name of ['apikey', 'x-client-info', 'cookie', 'connection', 'x-sync-cron-secret']) {
      assert.equal(sent.headers.get(name), null, name)
    }

    assert.equal(response.status, 200)
    assert.equal(response.headers.get('x-proxy-source'), 'provider')
    assert.equal(response.headers.get('x-request-cost'), '1', "the provider's own headers pass")
    for (const name of ['set-cookie', 'x-echo-authorization', 'connection']) {
      assert.equal(response.headers.get(name), null, name)
    }
    const text = await response.text()
    assert.ok(!text.includes(accessToken), 'the token never comes back')
    const echoed = JSON.parse(text) as { headers: Record<string, string> }
    assert.equal(echoed.headers.authorization, '[redacted]', 'the echoed header, whole')
  })
})

Deno.test('proxyRequest: a Basic credential is kept out of the answer whole, encoded and decoded', async () => {
  await withFixture(async ({ claims, userId, workday }) => {
    const seen: Request[] = []
    const response = await proxyRequest({
      claims,
      userId,
      integrationId: workday,
      method: 'POST',
      rawPath: '/workers',
      rawQuery: '',
      headers: new Headers({ 'content-type': 'application/json' }),
      body: new TextEncoder().encode(`{"echo":"${isuPassword}"}`).buffer,
    }, { fetch: echoingProvider(seen) })
    const basic = seen[0].headers.get('authorization')!
    assert.match(basic, /^Basic /)
    assert.equal(seen[0].url, 'https://wd2-impl-services1.workday.com/ccx/api/v1/acme/workers')
    assert.equal(await seen[0].text(), `{"echo":"${isuPassword}"}`, 'the body goes as sent')
    const text = await response.text()
    assert.ok(!text.includes(basic.slice('Basic '.length)), 'not the encoded pair')
    assert.ok(!text.includes(isuPassword), 'not the password')
  })
})
