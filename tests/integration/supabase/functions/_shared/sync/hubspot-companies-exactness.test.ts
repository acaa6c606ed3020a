// The HubSpot company sync (the `account` object of a HubSpot integration) against the HubSpot
// sandbox and a real database, scenario by scenario, compared with the sandbox's truth after
// each: zero missing, extra, duplicated or stale accounts, and every contact showing its primary
// company's current name (the contacts table's company invariant, tables.ts).
import assert from 'node:assert/strict'
import {
  compareWithHubSpot,
  type HubSpotSyncWorld,
  withHubSpotSyncWorld,
} from '../../../../../helpers/hubspot-sync-world.ts'
import { assertExact, type TruthReport } from '../../../../../helpers/sync-truth.ts'
import { enableObject, syncOnce, testSyncSettings } from '../../../../../helpers/sync-world.ts'

const settings = () => testSyncSettings({ requestTimeoutMs: 15_000 })

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null)

/**
 * The integration's accounts against the portal's companies as the sandbox has them now: every
 * live company one live row with its current values; a row of a company no longer live
 * (archived, merged away) soft-deleted.
 */
async function compareCompanies(
  world: HubSpotSyncWorld,
  portalId: number,
  integrationId: string,
): Promise<TruthReport> {
  const rows = await world.sql<
    {
      source_id: string
      deleted: boolean
      name: string | null
      website: string | null
      phone: string | null
      industry: string | null
      billing_city: string | null
      source_modstamp: Date
    }[]
  >`
    select source_id, deleted_at is not null as deleted, name, website, phone, industry,
           billing_city, source_modstamp
      from public.accounts where integration_id = ${integrationId}`
  const byId = new Map<string, (typeof rows)[number]>()
  const duplicated: string[] = []
  for (const row of rows) {
    if (byId.has(row.source_id)) duplicated.push(row.source_id)
    byId.set(row.source_id, row)
  }
  const control = world.hubspot.control
  const ids = control.listIds(portalId, 'companies')
  const missing: string[] = []
  const stale: string[] = []
  for (const id of ids) {
    const p = control.getRecord(portalId, 'companies', id)!.properties
    const row = byId.get(id)
    byId.delete(id)
    if (!row || row.deleted) {
      missing.push(id)
      continue
    }
    const want = [
      text(p.name),
      text(p.website) ?? text(p.domain),
      text(p.phone),
      text(p.industry),
      text(p.city),
      new Date(String(p.hs_lastmodifieddate)).toISOString(),
    ]
    const got = [
      row.name,
      row.website,
      row.phone,
      row.industry,
      row.billing_city,
      row.source_modstamp.toISOString(),
    ]
    if (JSON.stringify(got) !== JSON.stringify(want)) stale.push(id)
  }
  const leftover = [...byId.values()]
  const extra = leftover.filter((row) => !row.deleted)
  return {
    records: ids.length,
    live: rows.filter((row) => !row.deleted).length,
    missing,
    extra: extra.map((row) => row.source_id),
    purged: leftover.length - extra.length,
    duplicated,
    stale,
  }
}

/**
 * Contacts whose `company` differs from what the invariant says: the current name of the primary
 * company (associatedcompanyid) when its account row is live, null when that row is deleted,
 * the contact's own company text when the company has no row.
 */
async function contactsWithWrongCompany(
  world: HubSpotSyncWorld,
  portalId: number,
  integrationId: string,
): Promise<string[]> {
  const rows = await world.sql<{ source_id: string; company: string | null }[]>`
    select source_id, company from public.contacts
     where integration_id = ${integrationId} and deleted_at is null`
  const accounts = new Map(
    (await world.sql<{ source_id: string; name: string | null; deleted: boolean }[]>`
      select source_id, name, deleted_at is not null as deleted from public.accounts
       where integration_id = ${integrationId}`).map((row) => [row.source_id, row]),
  )
  const control = world.hubspot.control
  const wrong: string[] = []
  for (const row of rows) {
    const p = control.getRecord(portalId, 'contacts', row.source_id)!.properties
    const account = accounts.get(String(p.associatedcompanyid))
    const want = account ? (account.deleted ? null : account.name) : text(p.company)
    if (row.company !== want) wrong.push(row.source_id)
  }
  return wrong
}

async function assertCompaniesExact(world: HubSpotSyncWorld, portalId: number, id: string) {
  const report = assertExact(await compareCompanies(world, portalId, id), 'hubspot companies')
  assert.deepEqual(await contactsWithWrongCompany(world, portalId, id), [], 'contacts company')
  return report
}

/** Syncs the account object, then contacts, of a portal just connected. */
async function syncedPortal(world: HubSpotSyncWorld, companies: number, contacts: number) {
  const portal = await world.connect({ companies, contacts, seed: companies })
  await enableObject(world.sql, portal.integrationId, 'account')
  const accounts = await syncOnce(portal.integrationId, settings(), 'account')
  assert.equal(accounts.status, 'succeeded', JSON.stringify(accounts))
  const people = await syncOnce(portal.integrationId, settings())
  assert.equal(people.status, 'succeeded', JSON.stringify(people))
  world.hubspot.control.advanceClock(60_000)
  return portal
}

