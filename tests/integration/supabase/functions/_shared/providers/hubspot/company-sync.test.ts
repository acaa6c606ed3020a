// The HubSpot company mapping in Postgres (search answer JSON → public.accounts columns), written
// into the accounts table as the engine's upsert will, and the company source reading the
// sandbox's companies by `hs_lastmodifieddate` (facts hubspot.md trap 4).
import assert from 'node:assert/strict'
import {
  hubspotCompanyMapping,
  hubspotCompanySync,
} from '../../../../../../../supabase/functions/_shared/providers/hubspot/company-sync.ts'
import { readSearchPage } from '../../../../../../../supabase/functions/_shared/providers/hubspot/crm-page.ts'
import { accountsTable } from '../../../../../../../supabase/functions/_shared/sync/tables.ts'
import { withHubSpotSyncWorld } from '../../../../../../helpers/hubspot-sync-world.ts'

const page = {
  total: 3,
  results: [
    {
      id: '9001',
      properties: {
        name: 'Acme Corp',
        domain: 'acme.example',
        website: null,
        phone: '+1 555 0100',
        industry: 'COMPUTER_SOFTWARE',
        type: 'CUSTOMER',
        annualrevenue: '1250000.50',
        numberofemployees: '250.0',
        city: 'Zürich',
        state: null,
        country: 'Switzerland',
        hs_parent_company_id: '9000',
        createdate: '2026-03-01T09:00:00Z',
        hs_lastmodifieddate: '2026-03-02T10:00:00.123Z',
        hs_object_id: '9001',
      },
      archived: false,
    },
    {
      id: '9002',
      properties: {
        name: "O'Hara & Söhne",
        annualrevenue: 'about a million',
        numberofemployees: '12000000000',
        hs_lastmodifieddate: '2026-03-02T10:00:00Z',
      },
    },
    // The same company twice in one answer (it changed while we paged): the newer one stays.
    {
      id: '9002',
      properties: { name: 'Newer name', hs_lastmodifieddate: '2026-03-02T10:00:01Z' },
    },
  ],
}

Deno.test('hubspot companies: the mapping fills the accounts columns, numbers only when they are numbers', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const body = JSON.stringify(page)
    const read = readSearchPage(page, body, 'hs_lastmodifieddate', hubspotCompanyMapping)
    assert.equal(read.rows.json, body, 'the page bytes go to Postgres as they came')
    const [integration] = await world.sql<{ id: string }[]>`
      insert into public.integrations (business_id, provider, name, created_by, status)
      values (${world.businessId}, 'hubspot', 'Companies', ${world.ownerId}, 'active')
      returning id`
    const names = accountsTable.columns.map((column) => column.name)
    const written = await world.sql.unsafe(
      `with page as (${hubspotCompanyMapping.pageSql})
       insert into public.accounts (business_id, integration_id, source_type, source_id,
                                    source_modstamp, ${names.join(', ')})
       select $2::uuid, $3::uuid, 'hubspot', source_id, source_modstamp, ${names.join(', ')}
         from page
       returning source_id, source_modstamp, name, website, phone, industry, account_type,
                 annual_revenue::text, number_of_employees, billing_city, billing_state,
                 billing_country, parent_source_id, source_metadata`,
      [read.rows.json, world.businessId, integration.id],
    )
    assert.equal(written.length, 2)
    const [acme, ohara] = [...written].sort((a, b) => a.source_id.localeCompare(b.source_id))
    assert.deepEqual({ ...acme, source_modstamp: acme.source_modstamp.toISOString() }, {
      source_id: '9001',
      source_modstamp: '2026-03-02T10:00:00.123Z',
      name: 'Acme Corp',
      website: 'acme.example',
      phone: '+1 555 0100',
      industry: 'COMPUTER_SOFTWARE',
      account_type: 'CUSTOMER',
      annual_revenue: '1250000.50',
      number_of_employees: 250,
      billing_city: 'Zürich',
      billing_state: null,
      billing_country: 'Switzerland',
      parent_source_id: '9000',
      source_metadata: {
        domain: 'acme.example',
        annual_revenue: '1250000.50',
        number_of_employees: '250.0',
        created_date: '2026-03-01T09:00:00.000Z',
        last_modified_date: '2026-03-02T10:00:00.123Z',
      },
    })
    assert.deepEqual(
      [ohara.name, ohara.annual_revenue, ohara.number_of_employees],
      ['Newer name', null, null],
    )
  })
})

Deno.test('hubspot companies: the company source reads every company of a portal by hs_lastmodifieddate', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await world.connect({ contacts: 0, companies: 450 })
    const control = world.hubspot.control
    const ids = control.listIds(portalId, 'companies')
    ids.forEach((id, i) => {
      if (i % 3 === 0) {
        control.touchRecords(portalId, 'companies', { ids: [id], at: control.now() + i })
      }
    })
    const source = hubspotCompanySync(integrationId, {
      object: { object: 'account', fieldMapping: {}, keepSourceRecord: false },
      pageSize: 200,
      requestTimeoutMs: 10_000,
    })
    const signal = new AbortController().signal
    const seen = new Set<string>()
    let page = await source.start(null, null, signal)
    for (;;) {
      for (const record of JSON.parse(page.rows.json).results) seen.add(record.id)
      if (!page.next) break
      page = await source.next(page.next, signal)
    }
    assert.deepEqual([...seen].sort(), [...ids].sort())
    const searches = control.requests({ orgId: String(portalId), endpoint: 'crm.search' })
    assert.ok(searches.every((call) => call.path === '/crm/v3/objects/companies/search'))
    assert.ok(searches.every((call) => call.status === 200))
  })
})
