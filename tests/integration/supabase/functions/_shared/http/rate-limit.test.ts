// The rate limiter over HTTP on a real database: the 101st request of a window gets 429 with
// Retry-After and RateLimit-* headers, the window resets, and users are counted apart.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { repoRoot, startTestGateway } from '../../../../../helpers/gateway.ts'
import { captureLogs } from '../../../../../helpers/logs.ts'
import {
  adminSql,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from '../../../../../helpers/test-db.ts'

const fixtures = join(repoRoot, 'tests', 'helpers', 'fixtures')

Deno.test('the 101st request in a window gets 429 with Retry-After, and the window resets', async () => {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const logs = captureLogs()
  const tag = crypto.randomUUID().slice(0, 8)
  const userIds = [
    await createUser(sql, `limited-${tag}@example.test`),
    await createUser(sql, `other-${tag}@example.test`),
  ]
  const gateway = await startTestGateway({
    dbUrl,
    functionsDir: join(fixtures, 'functions'),
    configTomlPath: join(fixtures, 'config.toml'),
    env: { RATE_LIMIT_MAX: '100', RATE_LIMIT_WINDOW_SECONDS: '900' },
  })
  try {
    const [token, otherToken] = await Promise.all(userIds.map((sub) => gateway.mint({ sub })))
    const ping = () => gateway.request('/functions/v1/limited/ping', { token })

    const statuses: number[] = []
    let last: Response | undefined
    for (let i = 0; i < 100; i++) {
      last = await ping()
      statuses.push(last.status)
      await last.body?.cancel()
    }
    assert.deepEqual(new Set(statuses), new Set([200]))
    assert.equal(last?.headers.get('RateLimit-Limit'), '100')
    assert.equal(last?.headers.get('RateLimit-Remaining'), '0')

    const refused = await ping()
    assert.equal(refused.status, 429)
    const retryAfter = Number(refused.headers.get('Retry-After'))
    assert.ok(retryAfter > 0 && retryAfter <= 900, `Retry-After ${retryAfter}`)
    assert.equal(refused.headers.get('RateLimit-Remaining'), '0')
    assert.equal((await refused.json()).error.code, 'rate_limited')

    const other = await gateway.request('/functions/v1/limited/ping', { token: otherToken })
    assert.equal(other.status, 200, 'another user keeps their own allowance')
    await other.body?.cancel()

    // The window passes (moved back rather than waited for): the count starts again.
    await sql`update private.rate_limits set window_start = now() - interval '901 seconds'
      where user_id = ${userIds[0]} and bucket = 'limited'`
    const again = await ping()
    assert.equal(again.status, 200)
    assert.equal(again.headers.get('RateLimit-Remaining'), '99')
    await again.body?.cancel()

    const [{ rows }] = await sql`select count(*)::int as rows from private.rate_limits
      where user_id = any(${userIds})`
    assert.equal(rows, 2, 'one row per user and function, however many requests')
  } finally {
    await gateway.close()
    await sql`delete from private.rate_limits where user_id = any(${userIds})`
    await deleteFixtures(sql, { businessIds: [], userIds })
    await sql.end()
    logs.restore()
  }
})

Deno.test('an anonymous caller gets 401 before any counting', async () => {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const gateway = await startTestGateway({
    dbUrl,
    functionsDir: join(fixtures, 'functions'),
    configTomlPath: join(fixtures, 'config.toml'),
  })
  const logs = captureLogs()
  // Deno runs test files one after another, so nothing else counts requests meanwhile.
  const counters = async () =>
    (await sql`select coalesce(sum(hits), 0)::int as hits, count(*)::int as rows
                 from private.rate_limits`)[0]
  try {
    const before = await counters()
    const res = await gateway.request('/functions/v1/limited/ping')
    assert.equal(res.status, 401)
    await res.body?.cancel()
    assert.deepEqual(await counters(), before, 'a refused anonymous call touches no counter')
  } finally {
    await gateway.close()
    await sql.end()
    logs.restore()
  }
})
