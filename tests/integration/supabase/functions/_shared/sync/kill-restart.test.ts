// The syncing process is killed (SIGKILL) while a page is in flight, then the sync runs again
// once the dead run's lease has expired: the dead run is recorded as abandoned, the new run
// resumes from the last committed page, and the contacts end exact with nothing written twice.
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { asService } from '../../../../../../supabase/functions/_shared/db/as-user.ts'
import {
  claimSync,
  newLeaseOwner,
} from '../../../../../../supabase/functions/_shared/sync/leases.ts'
import { assertMatchesSandbox } from '../../../../../helpers/sync-truth.ts'
import {
  syncOnce,
  syncRuns,
  syncState,
  testSyncSettings,
  waitFor,
  withSyncWorld,
} from '../../../../../helpers/sync-world.ts'

const worker = fileURLToPath(new URL('../../../../../helpers/sync-worker.ts', import.meta.url))

Deno.test('sync: a process killed mid-page loses nothing; the next run resumes after the lease expires', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 6_000, seed: 71 })
    const control = world.sandbox.control
    // Every page after the first takes 2 s to arrive: time to kill while one is in flight.
    control.addLatency({ ms: 2_000, path: '/query/', orgId })
    const settings = testSyncSettings({ pageSize: 1_000, leaseSeconds: 2 })
    const child = new Deno.Command(Deno.execPath(), {
      args: ['run', '-A', '--no-prompt', worker, integrationId, JSON.stringify(settings)],
      env: world.env,
      stdout: 'null',
      stderr: 'null',
    }).spawn()
    try {
      // Page 1 committed (its cursor saved): the worker asks for page 2 at once, and the sandbox
      // holds that answer for 2 s. Killing 300 ms later kills it with a page in flight.
      await waitFor(
        async () => (await syncState(world.sql, integrationId)).cursor !== null,
        'page 1',
      )
      await new Promise((resolve) => setTimeout(resolve, 300))
    } finally {
      child.kill('SIGKILL')
      await child.status
    }
    const [dead] = await syncRuns(world.sql, integrationId)
    assert.deepEqual([dead.status, dead.pages], ['running', 1], 'the dead run kept page 1')
    const inFlight = control.requests({ orgId, endpoint: 'queryMore' })
    assert.equal(inFlight.length, 0, 'page 2 was never delivered')
    const cursorAtDeath = (await syncState(world.sql, integrationId)).cursor
    const stolen = await asService((tx) =>
      claimSync(tx, integrationId, 'contact', newLeaseOwner('test'), 60)
    )
    assert.equal(stolen, undefined, 'the dead run still holds its lease')

    await waitFor(
      async () => (await syncState(world.sql, integrationId)).lease_expires_at! <= new Date(),
      'the lease to expire',
    )
    control.clearLatency()
    const since = control.lastRequestSeq()
    const resumed = await syncOnce(integrationId, settings)
    assert.equal(resumed.status, 'succeeded')
    const [first] = control.requests({ orgId, sinceSeq: since, endpoint: 'queryAll' })
    const soql = new URL(first.path, 'http://x').searchParams.get('q')!
    assert.ok(soql.includes(`Id > '${cursorAtDeath!.id}'`), 'resumed after the last stored page')

    const runs = await syncRuns(world.sql, integrationId)
    assert.deepEqual(runs.map((run) => run.status), ['abandoned', 'succeeded'])
    assert.equal(runs[0].error_code, 'lease_expired')
    const written = runs.reduce(
      (sum, run) => sum + (run.records_upserted as number) + (run.records_deleted as number),
      0,
    )
    assert.equal(written, 6_000, 'every record written once, across the two runs')
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})
