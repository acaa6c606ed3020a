// Runs that stop part-way and resume: an initial sync spread over several budget-limited runs,
// and 5,000 records that share one SystemModstamp read across page boundaries and across runs.
// Neither loses nor repeats a record, and no page is fetched twice.
import assert from 'node:assert/strict'
import type { RunningSandbox } from '../../../../../../scripts/sandbox/salesforce/server.ts'
import { assertMatchesSandbox } from '../../../../../helpers/sync-truth.ts'
import {
  syncOnce,
  syncState,
  syncUntilComplete,
  testSyncSettings,
  withSyncWorld,
} from '../../../../../helpers/sync-world.ts'

/** Successful query calls of an org since `sinceSeq`: the SOQL of first pages, paths of others. */
function queryCalls(sandbox: RunningSandbox, orgId: string, sinceSeq: number) {
  const calls = sandbox.control.requests({ orgId, sinceSeq })
    .filter((call) => call.endpoint.startsWith('query') && call.status === 200)
  return {
    firsts: calls.filter((call) => call.endpoint === 'queryAll')
      .map((call) => new URL(call.path, 'http://x').searchParams.get('q') ?? ''),
    mores: calls.filter((call) => call.endpoint === 'queryMore').map((call) => call.path),
  }
}

/** Each page costs ~`ms`, so a budget of a few pages stops every run part-way. */
function slowPages(sandbox: RunningSandbox, orgId: string, ms: number): void {
  sandbox.control.addLatency({ ms, path: '/query', orgId })
}

Deno.test('sync: an initial sync spans as many runs as it needs and resumes where it stopped', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 5_000, seed: 21 })
    slowPages(world.sandbox, orgId, 200)
    const since = world.sandbox.control.lastRequestSeq()
    const runs = await syncUntilComplete(
      integrationId,
      testSyncSettings({ pageSize: 500, budgetMs: 700 }),
    )
    assert.ok(runs.length >= 3, `${runs.length} runs`)
    assert.ok(runs.slice(0, -1).every((run) => run.status === 'partial'))
    const written = runs.reduce((sum, run) => sum + run.records_upserted + run.records_deleted, 0)
    assert.equal(written, 5_000, 'every record written once')
    const { firsts, mores } = queryCalls(world.sandbox, orgId, since)
    assert.equal(new Set(mores).size, mores.length, 'no page fetched twice')
    assert.equal(firsts.length, runs.length)
    assert.doesNotMatch(firsts[0], /WHERE/, 'the first run starts at the beginning')
    // Every later run resumes exactly after the cursor, once a run before it stored a page; a
    // run whose budget ended before its first commit (a slow machine) leaves no cursor, and the
    // next starts at the beginning again.
    let stored = 0
    firsts.slice(1).forEach((soql, i) => {
      stored += runs[i].records_upserted + runs[i].records_deleted
      if (stored === 0) assert.doesNotMatch(soql, /WHERE/)
      else assert.match(soql, /WHERE SystemModstamp > \S+ OR \(SystemModstamp = \S+ AND Id > '003/)
    })
    const state = await syncState(world.sql, integrationId)
    assert.ok(state.initial_sync_completed_at)
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})

Deno.test('sync: 5,000 records sharing one SystemModstamp cross page boundaries and runs exactly', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 6_000, seed: 22 })
    await syncOnce(integrationId, testSyncSettings())
    const control = world.sandbox.control
    // One bulk update: 5,000 records, one stamp. Pages of 700 put boundaries inside the tie.
    const bulk = control.touchRecords(orgId, 'Contact', { count: 5_000 })
    control.updateOrg(orgId, { batchSizeCap: 700 })
    slowPages(world.sandbox, orgId, 200)
    const since = control.lastRequestSeq()
    const runs = await syncUntilComplete(integrationId, testSyncSettings({ budgetMs: 800 }))
    assert.ok(runs.length >= 2, `${runs.length} runs`)
    const written = runs.reduce((sum, run) => sum + run.records_upserted, 0)
    assert.equal(written, 5_000, 'each of the 5,000 written exactly once')
    const { firsts, mores } = queryCalls(world.sandbox, orgId, since)
    assert.equal(new Set(mores).size, mores.length, 'no page fetched twice')
    // The first run re-reads the lookback window; every resume starts inside the tie, exactly.
    assert.match(firsts[0], /WHERE SystemModstamp >= /)
    const tie = bulk.systemModstamp.replace(/\.000\+0000$/, 'Z')
    for (const soql of firsts.slice(1)) {
      assert.ok(soql.includes(`SystemModstamp = ${tie} AND Id > '003`), soql)
    }
    const cursor = (await syncState(world.sql, integrationId)).cursor!
    assert.equal(cursor.modstamp, new Date(tie).toISOString())
    assert.equal(cursor.id, [...bulk.ids].sort().at(-1))
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})

Deno.test('sync: a run stops before its CPU estimate would pass the budget; the next resumes', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 5_000, seed: 23 })
    // A page of 1,000 is estimated at 10 ms: after two pages (20 of 25 ms) a third would not fit.
    const settings = testSyncSettings({
      pageSize: 1_000,
      cpu: { budgetMs: 25, perRecordMs: 0.01, perRunMs: 0 },
    })
    const runs = await syncUntilComplete(integrationId, settings)
    assert.deepEqual(runs.map((run) => [run.status, run.pages]), [
      ['partial', 2],
      ['partial', 2],
      ['succeeded', 1],
    ])
    const written = runs.reduce((sum, run) => sum + run.records_upserted + run.records_deleted, 0)
    assert.equal(written, 5_000)
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})
