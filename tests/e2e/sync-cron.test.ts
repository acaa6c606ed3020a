// The sync-cron function over HTTP through the local gateway: pg_cron's tick with the sync
// secret (two ticks at once share the work without fetching any page twice), and "sync now" for
// owners and admins only.
import assert from 'node:assert/strict'
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts'
import { invoke, supabaseClient } from '../helpers/supabase-client.ts'
import { assertMatchesSandbox } from '../helpers/sync-truth.ts'
import { enableObject, syncState, type SyncWorld, withSyncWorld } from '../helpers/sync-world.ts'
import { addMember, createBusiness, createUser } from '../helpers/test-db.ts'

const cronSecret = 'local-sync-cron-secret-for-tests-0123456789'
const cronPath = '/functions/v1/sync-cron'

/** A gateway serving the repo's functions with the world's environment and sync settings. */
async function gatewayFor(world: SyncWorld): Promise<TestGateway> {
  return await startTestGateway({
    dbUrl: world.dbUrl,
    env: {
      ...world.env,
      SYNC_CRON_SECRET: cronSecret,
      SYNC_CONCURRENCY: '2',
      SYNC_PAGE_SIZE: '500',
      SYNC_REQUEST_TIMEOUT_SECONDS: '2',
      SYNC_RETRY_BASE_MS: '20',
      // The sandbox runs in this process, so a measured CPU clock counts its work too and would
      // end ticks early; the CPU budget has its own tests (resume, tick-cpu), not this one.
      SYNC_CPU_BUDGET_MS: '600000',
    },
  })
}

function tick(gateway: TestGateway, secret = cronSecret): Promise<Response> {
  return gateway.request(cronPath, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scheduled_at: new Date().toISOString() }),
  })
}

Deno.test('sync-cron: two ticks at once share the due integrations and fetch no page twice', async () => {
  await withSyncWorld(async (world) => {
    const orgs = []
    for (let i = 0; i < 6; i++) orgs.push(await world.connect({ contacts: 1_500, seed: 50 + i }))
    for (const org of orgs) {
      world.sandbox.control.addLatency({ ms: 50, path: '/query', orgId: org.orgId })
    }
    const gateway = await gatewayFor(world)
    try {
      const since = world.sandbox.control.lastRequestSeq()
      const responses = await Promise.all([tick(gateway), tick(gateway)])
      assert.deepEqual(responses.map((response) => response.status), [200, 200])
      const [first, second] = await Promise.all(responses.map((response) => response.json()))
      const runs = [...first.runs, ...second.runs]
      assert.ok(first.runs.length > 0 && second.runs.length > 0, 'both ticks worked')
      assert.deepEqual(
        runs.map((run: { integration_id: string }) => run.integration_id).sort(),
        orgs.map((org) => org.integrationId).sort(),
        'each integration synced by exactly one tick',
      )
      assert.ok(runs.every((run: { status: string }) => run.status === 'succeeded'))
      assert.deepEqual(first.alerts, { delivered: 0, retried: 0, failed: 0 })
      for (const org of orgs) {
        const calls = world.sandbox.control.requests({ orgId: org.orgId, sinceSeq: since })
          .filter((call) => call.status === 200)
        assert.equal(calls.filter((call) => call.endpoint === 'queryAll').length, 1)
        const mores = calls.filter((call) => call.endpoint === 'queryMore').map((call) => call.path)
        assert.equal(mores.length, 2)
        assert.equal(new Set(mores).size, mores.length, 'no page fetched twice')
        await assertMatchesSandbox(world.sql, world.sandbox, org.orgId, org.integrationId)
      }
      // Nothing is due any more: the next tick claims nothing.
      const idle = await (await tick(gateway)).json()
      assert.deepEqual([idle.claimed, idle.runs.length], [0, 0])
    } finally {
      await gateway.close()
    }
  })
})

