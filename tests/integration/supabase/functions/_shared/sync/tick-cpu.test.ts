// A tick's CPU: a run starts only with the CPU for its fixed cost and a full first page, counting
// the pages of runs already in flight; a claim that cannot start is given back, and the run row
// opened with it is removed (nothing ran), so it leaves no trace but its schedule.
import assert from 'node:assert/strict'
import { runSyncTick } from '../../../../../../supabase/functions/_shared/sync/tick.ts'
import { testSyncSettings, withSyncWorld } from '../../../../../helpers/sync-world.ts'

Deno.test('sync tick: runs start only with CPU for a first page; a claim given back leaves no run', async () => {
  await withSyncWorld(async (world) => {
    const orgs = [
      await world.connect({ contacts: 5, seed: 31 }),
      await world.connect({ contacts: 5, seed: 32 }),
    ]
    const ids = orgs.map((org) => org.integrationId)
    await world.sql`update public.integration_sync_state set next_sync_at = now() - interval '1 day'
                     where integration_id in ${world.sql(ids)}`
    // A run costs 1 + 2,000 × 0.01 = 21 ms: two are claimed at once, but once the first has
    // started (its page reserved) at most 9 of 30 ms are left, so the second cannot start.
    const tick = await runSyncTick(
      testSyncSettings({ concurrency: 2, cpu: { budgetMs: 30, perRecordMs: 0.01, perRunMs: 1 } }),
    )
    assert.equal(tick.claimed, 2, JSON.stringify(tick))
    assert.ok(tick.released >= 1, 'the second claim is given back')
    assert.equal(tick.runs.length + tick.released, 2)
    const rows = await world.sql<{ integration_id: string; status: string }[]>`
      select integration_id, status from public.sync_runs where integration_id in ${world.sql(ids)}`
    assert.deepEqual(
      rows.map((row) => row.integration_id).sort(),
      tick.runs.map((run) => run.integration_id).sort(),
      'only the runs that ran have a row',
    )
    assert.ok(rows.every((row) => row.status !== 'running'))
    const states = await world.sql<{ lease_owner: string | null }[]>`
      select lease_owner from public.integration_sync_state where integration_id in ${
      world.sql(ids)
    }`
    assert.ok(states.every((state) => state.lease_owner === null), 'every lease is given back')
  })
})
