// Runs that fail: a streak reaching the threshold turns the integration `error` with one
// sync_failing event and backs its schedule off exponentially; the first success after it
// recovers it with sync_recovered. A dead grant pauses the sync until a reconnect.
import assert from 'node:assert/strict'
import { asService } from '../../../../../../supabase/functions/_shared/db/as-user.ts'
import {
  claimDueSyncs,
  claimSync,
  newLeaseOwner,
} from '../../../../../../supabase/functions/_shared/sync/leases.ts'
import { eventTypes } from '../../../../../helpers/integrations.ts'
import { assertMatchesSandbox } from '../../../../../helpers/sync-truth.ts'
import {
  syncOnce,
  syncState,
  testSyncSettings,
  withSyncWorld,
} from '../../../../../helpers/sync-world.ts'

const settings = testSyncSettings({ retry: { attempts: 2, baseMs: 10, maxMs: 20 } })

/** Minutes from now until the integration is due. */
async function minutesUntilDue(
  sql: Parameters<typeof syncState>[0],
  integrationId: string,
): Promise<number> {
  const state = await syncState(sql, integrationId)
  return Math.round((state.next_sync_at.getTime() - Date.now()) / 60_000)
}

Deno.test('sync: failing runs back off, turn the integration error once, and recover with an event', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 300, seed: 41 })
    const fault = world.sandbox.control.injectFault({ kind: '500', rate: 1, path: '/query', orgId })
    const streak: Array<[string, number, string, number]> = []
    for (let run = 1; run <= 4; run++) {
      const summary = await syncOnce(integrationId, settings)
      const state = await syncState(world.sql, integrationId)
      streak.push([
        summary.status,
        state.consecutive_failures,
        state.status,
        await minutesUntilDue(world.sql, integrationId),
      ])
    }
    // Interval 15 minutes; from the third failure (the threshold) it doubles, up to 6 hours.
    assert.deepEqual(streak, [
      ['failed', 1, 'active', 15],
      ['failed', 2, 'active', 15],
      ['failed', 3, 'error', 30],
      ['failed', 4, 'error', 60],
    ])
    const state = await syncState(world.sql, integrationId)
    assert.equal(state.last_error_code, 'sync_failing')
    assert.deepEqual(
      (await eventTypes(world.sql, integrationId)).filter((type) => type.startsWith('sync_')),
      ['sync_failing'],
      'one event per streak',
    )

    world.sandbox.control.removeFault(fault.id)
    const recovered = await syncOnce(integrationId, settings)
    assert.equal(recovered.status, 'succeeded')
    const after = await syncState(world.sql, integrationId)
    assert.deepEqual(
      [after.status, after.last_error_code, after.consecutive_failures],
      ['active', null, 0],
    )
    assert.deepEqual(
      (await eventTypes(world.sql, integrationId)).filter((type) => type.startsWith('sync_')),
      ['sync_failing', 'sync_recovered'],
    )
    const [event] = await world.sql`
      select metadata from public.integration_events
       where integration_id = ${integrationId} and type = 'sync_failing'`
    assert.deepEqual(event.metadata, { consecutive_failures: 3, error_code: 'salesforce_error' })
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})

Deno.test('sync: a dead grant pauses the sync until the integration is connected again', async () => {
  await withSyncWorld(async (world) => {
    const synced = await world.connect({ contacts: 300, seed: 42 })
    const { orgId, integrationId } = synced
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    world.sandbox.control.revokeRefreshTokens(orgId)
    world.sandbox.control.expireAccessTokens(orgId)
    world.sandbox.control.touchRecords(orgId, 'Contact', { count: 5, changes: { Title: 'New' } })
    const run = await syncOnce(integrationId, settings)
    assert.deepEqual([run.status, run.error_code], ['failed', 'reauth_required'])
    const state = await syncState(world.sql, integrationId)
    assert.deepEqual(
      [state.paused_reason, state.status, state.consecutive_failures],
      ['reauth_required', 'error', 0],
    )
    assert.ok((await eventTypes(world.sql, integrationId)).includes('reauth_required'))
    await world.sql`update public.integration_sync_state set next_sync_at = now()
                     where integration_id = ${integrationId}`
    const due = await asService((tx) => claimDueSyncs(tx, newLeaseOwner('test'), 100, 60))
    assert.ok(!due.some((claim) => claim.integrationId === integrationId), 'not claimed by cron')
    const now = await asService((tx) =>
      claimSync(tx, integrationId, 'contact', newLeaseOwner('test'), 60)
    )
    assert.equal(now, undefined, 'nor by "sync now"')

    // A streak from before the reconnect must not follow the new connection.
    await world.sql`update public.integration_sync_state set consecutive_failures = 4
                     where integration_id = ${integrationId}`
    await world.reconnect(synced)
    const reconnected = await syncState(world.sql, integrationId)
    assert.deepEqual(
      [reconnected.paused_reason, reconnected.status, reconnected.consecutive_failures],
      [null, 'active', 0],
    )
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})
