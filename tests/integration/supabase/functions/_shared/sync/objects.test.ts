// Objects beyond contacts against the sandbox and a real database: Accounts (and the company
// their contacts show), Leads, and a custom object with a field mapping, each compared with the
// sandbox's truth; a field deleted in the org fails that object alone.
import assert from 'node:assert/strict'
import { createRandom } from '../../../../../../scripts/sandbox/salesforce/data/random.ts'
import { asService } from '../../../../../../supabase/functions/_shared/db/as-user.ts'
import { createBudget } from '../../../../../../supabase/functions/_shared/sync/budget.ts'
import { checkpointPage } from '../../../../../../supabase/functions/_shared/sync/checkpoint.ts'
import { runClaimedSync } from '../../../../../../supabase/functions/_shared/sync/engine.ts'
import {
  claimSync,
  newLeaseOwner,
} from '../../../../../../supabase/functions/_shared/sync/leases.ts'
import { openRun } from '../../../../../../supabase/functions/_shared/sync/run-records.ts'
import { sourceFor } from '../../../../../../supabase/functions/_shared/sync/sources.ts'
import {
  assertObjectMatchesSandbox,
  type ObjectTruth,
} from '../../../../../helpers/object-truth.ts'
import { assertMatchesSandbox } from '../../../../../helpers/sync-truth.ts'
import {
  enableObject,
  syncOnce,
  syncState,
  syncUntilComplete,
  type SyncWorld,
  testSyncSettings,
  withSyncWorld,
} from '../../../../../helpers/sync-world.ts'

const settings = testSyncSettings()

const accountTruth: ObjectTruth = {
  sobject: 'Account',
  table: 'accounts',
  columns: 'name, website, industry, account_type, billing_city, number_of_employees',
  expected: (record) => ({
    name: record.Name ?? null,
    website: record.Website ?? null,
    industry: record.Industry ?? null,
    account_type: record.Type ?? null,
    billing_city: record.BillingCity ?? null,
    number_of_employees: record.NumberOfEmployees ?? null,
  }),
}

const leadTruth: ObjectTruth = {
  sobject: 'Lead',
  table: 'crm_leads',
  columns: 'first_name, last_name, email, phone, company, status, is_converted',
  expected: (record) => ({
    first_name: record.FirstName ?? null,
    last_name: record.LastName ?? null,
    email: record.Email ?? null,
    phone: record.Phone ?? record.MobilePhone ?? null,
    company: record.Company ?? null,
    status: record.Status ?? null,
    is_converted: record.IsConverted === true,
  }),
}

/** crm_records of `sobject`, its mapped fields in data under the team's names. */
function recordTruth(sobject: string, mapping: Record<string, string>): ObjectTruth {
  return {
    sobject,
    table: 'crm_records',
    columns: 'data',
    expected: (record) => ({
      data: Object.fromEntries(
        Object.entries(mapping).map(([field, name]) => [name, record[field] ?? null]),
      ),
    }),
  }
}

/** `n` distinct random picks of `ids`. */
function pick(random: { next(): number }, ids: string[], n: number): string[] {
  const chosen = new Set<string>()
  while (chosen.size < Math.min(n, ids.length)) {
    chosen.add(ids[Math.floor(random.next() * ids.length)])
  }
  return [...chosen]
}

/** A custom object Widget__c with `count` records, as an admin would define it in the org. */
function defineWidgets(world: SyncWorld, orgId: string, count: number): string[] {
  const control = world.sandbox.control
  control.defineObject(orgId, {
    name: 'Widget__c',
    fields: [
      { name: 'Color__c', type: 'string', length: 40 },
      { name: 'Size__c', type: 'double' },
      { name: 'Active__c', type: 'boolean' },
    ],
  })
  const colors = ['red', 'green', "blue 'ish", 'Grün', null]
  return control.insertRecords(
    orgId,
    'Widget__c',
    Array.from({ length: count }, (_, i) => ({
      Name: `W-${i}`,
      Color__c: colors[i % colors.length],
      Size__c: i % 7 === 0 ? null : i / 4,
      Active__c: i % 2 === 0,
    })),
  )
}

