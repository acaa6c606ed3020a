// The webhooks function in process against the test database: a HubSpot company event makes the
// portal's account object due (where the integration syncs accounts), a retry is a duplicate,
// and an event that arrives while the object's sync runs keeps it due after that run.
import assert from 'node:assert/strict'
import { closeSql } from '../../../../../supabase/functions/_shared/db/client.ts'
import { asService } from '../../../../../supabase/functions/_shared/db/as-user.ts'
import { decideAfterRun } from '../../../../../supabase/functions/_shared/sync/failure-policy.ts'
import { claimSync } from '../../../../../supabase/functions/_shared/sync/leases.ts'
import { closeRun, openRun } from '../../../../../supabase/functions/_shared/sync/run-records.ts'
import { syncSettings } from '../../../../../supabase/functions/_shared/sync/settings.ts'
import { app } from '../../../../../supabase/functions/webhooks/app.ts'
import { setEnv } from '../../../../helpers/env.ts'
import { signedHubSpotWebhook } from '../../../../helpers/hubspot-webhook.ts'
import { captureLogs } from '../../../../helpers/logs.ts'
import {
  type AdminSql,
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from '../../../../helpers/test-db.ts'

const secret = 'integration-hubspot-client-secret'
const publicBase = 'https://ref.supabase.co/functions/v1'

interface Fixture {
  sql: AdminSql
  integrationId: string
  portalId: number
  post(events: Array<Record<string, unknown>>): Promise<Record<string, number>>
  due(): Promise<string[]>
}

async function withFixture(run: (fixture: Fixture) => Promise<void>): Promise<void> {
  const sql = adminSql()
  const restore = setEnv({
    SUPABASE_DB_URL: requireTestDbUrl(),
    SUPABASE_URL: 'http://127.0.0.1:9',
    WEBHOOKS_PUBLIC_BASE_URL: publicBase,
    HUBSPOT_CLIENT_ID: 'integration-hubspot-client-id',
    HUBSPOT_CLIENT_SECRET: secret,
  })
  const logs = captureLogs()
  const tag = crypto.randomUUID().slice(0, 8)
  const owner = await createUser(sql, `owner-${tag}@example.test`)
  const businessId = await createBusiness(sql, { name: `Webhooks ${tag}`, ownerId: owner })
  const portalId = 700_000 + Math.floor(Math.random() * 100_000)
  try {
    const [row] = await sql<{ id: string }[]>`
      insert into public.integrations
        (business_id, provider, name, status, connection_metadata, created_by)
      values (${businessId}, 'hubspot', 'HubSpot', 'active',
              ${sql.json({ portalId: String(portalId) })}, ${owner})
      returning id`
    await sql`
      insert into public.integration_objects (integration_id, business_id, object, enabled)
      values (${row.id}, ${businessId}, 'account', true)`
    await sql`
      update public.integration_sync_state set last_run_at = now(),
             next_sync_at = now() + interval '1 day'
       where integration_id = ${row.id}`
    await run({
      sql,
      integrationId: row.id,
      portalId,
      async post(events) {
        const response = await app.request(
          '/webhooks/hubspot',
          await signedHubSpotWebhook(
            secret,
            `${publicBase}/webhooks/hubspot`,
            JSON.stringify(events),
          ),
        )
        assert.equal(response.status, 200, await response.clone().text())
        return await response.json()
      },
      async due() {
        const rows = await sql<{ object: string }[]>`
          select object from public.integration_sync_state
           where integration_id = ${row.id} and next_sync_at <= now() order by object`
        return rows.map((r) => r.object)
      },
    })
    for (const line of logs.lines) assert.ok(!line.includes(secret), `a log line leaks: ${line}`)
  } finally {
    logs.restore()
    await closeSql()
    restore()
    await deleteFixtures(sql, { businessIds: [businessId], userIds: [owner] })
    await sql.end()
  }
}

function event(portalId: number, overrides: Record<string, unknown> = {}) {
  return {
    eventId: 1,
    subscriptionId: 10,
    portalId,
    appId: 3,
    occurredAt: Date.now(),
    subscriptionType: 'company.propertyChange',
    attemptNumber: 0,
    objectId: 42,
    propertyName: 'name',
    propertyValue: 'Acme',
    changeSource: 'CRM_UI',
    ...overrides,
  }
}

Deno.test("webhooks: a company event makes the portal's account object due, not its contacts", async () => {
  await withFixture(async (f) => {
    const receipt = await f.post([event(f.portalId)])
    assert.deepEqual(receipt, {
      received: 1,
      duplicates: 0,
      objects_marked: 1,
      unknown_accounts: 0,
    })
    assert.deepEqual(await f.due(), ['account'])
  })
})

Deno.test("webhooks: HubSpot's retry of an event (next attemptNumber) is a duplicate", async () => {
  await withFixture(async (f) => {
    const first = event(f.portalId, { subscriptionType: 'contact.creation' })
    await f.post([first])
    await f.sql`
      update public.integration_sync_state set last_run_at = now(),
             next_sync_at = now() + interval '1 day'
       where integration_id = ${f.integrationId}`
    const retry = await f.post([{ ...first, attemptNumber: 1 }])
    assert.deepEqual(retry, { received: 1, duplicates: 1, objects_marked: 0, unknown_accounts: 0 })
    assert.deepEqual(await f.due(), [])
    // A deal event syncs nothing here: received, remembered, no object marked.
    const deal = await f.post([
      event(f.portalId, { eventId: 2, subscriptionType: 'deal.creation' }),
    ])
    assert.equal(deal.objects_marked, 0)
  })
})

Deno.test('webhooks: an event during a run keeps the object due when the run reschedules it', async () => {
  await withFixture(async (f) => {
    await f.sql`update public.integration_sync_state set next_sync_at = now()
                 where integration_id = ${f.integrationId} and object = 'contact'`
    const claim = await asService((tx) =>
      claimSync(tx, f.integrationId, 'contact', 'test:webhooks', 60)
    )
    assert.ok(claim, 'the contact sync is claimed (a run starts)')
    const runId = await openRun(claim, 'cron')
    // The change happens, and its webhook arrives, while the run reads.
    await f.post([event(f.portalId, { subscriptionType: 'contact.propertyChange', eventId: 5 })])
    // The run completes as the engine closes one: the next sync an interval away.
    const decision = decideAfterRun({ kind: 'complete' }, claim, syncSettings().schedule)
    const counters = { pages: 1, recordsUpserted: 0, recordsDeleted: 0, apiCalls: 1 }
    await closeRun(claim, runId, counters, decision, 10)
    assert.deepEqual(await f.due(), ['contact'], 'still due: the next tick reads the change')
  })
})
