// The initial sync against the sandbox and a real database: 10,000 contacts land exactly in
// one run, each page fetched once, the run recorded with every counter and the cursor at the
// last record. (Initial syncs spread over several runs: resume.test.ts.)
import assert from 'node:assert/strict'
import { assertMatchesSandbox } from '../../../../../helpers/sync-truth.ts'
import {
  syncOnce,
  syncRuns,
  syncState,
  testSyncSettings,
  withSyncWorld,
} from '../../../../../helpers/sync-world.ts'

Deno.test('sync: an initial sync of 10,000 contacts stores every one exactly', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 10_000, seed: 7 })
    const since = world.sandbox.control.lastRequestSeq()
    // Calls are counted: a page a loaded machine serves in over a second must not time out and
    // be asked again.
    const run = await syncOnce(integrationId, testSyncSettings({ requestTimeoutMs: 15_000 }))
    assert.equal(run.status, 'succeeded', JSON.stringify(world.logs.entries().slice(-3)))
    assert.equal(run.pages, 5)
    // Five pages, and the delete log from when the read began (deletes during the read).
    assert.equal(run.api_calls, 6)
    const report = await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
    assert.equal(report.records, 10_000)
    assert.equal(run.records_upserted + run.records_deleted, 10_000)
    const calls = world.sandbox.control.requests({ orgId, sinceSeq: since })
    assert.deepEqual(calls.map((call) => call.endpoint), [
      'queryAll',
      'queryMore',
      'queryMore',
      'queryMore',
      'queryMore',
      'sobject.deleted',
    ])
    const state = await syncState(world.sql, integrationId)
    assert.ok(state.initial_sync_completed_at, 'the initial sync is marked complete')
    const last = world.sandbox.control.listIds(orgId, 'Contact', { includeDeleted: true })
      .map((id) => {
        const stamp = String(world.sandbox.control.getRecord(orgId, 'Contact', id)!.SystemModstamp)
        return { modstamp: new Date(stamp.replace(/(\d{2})(\d{2})$/, '$1:$2')).toISOString(), id }
      })
      .sort((a, b) => a.modstamp.localeCompare(b.modstamp) || (a.id < b.id ? -1 : 1))
      .at(-1)
    assert.deepEqual(state.cursor, last, 'the cursor is the last record in sync order')
    assert.equal(state.lease_owner, null, 'the lease is released')
    assert.equal(state.consecutive_failures, 0)
    const [row] = await syncRuns(world.sql, integrationId)
    assert.deepEqual(
      {
        status: row.status,
        pages: row.pages,
        records_upserted: row.records_upserted,
        records_deleted: row.records_deleted,
        api_calls: row.api_calls,
      },
      {
        status: 'succeeded',
        pages: 5,
        records_upserted: run.records_upserted,
        records_deleted: run.records_deleted,
        api_calls: run.api_calls,
      },
    )
  })
})