Deno.test('objects: random Account renames show on every contact within one sync of the Accounts, with no contact re-read', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 1_500, seed: 21 })
    const control = world.sandbox.control
    await enableObject(world.sql, integrationId, 'account')
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    assert.equal((await syncOnce(integrationId, settings, 'account')).status, 'succeeded')
    await assertObjectMatchesSandbox(world.sql, world.sandbox, orgId, integrationId, accountTruth)
    const [{ unlinked }] = await world.sql`
      select count(*)::int as unlinked from public.contacts
       where integration_id = ${integrationId} and account_source_id is not null
         and account_id is null`
    assert.equal(unlinked, 0, 'the account sync links every contact to its account row')
    const random = createRandom(21)
    for (const round of [1, 2, 3]) {
      const renamed = pick(random, control.listIds(orgId, 'Account'), 25)
      control.updateRecords(
        orgId,
        'Account',
        renamed.map((Id, i) => ({ Id, Name: `Renamed ${round}-${i} O'Hara & Søn` })),
      )
      const since = control.lastRequestSeq()
      const run = await syncOnce(integrationId, settings, 'account')
      assert.equal(run.status, 'succeeded')
      assert.ok(run.records_upserted >= renamed.length, JSON.stringify(run))
      // Zero stale companies, and no contact was read again.
      await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId, `round ${round}`)
      const queried = control.requests({ orgId, sinceSeq: since })
        .map((request) => decodeURIComponent(request.path.replaceAll('+', ' ')))
      assert.ok(queried.some((path) => path.includes('FROM Account')), 'the Accounts were read')
      assert.ok(!queried.some((path) => /Contact/.test(path)), 'the contacts were not read again')
      await assertObjectMatchesSandbox(world.sql, world.sandbox, orgId, integrationId, accountTruth)
    }
  })
})

Deno.test('objects: a contact page read before an Account rename but committed after it shows the new name', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 300, seed: 22 })
    const control = world.sandbox.control
    await enableObject(world.sql, integrationId, 'account')
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    assert.equal((await syncOnce(integrationId, settings, 'account')).status, 'succeeded')
    // A contact run reads its page (every contact, with the old names)...
    const source = sourceFor('salesforce', 'contact')(integrationId, {
      object: { object: 'contact', fieldMapping: {}, keepSourceRecord: false },
      pageSize: 2000,
      requestTimeoutMs: 5_000,
    })
    const page = await source.start(null, null, AbortSignal.timeout(10_000))
    assert.equal(page.next, null)
    // ...the Accounts are renamed and synced meanwhile...
    const renamed = control.listIds(orgId, 'Account').slice(0, 10)
    control.updateRecords(orgId, 'Account', renamed.map((Id, i) => ({ Id, Name: `Late ${i}` })))
    assert.equal((await syncOnce(integrationId, settings, 'account')).status, 'succeeded')
    // ...and the contact page commits after the rename: the old names must not come back.
    // Every contact changed since, so the page's rows win on their stamps.
    await world.sql`update public.contacts set source_modstamp = source_modstamp - interval '1 day'
                     where integration_id = ${integrationId}`
    const claim = await asService((tx) =>
      claimSync(tx, integrationId, 'contact', newLeaseOwner('test'), 60)
    )
    const runId = await openRun(claim!, 'manual')
    const counts = await checkpointPage({
      claim: claim!,
      runId,
      target: { businessId: world.businessId, integrationId, scope: 'salesforce' },
      rows: page.rows,
      cursor: page.cursor,
      readStartedAt: page.answeredAt,
      apiCalls: 1,
      leaseSeconds: 60,
    })
    assert.ok(counts.upserted > 0, 'the stale page was written')
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId, 'late page')
  })
})