Deno.test('hubspot companies: an initial sync stores every company exactly, contacts linked', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await syncedPortal(world, 600, 1_200)
    const report = await assertCompaniesExact(world, portalId, integrationId)
    assert.equal(report.records, 600)
    const [{ linked }] = await world.sql<{ linked: number }[]>`
      select count(*)::int as linked from public.contacts
       where integration_id = ${integrationId} and account_id is not null`
    assert.ok(linked > 800, `${linked} contacts linked to their company's row`)
    await assertExact(await compareWithHubSpot(world, portalId, integrationId), 'contacts')
  })
})

Deno.test('hubspot companies: random edits, creates, archives and restores land exactly', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await syncedPortal(world, 500, 300)
    const control = world.hubspot.control
    let seed = 31
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const pick = (n: number) => {
      const ids = control.listIds(portalId, 'companies')
      return ids.filter(() => random() < n / ids.length)
    }
    for (let round = 0; round < 5; round++) {
      control.updateRecords(
        portalId,
        'companies',
        pick(30).map((id, i) => ({
          id,
          properties: {
            industry: ['RETAIL', 'FINANCIAL_SERVICES'][(round + i) % 2],
            phone: random() < 0.5 ? null : `+1 ${i}`,
            city: 'Zürich',
          },
        })),
      )
      control.advanceClock(1 + Math.floor(random() * 5))
      control.archiveRecords(portalId, 'companies', pick(8))
      control.createRecords(portalId, 'companies', [
        { name: `Nouvelle ${round}`, domain: `new-${round}.example` },
      ])
      control.advanceClock(3)
    }
    const archived = control.listIds(portalId, 'companies', { archived: true })
    control.restoreRecords(portalId, 'companies', archived.slice(0, 4))
    control.advanceClock(60_000)
    const run = await syncOnce(integrationId, settings(), 'account')
    assert.equal(run.status, 'succeeded', JSON.stringify(run))
    const report = await assertCompaniesExact(world, portalId, integrationId)
    assert.ok(report.purged >= archived.length - 4, 'archived companies are soft-deleted rows')
  })
})

Deno.test('hubspot companies: a rename shows on its contacts within one company sync, no contact re-read', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await syncedPortal(world, 50, 400)
    const control = world.hubspot.control
    const contactIds = control.listIds(portalId, 'contacts')
    const companyId = contactIds
      .map((id) => control.getRecord(portalId, 'contacts', id)!.properties.associatedcompanyid)
      .find((id): id is string => typeof id === 'string' && id !== '')!
    const members = contactIds.filter((id) =>
      control.getRecord(portalId, 'contacts', id)!.properties.associatedcompanyid === companyId
    )
    assert.ok(members.length > 1, 'the company has contacts')
    control.updateRecords(portalId, 'companies', [
      { id: companyId, properties: { name: 'Renamed & Söhne' } },
    ])
    control.advanceClock(60_000)
    const since = control.lastRequestSeq()
    const run = await syncOnce(integrationId, settings(), 'account')
    assert.equal(run.status, 'succeeded', JSON.stringify(run))
    const calls = control.requests({ orgId: String(portalId), sinceSeq: since })
    assert.ok(calls.every((call) => !call.path.includes('/contacts')), 'no contact was read')
    const rows = await world.sql<{ company: string | null }[]>`
      select company from public.contacts
       where integration_id = ${integrationId} and source_id in ${world.sql(members)}`
    assert.equal(rows.length, members.length)
    assert.ok(rows.every((row) => row.company === 'Renamed & Söhne'), JSON.stringify(rows))
    await assertCompaniesExact(world, portalId, integrationId)
  })
})

Deno.test('hubspot companies: merged-away companies are deleted by the id reconciliation, contacts follow the survivor', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await syncedPortal(world, 80, 300)
    const control = world.hubspot.control
    const ids = control.listIds(portalId, 'companies')
    control.mergeRecords(portalId, 'companies', ids[0], ids[1])
    control.mergeRecords(portalId, 'companies', ids[2], ids[3])
    control.advanceClock(60_000)
    assert.equal((await syncOnce(integrationId, settings(), 'account')).status, 'succeeded')
    assert.equal((await syncOnce(integrationId, settings())).status, 'succeeded')
    // The survivors are read; the absorbed ids no listing names are live until reconciliation.
    const before = await compareCompanies(world, portalId, integrationId)
    assert.deepEqual(before.extra.sort(), [ids[1], ids[3]].sort())
    assert.deepEqual([before.missing, before.stale], [[], []])
    // The next day's first run reconciles every id.
    control.advanceClock(24 * 3_600_000)
    const run = await syncOnce(integrationId, settings(), 'account')
    assert.equal(run.status, 'succeeded', JSON.stringify(run))
    assert.equal(run.records_deleted, 2)
    const report = await assertCompaniesExact(world, portalId, integrationId)
    assert.equal(report.purged, 2)
  })
})
