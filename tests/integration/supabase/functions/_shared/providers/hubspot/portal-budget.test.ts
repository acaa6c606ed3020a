// A HubSpot portal's API budget is one token bucket in Postgres for every caller: concurrent
// takes queue behind each other (whoever asks), and a refusal pauses the whole portal.
import assert from 'node:assert/strict'
import { closeSql } from '../../../../../../../supabase/functions/_shared/db/client.ts'
import { takeProviderBudget } from '../../../../../../../supabase/functions/_shared/rate-limits/provider-budget.ts'
import { setEnv } from '../../../../../../helpers/env.ts'
import { adminSql, requireTestDbUrl } from '../../../../../../helpers/test-db.ts'

Deno.test('provider budget: callers of one key share the bucket; other keys are apart', async () => {
  const dbUrl = requireTestDbUrl()
  const restore = setEnv({ SUPABASE_DB_URL: dbUrl })
  const sql = adminSql(dbUrl)
  const key = `hubspot:test-${crypto.randomUUID()}`
  try {
    // A refill of one call per 100 s: what the test's own run time refills is far below 1 s.
    const rate = { perSecond: 0.01, burst: 2 }
    // Eight callers at once (as eight workers would): two fit the burst, the rest queue one
    // refill apart, each told its own wait.
    const waits = (await Promise.all(
      Array.from({ length: 8 }, () => takeProviderBudget(`${key}:calls`, rate)),
    )).sort((a, b) => a - b)
    assert.deepEqual(waits.slice(0, 2), [0, 0])
    for (let i = 2; i < 8; i++) {
      const queued = (i - 1) * 100_000
      assert.ok(waits[i] <= queued && waits[i] > queued - 1_000, JSON.stringify(waits))
    }
    assert.equal(await takeProviderBudget(`${key}:other`, rate), 0, 'another portal is apart')
    // A refusal drains the bucket (here by 5 calls) for everyone: the next caller waits for 4.
    await takeProviderBudget(`${key}:paused`, rate, 5)
    const paused = await takeProviderBudget(`${key}:paused`, rate)
    assert.ok(paused <= 400_000 && paused > 399_000, String(paused))
  } finally {
    await sql`delete from private.provider_rate_budgets where key like ${key + '%'}`
    await sql.end()
    await closeSql()
    restore()
  }
})
