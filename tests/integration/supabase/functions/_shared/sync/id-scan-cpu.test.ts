// The id scan's pages are charged to the run's CPU like the read's pages: each reserves a page's
// CPU before its call and counts its ids as spent, so a run whose CPU budget holds one page of ids
// scans one page and leaves the rest to the next runs, instead of scanning on past its budget.
import assert from 'node:assert/strict'
import { assertMatchesSandbox } from '../../../../../helpers/sync-truth.ts'
import {
  syncOnce,
  syncUntilComplete,
  testSyncSettings,
  withSyncWorld,
} from '../../../../../helpers/sync-world.ts'

const day = 86_400_000

Deno.test('id scan CPU: each scan page reserves and spends a page of CPU; a budget for one page scans one page a run', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 5_000, seed: 95 })
    const control = world.sandbox.control
    assert.equal((await syncOnce(integrationId, testSyncSettings())).status, 'succeeded')
    const live = control.listIds(orgId, 'Contact')
    const gone = [...live.slice(10, 20), ...live.slice(4_000, 4_010)]
    control.deleteRecords(orgId, 'Contact', gone)
    control.emptyRecycleBin(orgId)
    // Paused past the delete log's 15 days: the next complete read needs an id scan.
    control.advanceClock(16 * day)
    // A page costs 2,000 × 0.01 = 20 ms of 30: the run's fixed cost and the read's (empty) page
    // leave room for one scan page, not two.
    const settings = testSyncSettings({
      cpu: { budgetMs: 30, perRecordMs: 0.01, perRunMs: 1 },
    })
    const since = control.lastRequestSeq()
    const first = await syncOnce(integrationId, settings)
    assert.deepEqual([first.status, first.error_code], ['partial', null], JSON.stringify(first))
    const scanPages = (from: number) =>
      control.requests({ orgId, sinceSeq: from }).filter((call) =>
        call.endpoint === 'queryMore' ||
        (call.endpoint === 'queryAll' && call.path.includes('ORDER+BY+Id'))
      ).length
    assert.equal(scanPages(since), 1, 'one page of ids in the first run')
    const [state] = await world.sql<{ id_scan_pending: boolean; id_scan_after: string | null }[]>`
      select id_scan_pending, id_scan_after from public.integration_sync_state
       where integration_id = ${integrationId}`
    assert.equal(state.id_scan_pending, true)
    assert.ok(state.id_scan_after)
    // The rest, one page a run: 5,000 ids are three pages.
    const more = await syncUntilComplete(integrationId, settings)
    assert.equal(more.length, 2, JSON.stringify(more))
    assert.equal(scanPages(since), 3)
    const [left] = await world.sql<{ n: number }[]>`
      select count(*)::int as n from public.contacts
       where source_id in ${world.sql(gone)} and deleted_at is null`
    assert.equal(left.n, 0)
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})
