// GET /integrations/:id/health and /integrations/:id/runs over the gateway, called with supabase-js
// as an app does: a member sees what the integration_health view says and why the last sync
// failed, without the Data API; runs page by an opaque keyset cursor; another business gets 404.
import assert from 'node:assert/strict'
import { encodeCursor } from '../../supabase/functions/_shared/contacts/cursor.ts'
import { withTestGateway } from '../helpers/gateway.ts'
import { createIntegration } from '../helpers/integrations.ts'
import { expectJson, invoke, supabaseAs, supabaseClient } from '../helpers/supabase-client.ts'
import { enableObject, syncOnce, testSyncSettings, withSyncWorld } from '../helpers/sync-world.ts'
import { addMember, createBusiness, createUser } from '../helpers/test-db.ts'

interface Run {
  id: string
  status: string
  started_at: string
  error_code: string | null
  error: string | null
}

Deno.test('integrations health: a member sees the last success, then why the sync failed', async () => {
  await withSyncWorld(async (world) => {
    const org = await world.connect({ contacts: 30, seed: 91 })
    const settings = testSyncSettings()
    assert.equal((await syncOnce(org.integrationId, settings)).status, 'succeeded')
    // Another object's state (never synced, another interval) must not stand in for contacts'.
    await enableObject(world.sql, org.integrationId, 'Widget__c', { Color__c: 'color' })
    await world.sql`update public.integration_sync_state set interval_minutes = 60
                     where integration_id = ${org.integrationId} and object = 'Widget__c'`
    const memberId = await createUser(world.sql, `member-${crypto.randomUUID()}@example.test`)
    await addMember(world.sql, world.businessId, memberId, 'member')
    await withTestGateway({ dbUrl: world.dbUrl, env: world.env }, async (gateway) => {
      const member = await supabaseAs(gateway, memberId)
      const healthy = (await expectJson(
        await invoke(member, `integrations/${org.integrationId}/health`),
        200,
      )).health
      assert.equal(healthy.integration_id, org.integrationId)
      assert.equal(healthy.status, 'active')
      assert.equal(healthy.last_run_status, 'succeeded')
      assert.equal(healthy.last_run_error_code, null)
      assert.equal(healthy.error_streak, 0)
      assert.equal(healthy.contacts_active, 30)
      assert.equal(healthy.contacts_deleted, 0)
      assert.equal(healthy.interval_minutes, 15)
      assert.ok(healthy.last_success_at && healthy.initial_sync_completed_at)
      assert.equal(typeof healthy.lag_seconds, 'number')
      assert.ok(healthy.lag_seconds >= 0)
      assert.ok(Date.parse(healthy.next_sync_at) > Date.parse(healthy.last_success_at))

      // The org's admin revokes the app: the next run fails, and says why.
      world.sandbox.control.revokeRefreshTokens(org.orgId)
      world.sandbox.control.expireAccessTokens(org.orgId)
      const failed = await syncOnce(org.integrationId, settings)
      assert.equal(failed.status, 'failed')
      const sick = (await expectJson(
        await invoke(member, `integrations/${org.integrationId}/health`),
        200,
      )).health
      assert.equal(sick.status, 'error')
      assert.equal(sick.last_run_status, 'failed')
      assert.equal(sick.last_run_error_code, 'reauth_required')
      assert.equal(sick.contacts_active, 30, 'what was synced stays')
      assert.equal(sick.last_success_at, healthy.last_success_at)

      const { runs, next_cursor } = await expectJson(
        await invoke(member, `integrations/${org.integrationId}/runs`),
        200,
      )
      assert.equal(next_cursor, null)
      assert.deepEqual(runs.map((run: Run) => [run.status, run.error_code]), [
        ['failed', 'reauth_required'],
        ['succeeded', null],
      ])
      assert.ok(runs[0].error, 'a human message says what happened')
      assert.doesNotMatch(JSON.stringify(runs), /00D\w+!|5Aep861/, 'no token in a run')
    })
  })
})

