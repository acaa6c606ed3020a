// Deletes queryAll no longer shows: records purged from the Recycle Bin or hard-deleted end
// soft-deleted like any other delete. Within the delete log's window getDeleted names them;
// past it (a sync paused for 16 days), after a log cut short, or for an integration synced
// before deletes were tracked, a full id scan finds them, resumable across runs.
import assert from 'node:assert/strict'
import { assertMatchesSandbox } from '../../../../../helpers/sync-truth.ts'
import {
  syncOnce,
  syncUntilComplete,
  type SyncWorld,
  testSyncSettings,
  withSyncWorld,
} from '../../../../../helpers/sync-world.ts'

const settings = testSyncSettings()
const day = 86_400_000

/** Deletes `deleted` contacts and empties the Recycle Bin, then hard-deletes `hard` more. */
function purge(world: SyncWorld, orgId: string, deleted: number, hard: number): string[] {
  const control = world.sandbox.control
  const live = control.listIds(orgId, 'Contact')
  const toDelete = live.slice(100, 100 + deleted)
  const toHardDelete = live.slice(1_000, 1_000 + hard)
  control.deleteRecords(orgId, 'Contact', toDelete)
  assert.ok(control.emptyRecycleBin(orgId) >= deleted)
  control.hardDeleteRecords(orgId, 'Contact', toHardDelete)
  return [...toDelete, ...toHardDelete]
}

async function liveRows(world: SyncWorld, ids: string[]): Promise<number> {
  const [row] = await world.sql`
    select count(*)::int as n from public.contacts
     where source_id in ${world.sql(ids)} and deleted_at is null`
  return row.n
}

interface ScanState {
  deletes_covered_until: Date | null
  id_scan_pending: boolean
  id_scan_after: string | null
}

async function scanState(world: SyncWorld, integrationId: string): Promise<ScanState> {
  const [row] = await world.sql<ScanState[]>`
    select deletes_covered_until, id_scan_pending, id_scan_after
      from public.integration_sync_state where integration_id = ${integrationId}`
  return row
}

/** SOQL of the id scan's queries since `since`. */
function scanQueries(world: SyncWorld, orgId: string, since: number): string[] {
  return world.sandbox.control.requests({ orgId, sinceSeq: since, endpoint: 'queryAll' })
    .map((call) => new URL(call.path, 'http://x').searchParams.get('q')!)
    .filter((soql) => soql.startsWith('SELECT Id FROM Contact') && soql.includes('ORDER BY Id'))
}

Deno.test('purged deletes: records purged from the Recycle Bin or hard-deleted are soft-deleted from the delete log', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 1_500, seed: 91 })
    const control = world.sandbox.control
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    const gone = purge(world, orgId, 30, 10)
    // An Account delete sends its Contacts to the Recycle Bin; emptied, they vanish too.
    const account = control.listIds(orgId, 'Contact')
      .map((id) => control.getRecord(orgId, 'Contact', id)!.AccountId)
      .find((id): id is string => typeof id === 'string')!
    control.deleteRecords(orgId, 'Account', [account])
    control.emptyRecycleBin(orgId)
    assert.ok(control.listPurgedIds(orgId, 'Contact').length > 40)
    // getDeleted covers whole minutes up to the last one.
    control.advanceClock(2 * 60_000)
    const since = control.lastRequestSeq()
    const run = await syncOnce(integrationId, settings)
    assert.equal(run.status, 'succeeded')
    assert.ok(run.records_deleted >= 40, JSON.stringify(run))
    assert.equal(await liveRows(world, gone), 0)
    const calls = control.requests({ orgId, sinceSeq: since })
    assert.deepEqual(calls.map((call) => call.endpoint), ['queryAll', 'sobject.deleted'])
    assert.deepEqual(scanQueries(world, orgId, since), [], 'no id scan within the log window')
    const report = await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
    assert.equal(report.purged, control.listPurgedIds(orgId, 'Contact').length)
  })
})

Deno.test('purged deletes: a sync paused past the 15-day delete log scans ids, resumably across runs', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 5_000, seed: 92 })
    const control = world.sandbox.control
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    const gone = purge(world, orgId, 25, 5)
    control.advanceClock(16 * day)
    // The scan's second page meets the org's daily limit: the run stops with the scan half done.
    control.injectFault({ kind: 'request-limit', count: 1, orgId, path: '/query/' })
    const since = control.lastRequestSeq()
    const stopped = await syncOnce(integrationId, settings)
    assert.deepEqual([stopped.status, stopped.error_code], ['partial', 'salesforce_limit_exceeded'])
    const half = await scanState(world, integrationId)
    assert.equal(half.id_scan_pending, true)
    assert.ok(half.id_scan_after, 'the scan saved its position')
    const runs = await syncUntilComplete(integrationId, settings)
    assert.equal(runs.at(-1)!.status, 'succeeded')
    const scans = scanQueries(world, orgId, since)
    assert.equal(scans.length, 2, 'one scan, resumed once')
    assert.ok(scans[1].includes(`WHERE Id > '${half.id_scan_after}'`), scans[1])
    // One call per 2,000 ids: 5,000 ids are three pages, split over the two runs.
    const pages = control.requests({ orgId, sinceSeq: since }).filter((call) =>
      call.status === 200 && (call.endpoint === 'queryMore' ||
        (call.endpoint === 'queryAll' && call.path.includes('ORDER+BY+Id')))
    )
    assert.ok(pages.length <= 4, `${pages.length} scan pages`)
    assert.equal(await liveRows(world, gone), 0)
    const done = await scanState(world, integrationId)
    assert.deepEqual([done.id_scan_pending, done.id_scan_after], [false, null])
    assert.ok(done.deletes_covered_until! > new Date(control.now() - day))
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
    // The delete log takes over again: the next run asks it, and scans nothing.
    control.advanceClock(2 * 60_000)
    const next = control.lastRequestSeq()
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    assert.deepEqual(scanQueries(world, orgId, next), [])
    assert.equal(control.requests({ orgId, sinceSeq: next, endpoint: 'sobject.deleted' }).length, 1)
  })
})

Deno.test('purged deletes: a delete log cut after our last position (earliestDateAvailable) is filled by an id scan', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 1_500, seed: 93 })
    const control = world.sandbox.control
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    const gone = purge(world, orgId, 20, 5)
    control.advanceClock(60_000)
    assert.ok(control.truncateDeleteLog(orgId) >= 25)
    control.advanceClock(2 * 60_000)
    const since = control.lastRequestSeq()
    const run = await syncOnce(integrationId, settings)
    assert.equal(run.status, 'succeeded')
    assert.equal(scanQueries(world, orgId, since).length, 1, 'the gap was filled by one scan')
    assert.equal(await liveRows(world, gone), 0)
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})

Deno.test('purged deletes: an integration synced before deletes were tracked scans once', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 1_500, seed: 94 })
    const control = world.sandbox.control
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    await world.sql`
      update public.integration_sync_state set deletes_covered_until = null
       where integration_id = ${integrationId}`
    const gone = purge(world, orgId, 10, 3)
    const since = control.lastRequestSeq()
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    assert.equal(scanQueries(world, orgId, since).length, 1)
    assert.equal(await liveRows(world, gone), 0)
    assert.ok((await scanState(world, integrationId)).deletes_covered_until)
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})