Deno.test('objects: a custom object with 3,000 records syncs initially and incrementally with edits, deletes and equal stamps', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 50, seed: 23 })
    const control = world.sandbox.control
    const ids = defineWidgets(world, orgId, 3_000)
    const mapping = { Color__c: 'color', Size__c: 'size', Active__c: 'active' }
    const truth = recordTruth('Widget__c', mapping)
    await enableObject(world.sql, integrationId, 'Widget__c', mapping)
    const paged = testSyncSettings({ pageSize: 500 })
    const initial = await syncUntilComplete(integrationId, paged, 50, 'Widget__c')
    assert.ok(initial.reduce((n, run) => n + run.pages, 0) >= 6, 'read page by page')
    await assertObjectMatchesSandbox(world.sql, world.sandbox, orgId, integrationId, truth)
    const random = createRandom(23)
    for (const round of [1, 2]) {
      const live = control.listIds(orgId, 'Widget__c')
      const changed = pick(random, live, 300)
      control.updateRecords(
        orgId,
        'Widget__c',
        changed.map((Id, i) => ({ Id, Color__c: `c${round}-${i}`, Size__c: i % 3 ? i : null })),
      )
      control.deleteRecords(
        orgId,
        'Widget__c',
        pick(random, live, 100).filter((id) => !changed.includes(id)),
      )
      control.insertRecords(orgId, 'Widget__c', [{ Name: `New ${round}`, Color__c: 'new' }])
      const run = await syncOnce(integrationId, settings, 'Widget__c')
      assert.equal(run.status, 'succeeded')
      assert.ok(run.records_upserted > 0 && run.records_deleted > 0, JSON.stringify(run))
      await assertObjectMatchesSandbox(world.sql, world.sandbox, orgId, integrationId, truth)
      // Changed again within the same second: the stamp stays, the values move.
      const recent = control.touchRecords(orgId, 'Widget__c', {
        count: 40,
        changes: { Color__c: 'A' },
      })
      assert.equal((await syncOnce(integrationId, settings, 'Widget__c')).status, 'succeeded')
      control.updateRecords(
        orgId,
        'Widget__c',
        recent.ids.map((Id, i) => ({ Id, Color__c: `Same second ${round}-${i}` })),
        { systemModstamp: recent.systemModstamp },
      )
      control.deleteRecords(orgId, 'Widget__c', recent.ids.slice(0, 5))
      assert.equal((await syncOnce(integrationId, settings, 'Widget__c')).status, 'succeeded')
      await assertObjectMatchesSandbox(world.sql, world.sandbox, orgId, integrationId, truth)
    }
    assert.ok(ids.length === 3_000)
    // The contacts were never disturbed by the object's runs.
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})

Deno.test('objects: mapping a new field re-reads the object and backfills the field into every record', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 20, seed: 24 })
    defineWidgets(world, orgId, 600)
    await enableObject(world.sql, integrationId, 'Widget__c', { Color__c: 'color' })
    assert.equal((await syncOnce(integrationId, settings, 'Widget__c')).status, 'succeeded')
    const both = { Color__c: 'color', Size__c: 'size' }
    await enableObject(world.sql, integrationId, 'Widget__c', both)
    assert.equal((await syncState(world.sql, integrationId, 'Widget__c')).cursor, null)
    const run = await syncOnce(integrationId, settings, 'Widget__c')
    assert.equal(run.status, 'succeeded')
    assert.equal(run.records_upserted, 600, 'every record takes the new field')
    await assertObjectMatchesSandbox(
      world.sql,
      world.sandbox,
      orgId,
      integrationId,
      recordTruth('Widget__c', both),
    )
    // Contacts: mapped fields land in custom_fields under the team's names, the team's own keys
    // stay, and the source record is kept when asked.
    world.sandbox.control.defineField(orgId, 'Contact', { name: 'Tier__c', type: 'string' })
    const [first] = world.sandbox.control.listIds(orgId, 'Contact')
    world.sandbox.control.updateRecords(orgId, 'Contact', [{ Id: first, Tier__c: 'gold' }])
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    await world.sql`update public.contacts set custom_fields = '{"own": 1}'
                     where integration_id = ${integrationId} and source_id = ${first}`
    await enableObject(world.sql, integrationId, 'contact', { Tier__c: 'tier' }, true)
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    const [row] = await world.sql`
      select custom_fields, source_metadata -> 'record' ->> 'Tier__c' as kept
        from public.contacts where integration_id = ${integrationId} and source_id = ${first}`
    assert.deepEqual(row.custom_fields, { own: 1, tier: 'gold' })
    assert.equal(row.kept, 'gold')
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})

