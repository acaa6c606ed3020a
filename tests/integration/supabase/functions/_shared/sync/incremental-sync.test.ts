// Incremental syncs against the sandbox and a real database: random updates, deletes and merges
// (also twice within one second), records that turn visible late with a stamp older than the
// saved cursor, and re-reads that write nothing and never move the cursor back.
import assert from 'node:assert/strict'
import { createRandom } from '../../../../../../scripts/sandbox/salesforce/data/random.ts'
import { assertMatchesSandbox } from '../../../../../helpers/sync-truth.ts'
import {
  syncOnce,
  syncState,
  type SyncWorld,
  testSyncSettings,
  withSyncWorld,
} from '../../../../../helpers/sync-world.ts'

const settings = testSyncSettings()

/** Seeded random changes to an org: updates, deletes, merges, inserts, an Account delete. */
function changeOrg(world: SyncWorld, orgId: string, seed: number): void {
  const control = world.sandbox.control
  const random = createRandom(seed)
  const live = control.listIds(orgId, 'Contact')
  const pick = (n: number) => {
    const chosen = new Set<string>()
    while (chosen.size < n) chosen.add(live[Math.floor(random.next() * live.length)])
    return [...chosen]
  }
  const [toUpdate, toDelete, toMerge] = [pick(300), pick(100), pick(20)].map((ids) =>
    ids.filter((id) => control.getRecord(orgId, 'Contact', id)?.IsDeleted === false)
  )
  control.updateRecords(
    orgId,
    'Contact',
    toUpdate.map((Id, i) => ({
      Id,
      LastName: `Changed ${seed}-${i}`,
      Email: i % 3 === 0 ? null : `changed.${seed}.${i}@example.test`,
      Title: i % 2 === 0 ? 'VP Sync' : null,
      Phone: i % 5 === 0 ? null : `+1 555 01${String(i).padStart(2, '0')}`,
    })),
  )
  // System-only updates move SystemModstamp alone: they must be read too.
  control.updateRecords(orgId, 'Contact', toUpdate.slice(0, 20).map((Id) => ({ Id })), {
    systemOnly: true,
  })
  const deletable = toDelete.filter((id) => !toUpdate.includes(id))
  control.deleteRecords(orgId, 'Contact', deletable)
  for (let i = 0; i + 1 < toMerge.length; i += 2) {
    const [master, loser] = [toMerge[i], toMerge[i + 1]]
    if ([master, loser].some((id) => control.getRecord(orgId, 'Contact', id)?.IsDeleted)) continue
    control.mergeRecords(orgId, 'Contact', master, [loser])
  }
  control.insertRecords(
    orgId,
    'Contact',
    Array.from({ length: 50 }, (_, i) => ({ LastName: `New ${seed}-${i}`, FirstName: 'Élodie' })),
  )
  // Deleting an Account deletes its Contacts (each with a new stamp).
  const accounts = control.listIds(orgId, 'Account')
  control.deleteRecords(orgId, 'Account', [accounts[Math.floor(random.next() * accounts.length)]])
}

Deno.test('sync: random updates, deletes and merges are applied exactly, also twice in one second', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 3_000, seed: 11 })
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    for (const seed of [1, 2, 3]) {
      changeOrg(world, orgId, seed)
      const run = await syncOnce(integrationId, settings)
      assert.equal(run.status, 'succeeded')
      assert.ok(run.records_upserted > 0 && run.records_deleted > 0, JSON.stringify(run))
      await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId, `round ${seed}`)
      // Some of them changed again within the same second: the stamp stays, the values move.
      // Only the lookback re-read and the equal-stamp rule of the upsert can deliver these.
      const control = world.sandbox.control
      const recent = control.touchRecords(orgId, 'Contact', { count: 40, changes: { Title: 'A' } })
      assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
      control.updateRecords(
        orgId,
        'Contact',
        recent.ids.map((Id, i) => ({ Id, Title: `Same second ${seed}-${i}` })),
        { systemModstamp: recent.systemModstamp },
      )
      assert.equal(
        control.getRecord(orgId, 'Contact', recent.ids[0])!.SystemModstamp,
        recent.systemModstamp,
      )
      control.deleteRecords(orgId, 'Contact', recent.ids.slice(0, 5))
      assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
      await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId, `again ${seed}`)
    }
  })
})

Deno.test('sync: a run with nothing new re-reads the lookback window and writes nothing', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 500, seed: 12 })
    await syncOnce(integrationId, settings)
    world.sandbox.control.touchRecords(orgId, 'Contact', { count: 30, changes: { Title: 'x' } })
    await syncOnce(integrationId, settings)
    const before = await syncState(world.sql, integrationId)
    const run = await syncOnce(integrationId, settings)
    assert.equal(run.status, 'succeeded')
    assert.equal(run.api_calls, 1)
    assert.equal(run.records_upserted, 0, 'rows read again are not written again')
    assert.deepEqual((await syncState(world.sql, integrationId)).cursor, before.cursor)
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})

Deno.test('sync: records that turn visible late with a stamp older than the cursor are caught by the lookback', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 1_000, seed: 13 })
    const control = world.sandbox.control
    await syncOnce(integrationId, settings)
    // Recent changes put the cursor at "now".
    control.touchRecords(orgId, 'Contact', { count: 10, changes: { Title: 'Recent' } })
    await syncOnce(integrationId, settings)
    const cursor = (await syncState(world.sql, integrationId)).cursor!
    // A transaction that began a minute ago commits now: its rows carry the older stamp.
    const late = control.insertLateRecords(
      orgId,
      'Contact',
      Array.from({ length: 30 }, (_, i) => ({ LastName: `Late ${i}` })),
      { secondsAgo: 60 },
    )
    const lateStamp = String(control.getRecord(orgId, 'Contact', late[0])!.SystemModstamp)
    assert.ok(
      Date.parse(lateStamp.replace(/(\d{2})(\d{2})$/, '$1:$2')) < Date.parse(cursor.modstamp),
      'the late records are older than the saved cursor',
    )
    // Without the lookback they would be lost: a run from the cursor alone does not see them.
    await syncOnce(integrationId, testSyncSettings({ lookbackSeconds: 0 }))
    const missed = await world.sql`
      select count(*)::int as n from public.contacts where source_id in ${world.sql(late)}`
    assert.equal(missed[0].n, 0)
    const run = await syncOnce(integrationId, settings)
    assert.equal(run.status, 'succeeded')
    assert.equal(run.records_upserted, 30)
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
    assert.deepEqual(
      (await syncState(world.sql, integrationId)).cursor,
      cursor,
      'the re-read never moves the cursor back',
    )
  })
})