Deno.test("integrations health: another business's integration is a 404, anonymous a 401", async () => {
  await withSyncWorld(async (world) => {
    const integrationId = await createIntegration(world.sql, {
      businessId: world.businessId,
      createdBy: world.ownerId,
    })
    const outsiderId = await createUser(world.sql, `outsider-${crypto.randomUUID()}@example.test`)
    const otherBusiness = await createBusiness(world.sql, { name: 'Other', ownerId: outsiderId })
    try {
      await withTestGateway({ dbUrl: world.dbUrl, env: world.env }, async (gateway) => {
        const outsider = await supabaseAs(gateway, outsiderId)
        const owner = await supabaseAs(gateway, world.ownerId)
        const anonymous = supabaseClient(gateway.url)
        for (const route of ['health', 'runs', 'runs?limit=5']) {
          const path = `integrations/${integrationId}/${route}`
          const refused = await expectJson(await invoke(outsider, path), 404)
          assert.equal(refused.error.code, 'not_found', route)
          const anon = await expectJson(await invoke(anonymous, path), 401)
          assert.equal(anon.error.code, 'unauthorized', route)
          await expectJson(await invoke(owner, path), 200)
        }
        // Never synced: health says so rather than inventing a success.
        const { health } = await expectJson(
          await invoke(owner, `integrations/${integrationId}/health`),
          200,
        )
        assert.deepEqual(
          [health.status, health.last_success_at, health.lag_seconds, health.last_run_status],
          ['inactive', null, null, null],
        )
      })
    } finally {
      await world.sql`delete from public.businesses where id = ${otherBusiness}`
      await world.sql`delete from auth.users where id = ${outsiderId}`
    }
  })
})

Deno.test('integrations runs: keyset pages visit every run once, newest first, across equal start times', async () => {
  await withSyncWorld(async (world) => {
    const integrationId = await createIntegration(world.sql, {
      businessId: world.businessId,
      createdBy: world.ownerId,
    })
    // Seven runs; three start in the same microsecond, so only the id can order them, and two a
    // microsecond apart (inserted as text: postgres.js would round a timestamptz parameter to ms).
    const starts = [
      '2026-11-01T10:00:00.000001Z',
      '2026-11-01T10:15:00.123456Z',
      '2026-11-01T10:15:00.123456Z',
      '2026-11-01T10:15:00.123456Z',
      '2026-11-01T10:30:00.5Z',
      '2026-11-01T10:30:00.500001Z',
      '2026-11-01T10:45:00Z',
    ]
    for (const start of starts) {
      await world.sql`
        insert into public.sync_runs (business_id, integration_id, trigger, status, started_at)
        values (${world.businessId}, ${integrationId}, 'cron', 'succeeded',
                ${start}::text::timestamptz)`
    }
    const expected = await world.sql<{ id: string }[]>`
      select id::text from public.sync_runs where integration_id = ${integrationId}
       order by started_at desc, id desc`
    await withTestGateway({ dbUrl: world.dbUrl, env: world.env }, async (gateway) => {
      const owner = await supabaseAs(gateway, world.ownerId)
      const pages: Run[][] = []
      let cursor: string | null = null
      do {
        const query: string = new URLSearchParams(cursor ? { limit: '3', cursor } : { limit: '3' })
          .toString()
        const page = await expectJson(
          await invoke(owner, `integrations/${integrationId}/runs?${query}`),
          200,
        )
        pages.push(page.runs)
        cursor = page.next_cursor
      } while (cursor && pages.length < 10)
      assert.deepEqual(pages.map((page) => page.length), [3, 3, 1])
      assert.deepEqual(pages.flat().map((run) => run.id), expected.map((row) => row.id))
      assert.equal(pages[2][0].started_at, '2026-11-01T10:00:00.000001Z', 'microseconds kept')

      const tampered = [
        'not-a-cursor',
        encodeCursor({ s: '2026-11-01T10:15:00.123456Z', i: "1' or '1'='1" }),
        encodeCursor({ s: '2026-11-01 10:15', i: '5' }),
        encodeCursor({ s: '2026-11-01T10:15:00.123456Z', i: '5', more: true }),
        encodeCursor(['2026-11-01T10:15:00.123456Z', '5']),
      ]
      for (const bad of tampered) {
        const query = new URLSearchParams({ cursor: bad })
        const refused = await expectJson(
          await invoke(owner, `integrations/${integrationId}/runs?${query}`),
          400,
        )
        assert.equal(refused.error.code, 'validation_failed', bad)
      }
      for (const query of ['limit=0', 'limit=201', 'limit=ten']) {
        await expectJson(await invoke(owner, `integrations/${integrationId}/runs?${query}`), 400)
      }
    })
  })
})