Deno.test('objects: a mapped field deleted in the org fails that object with field_missing and one alert; contacts keep syncing', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 200, seed: 25 })
    defineWidgets(world, orgId, 200)
    await enableObject(world.sql, integrationId, 'Widget__c', {
      Color__c: 'color',
      Size__c: 'size',
    })
    assert.equal((await syncOnce(integrationId, settings, 'Widget__c')).status, 'succeeded')
    world.sandbox.control.removeField(orgId, 'Widget__c', 'Size__c')
    for (const attempt of [1, 2, 3, 4]) {
      const run = await syncOnce(integrationId, settings, 'Widget__c')
      assert.deepEqual([run.status, run.error_code], ['failed', 'field_missing'], `run ${attempt}`)
    }
    const state = await syncState(world.sql, integrationId, 'Widget__c')
    assert.equal(state.object_error_code, 'field_missing')
    assert.match(state.object_error!, /Size__c/, 'the error names the field')
    assert.equal(state.consecutive_failures, 4)
    assert.ok(state.next_sync_at.getTime() > Date.now() + 20 * 60_000, 'the object backs off')
    assert.deepEqual([state.status, state.last_error_code], ['active', null], 'integration fine')
    const events = await world.sql`
      select metadata from public.integration_events
       where integration_id = ${integrationId} and type = 'object_sync_failing'`
    assert.equal(events.length, 1, 'one alert per streak, not one per run')
    assert.equal(events[0].metadata.object, 'Widget__c')
    const [health] = await world.sql`
      select last_error_code, error_streak from public.object_sync_health
       where integration_id = ${integrationId} and object = 'Widget__c'`
    assert.deepEqual([health.last_error_code, health.error_streak], ['field_missing', 4])
    // The other objects keep syncing.
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
    assert.equal((await syncState(world.sql, integrationId)).object_error_code, null)
    // A mapping written straight into the table that names no field is refused by the database
    // (integration_objects_field_mapping_shape); the sync checks it again when it runs
    // (objectConfig, tests/unit/.../sync/sources.test.ts).
    await assert.rejects(
      world.sql`update public.integration_objects set field_mapping = '{"Color__c FROM x": "c"}'
                 where integration_id = ${integrationId} and object = 'Widget__c'`,
      /integration_objects_field_mapping_shape/,
    )
    // Mapping the fields that exist again: the object recovers and its error clears.
    await enableObject(world.sql, integrationId, 'Widget__c', { Color__c: 'color' })
    assert.equal((await syncOnce(integrationId, settings, 'Widget__c')).status, 'succeeded')
    const recovered = await syncState(world.sql, integrationId, 'Widget__c')
    assert.deepEqual([recovered.object_error_code, recovered.consecutive_failures], [null, 0])
    await assertObjectMatchesSandbox(
      world.sql,
      world.sandbox,
      orgId,
      integrationId,
      recordTruth('Widget__c', { Color__c: 'color' }),
    )
  })
})