Deno.test('sync-cron: a tick needs the sync secret', async () => {
  await withSyncWorld(async (world) => {
    const gateway = await gatewayFor(world)
    try {
      for (const secret of ['', 'wrong-secret-of-some-length', `${cronSecret}x`]) {
        const response = await tick(gateway, secret)
        assert.equal(response.status, 401, JSON.stringify(secret))
        assert.equal((await response.json()).error.code, 'unauthorized')
      }
      const notJson = await gateway.request(cronPath, {
        method: 'POST',
        headers: { authorization: `Bearer ${cronSecret}`, 'content-type': 'application/json' },
        body: 'not json',
      })
      assert.equal(notJson.status, 400)
      await notJson.body?.cancel()
    } finally {
      await gateway.close()
    }
  })
})

Deno.test('sync-cron: owners and admins can sync now; members, outsiders and overlaps cannot', async () => {
  await withSyncWorld(async (world) => {
    const org = await world.connect({ contacts: 700, seed: 60 })
    const memberId = await createUser(world.sql, `member-${crypto.randomUUID()}@example.test`)
    const adminId = await createUser(world.sql, `admin-${crypto.randomUUID()}@example.test`)
    const outsiderId = await createUser(world.sql, `outsider-${crypto.randomUUID()}@example.test`)
    await addMember(world.sql, world.businessId, memberId, 'member')
    await addMember(world.sql, world.businessId, adminId, 'admin')
    const otherBusiness = await createBusiness(world.sql, { name: 'Other', ownerId: outsiderId })
    const gateway = await gatewayFor(world)
    // "Sync now" as the app's button sends it: supabase-js functions.invoke, POST with no body.
    const path = `sync-cron/integrations/${org.integrationId}`
    const post = async (token?: string, at = path) => {
      const response = await invoke(supabaseClient(gateway.url, token), at, { method: 'POST' })
      return { status: response.status, body: await response.json() }
    }
    try {
      assert.equal((await post()).status, 401)
      const asMember = await post(await gateway.mint({ sub: memberId }))
      assert.deepEqual([asMember.status, asMember.body.error.code], [403, 'forbidden'])
      const asOutsider = await post(await gateway.mint({ sub: outsiderId }))
      assert.deepEqual([asOutsider.status, asOutsider.body.error.code], [404, 'not_found'])
      const adminToken = await gateway.mint({ sub: adminId })
      const badId = await post(adminToken, 'sync-cron/integrations/not-a-uuid')
      assert.deepEqual([badId.status, badId.body.error.code], [400, 'validation_failed'])

      await enableObject(world.sql, org.integrationId, 'account')
      const ran = await post(adminToken)
      assert.equal(ran.status, 200)
      assert.deepEqual(
        [ran.body.run.status, ran.body.run.trigger, ran.body.run.pages],
        ['succeeded', 'manual', 2],
      )
      // Every synced object runs, contacts first; `run` stays the contact run.
      assert.deepEqual(
        ran.body.objects.map((run: { object: string; status: string }) => [run.object, run.status]),
        [['contact', 'succeeded'], ['account', 'succeeded']],
      )
      assert.doesNotMatch(JSON.stringify(ran.body), /token|secret|00D\w+!/i)
      await assertMatchesSandbox(world.sql, world.sandbox, org.orgId, org.integrationId)

      await world.sql`update public.integration_sync_state
                         set lease_owner = 'cron:busy', lease_expires_at = now() + interval '1 minute'
                       where integration_id = ${org.integrationId}`
      const busy = await post(await gateway.mint({ sub: world.ownerId }))
      assert.deepEqual([busy.status, busy.body.error.code], [409, 'sync_in_progress'])
      assert.equal((await syncState(world.sql, org.integrationId)).lease_owner, 'cron:busy')
    } finally {
      await gateway.close()
      await world.sql`delete from public.businesses where id = ${otherBusiness}`
      await world.sql`delete from auth.users where id in ${
        world.sql([memberId, adminId, outsiderId])
      }`
    }
  })
})
