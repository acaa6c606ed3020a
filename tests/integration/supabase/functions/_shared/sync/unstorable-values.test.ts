// A Salesforce value Postgres cannot store (U+0000 in a text field) must not stop the sync of
// its integration: the record is stored with the character removed, the run succeeds and says
// how many records it cleaned, and the log names them.
import assert from 'node:assert/strict'
import {
  syncOnce,
  syncRuns,
  testSyncSettings,
  withSyncWorld,
} from '../../../../../helpers/sync-world.ts'

Deno.test('sync: a value with U+0000 is stored cleaned, the run succeeds and says so', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 30, seed: 14 })
    const [id] = world.sandbox.control.listIds(orgId, 'Contact')
    world.sandbox.control.updateRecords(orgId, 'Contact', [
      { Id: id, LastName: 'Nul\u0000Byte', Title: '\u0000' },
    ])
    const run = await syncOnce(integrationId, testSyncSettings())
    assert.equal(run.status, 'succeeded', JSON.stringify(world.logs.entries().slice(-3)))
    const [contact] = await world.sql`
      select last_name, title from public.contacts
       where integration_id = ${integrationId} and source_id = ${id}`
    assert.deepEqual({ ...contact }, { last_name: 'NulByte', title: '' })
    const [{ n }] = await world.sql`
      select count(*)::int as n from public.contacts where integration_id = ${integrationId}`
    assert.equal(n, 30, 'the other records are stored too')
    const [row] = await syncRuns(world.sql, integrationId)
    assert.equal(row.status, 'succeeded')
    const [{ records_cleaned }] = await world.sql`
      select records_cleaned from public.sync_runs where id = ${run.run_id}`
    assert.equal(records_cleaned, 1)
    const warning = world.logs.entries().find((entry) => entry.msg?.toString().includes('cleaned'))
    assert.deepEqual(warning?.source_ids, [id])
  })
})