Deno.test('objects: Leads sync exactly, with updates, deletes and merges', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 10, leads: 800, seed: 26 })
    const control = world.sandbox.control
    await enableObject(world.sql, integrationId, 'lead')
    assert.equal((await syncOnce(integrationId, settings, 'lead')).status, 'succeeded')
    await assertObjectMatchesSandbox(world.sql, world.sandbox, orgId, integrationId, leadTruth)
    const random = createRandom(26)
    const live = control.listIds(orgId, 'Lead')
    const changed = pick(random, live, 120)
    control.updateRecords(
      orgId,
      'Lead',
      changed.map((Id, i) => ({ Id, LastName: `Lead ${i}`, Email: i % 4 ? null : `l${i}@x.test` })),
    )
    control.deleteRecords(
      orgId,
      'Lead',
      pick(random, live, 40).filter((id) => !changed.includes(id)),
    )
    control.insertRecords(orgId, 'Lead', [{ LastName: 'Fresh', Company: 'Fresh Co' }])
    const run = await syncOnce(integrationId, settings, 'lead')
    assert.equal(run.status, 'succeeded')
    assert.ok(run.records_deleted > 0, JSON.stringify(run))
    await assertObjectMatchesSandbox(world.sql, world.sandbox, orgId, integrationId, leadTruth)
    const [{ contacts }] = await world.sql`
      select count(*)::int as contacts from public.contacts where integration_id = ${integrationId}`
    assert.equal(contacts, 0, 'the lead runs wrote no contact')
  })
})

Deno.test('objects: runs of two objects under one lease owner (as a tick claims them) write only their own state', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 900, seed: 27 })
    await enableObject(world.sql, integrationId, 'account')
    const owner = newLeaseOwner('cron')
    const [contact, account] = await asService(async (tx) => [
      await claimSync(tx, integrationId, 'contact', owner, 60),
      await claimSync(tx, integrationId, 'account', owner, 60),
    ])
    const run = async (claim: typeof contact) => {
      const budget = createBudget(settings.budgetMs, settings.cpu)
      try {
        return await runClaimedSync(claim!, { trigger: 'cron', budget, settings })
      } finally {
        budget.dispose()
      }
    }
    assert.equal((await run(contact)).status, 'succeeded')
    const waiting = await syncState(world.sql, integrationId, 'account')
    assert.equal(waiting.cursor, null, "the contact run moved no other object's cursor")
    assert.equal(waiting.lease_owner, owner, "nor released the other object's lease")
    assert.equal(waiting.initial_sync_completed_at, null)
    assert.equal((await run(account)).status, 'succeeded')
    const contactState = await syncState(world.sql, integrationId)
    const accountState = await syncState(world.sql, integrationId, 'account')
    assert.ok(
      contactState.cursor!.id.startsWith('003') && accountState.cursor!.id.startsWith('001'),
    )
    assert.deepEqual([contactState.lease_owner, accountState.lease_owner], [null, null])
    const runs = await world.sql`
      select object, status from public.sync_runs where integration_id = ${integrationId}
       order by id`
    assert.deepEqual(runs.map((row) => [row.object, row.status]), [
      ['contact', 'succeeded'],
      ['account', 'succeeded'],
    ])
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
    await assertObjectMatchesSandbox(world.sql, world.sandbox, orgId, integrationId, accountTruth)
  })
})

Deno.test('objects: Tasks, archived ones included, sync into crm_records like any other object', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 30, seed: 28 })
    const control = world.sandbox.control
    const [who] = control.listIds(orgId, 'Contact')
    const ids = control.insertRecords(
      orgId,
      'Task',
      Array.from({ length: 250 }, (_, i) => ({
        Subject: `Call ${i}`,
        Status: i % 3 ? 'Completed' : 'Not Started',
        WhoId: who,
      })),
    )
    control.archiveActivities(orgId, 'Task', ids.slice(0, 50))
    const mapping = { Subject: 'subject', Status: 'status', WhoId: 'who', IsArchived: 'archived' }
    await enableObject(world.sql, integrationId, 'Task', mapping)
    assert.equal((await syncOnce(integrationId, settings, 'Task')).status, 'succeeded')
    control.updateRecords(
      orgId,
      'Task',
      ids.slice(100, 120).map((Id) => ({ Id, Status: 'Deferred' })),
    )
    control.deleteRecords(orgId, 'Task', ids.slice(200, 210))
    assert.equal((await syncOnce(integrationId, settings, 'Task')).status, 'succeeded')
    const { live } = await assertObjectMatchesSandbox(
      world.sql,
      world.sandbox,
      orgId,
      integrationId,
      recordTruth('Task', mapping),
    )
    assert.equal(live, 240, 'archived tasks are still records; deleted ones are not live')
  })
})
