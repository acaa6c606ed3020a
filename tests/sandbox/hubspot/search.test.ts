// The HubSpot sandbox's CRM search: filters on the modified date, sorts, 200 per page, the
// 10,000-result cap, thousands of records in one millisecond, search lag, archived excluded.

import assert from 'node:assert/strict'
import {
  createPortalWithApp,
  hubspotApi,
  hubspotInProcess,
  installApp,
} from '../../helpers/hubspot-sandbox.ts'

async function connected(contacts: number, companies = 0, searchLagMs = 0) {
  const sb = hubspotInProcess()
  const portal = createPortalWithApp(sb, { contacts, companies, searchLagMs })
  // No rate limits in the way of these tests (limits.test.ts covers them).
  sb.control.updatePortal(portal.portalId, { burstLimit: 1e9, searchPerSecond: 1e9 })
  const t = await installApp(sb, portal.app)
  const search = (type: string, body: unknown) =>
    hubspotApi(sb, t.access_token, `/crm/v3/objects/${type}/search`, { body })
  return { sb, portal, search }
}

const since = (propertyName: string, ms: number, operator = 'GTE') => ({
  filterGroups: [{ filters: [{ propertyName, operator, value: String(ms) }] }],
  sorts: [{ propertyName, direction: 'ASCENDING' }],
})

Deno.test('search filters on lastmodifieddate with GTE, sorted ascending, ties by id', async () => {
  const { sb, portal, search } = await connected(30)
  const start = sb.control.now()
  const ids = sb.control.listIds(portal.portalId, 'contacts')
  sb.control.advanceClock(1000)
  sb.control.touchRecords(portal.portalId, 'contacts', { ids: [ids[5], ids[3]] })
  sb.control.advanceClock(1000)
  sb.control.touchRecords(portal.portalId, 'contacts', { ids: [ids[1]] })
  const res = await search('contacts', { ...since('lastmodifieddate', start + 1000), limit: 10 })
  assert.equal(res.status, 200)
  assert.equal(res.body.total, 3)
  assert.deepEqual(res.body.results.map((r: { id: string }) => r.id), [ids[3], ids[5], ids[1]])
  // GT at the tie's millisecond loses it (trap 3), GTE keeps it.
  const gt = await search('contacts', since('lastmodifieddate', start + 1000, 'GT'))
  assert.deepEqual(gt.body.results.map((r: { id: string }) => r.id), [ids[1]])
  const iso = new Date(start + 2000).toISOString()
  const byIso = await search('contacts', {
    filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'EQ', value: iso }] }],
  })
  assert.equal(byIso.body.total, 1)
  const desc = await search('contacts', {
    ...since('lastmodifieddate', start + 1000),
    sorts: [{ propertyName: 'lastmodifieddate', direction: 'DESCENDING' }],
  })
  assert.equal(desc.body.results[0].id, ids[1])
})

Deno.test('companies are searched on hs_lastmodifieddate; lastmodifieddate is a 400', async () => {
  const { sb, search } = await connected(0, 10)
  const ok = await search('companies', since('hs_lastmodifieddate', sb.control.now()))
  assert.equal(ok.status, 200)
  assert.equal(ok.body.total, 10)
  const wrong = await search('companies', since('lastmodifieddate', sb.control.now()))
  assert.equal(wrong.status, 400)
  assert.equal(wrong.body.category, 'VALIDATION_ERROR')
})

Deno.test('pages hold at most 200 and `after` is an offset; 201 is refused', async () => {
  const { sb, search } = await connected(450)
  const body = since('lastmodifieddate', sb.control.now() - 1)
  const ids: string[] = []
  let after: string | undefined = undefined
  do {
    const page: { body: { results: { id: string }[]; paging?: { next: { after: string } } } } =
      await search('contacts', { ...body, limit: 200, ...(after ? { after } : {}) })
    ids.push(...page.body.results.map((r) => r.id))
    after = page.body.paging?.next.after
    if (after) assert.equal(Number(after), ids.length)
  } while (after)
  assert.equal(ids.length, 450)
  assert.equal(new Set(ids).size, 450)
  const big = await search('contacts', { ...body, limit: 201 })
  assert.equal(big.status, 400)
  const unknown = await search('contacts', {
    filterGroups: [{ filters: [{ propertyName: 'email', operator: 'LIKE', value: 'x' }] }],
  })
  assert.equal(unknown.status, 400)
  const groups = Array.from({ length: 6 }, () => ({
    filters: [{ propertyName: 'email', operator: 'HAS_PROPERTY' }],
  }))
  assert.equal((await search('contacts', { filterGroups: groups })).status, 400)
})

Deno.test('10,001 records in one millisecond: total is exact, paging stops at 10,000 with a 400', async () => {
  const { sb, portal, search } = await connected(10_001)
  sb.control.advanceClock(60_000)
  const touched = sb.control.touchRecords(portal.portalId, 'contacts', {})
  assert.equal(touched.ids.length, 10_001)
  const at = Date.parse(touched.at)
  const body = {
    filterGroups: [{
      filters: [{ propertyName: 'lastmodifieddate', operator: 'EQ', value: String(at) }],
    }],
    sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
    properties: ['hs_object_id'],
  }
  const last = await search('contacts', { ...body, limit: 200, after: '9800' })
  assert.equal(last.status, 200)
  assert.equal(last.body.total, 10_001)
  assert.equal(last.body.results.length, 200)
  // The cursor points past the cap: following it is the 400 every naive sync meets (trap 1).
  assert.equal(last.body.paging.next.after, '10000')
  const past = await search('contacts', { ...body, limit: 200, after: '10000' })
  assert.equal(past.status, 400)
  assert.equal(past.body.category, 'VALIDATION_ERROR')
  // Draining the instant by id (EQ + hs_object_id GT) reaches the 10,001st record.
  const lastSeen = last.body.results.at(-1).id
  const rest = await search('contacts', {
    ...body,
    filterGroups: [{
      filters: [
        ...body.filterGroups[0].filters,
        { propertyName: 'hs_object_id', operator: 'GT', value: lastSeen },
      ],
    }],
    limit: 200,
  })
  assert.equal(rest.body.total, 1)
  assert.equal(rest.body.results[0].id, touched.ids.at(-1))
})

Deno.test('search lags changes by the portal lag on the sandbox clock; reads do not', async () => {
  const { sb, portal, search } = await connected(5, 0, 0)
  sb.control.updatePortal(portal.portalId, { searchLagMs: 4000 })
  const [id] = sb.control.listIds(portal.portalId, 'contacts')
  sb.control.advanceClock(1000)
  const { at } = sb.control.updateRecords(portal.portalId, 'contacts', [{
    id,
    properties: { firstname: 'Later' },
  }])
  const query = { ...since('lastmodifieddate', Date.parse(at)), properties: ['firstname'] }
  assert.equal((await search('contacts', query)).body.total, 0)
  assert.equal(sb.control.getRecord(portal.portalId, 'contacts', id)!.searchable, false)
  const created = sb.control.createRecords(portal.portalId, 'contacts', [{ email: 'n@x.test' }])
  const byEmail = {
    filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'n@x.test' }] }],
  }
  assert.equal((await search('contacts', byEmail)).body.total, 0)
  sb.control.advanceClock(3999)
  assert.equal((await search('contacts', query)).body.total, 0)
  sb.control.advanceClock(1)
  // The edited contact and the one created in the same millisecond.
  const seen = await search('contacts', query)
  assert.equal(seen.body.total, 2)
  assert.equal(seen.body.results[0].id, id)
  assert.equal(seen.body.results[0].properties.firstname, 'Later')
  assert.equal((await search('contacts', byEmail)).body.results[0].id, created[0])
  // A per-change lag overrides the portal's.
  sb.control.updateRecords(portal.portalId, 'contacts', [{ id, properties: { firstname: 'Z' } }], {
    visibleAfterMs: 60_000,
  })
  sb.control.advanceClock(59_999)
  const stale = await search('contacts', { ...query, filterGroups: [] })
  const row = stale.body.results.find((r: { id: string }) => r.id === id)
  assert.equal(row.properties.firstname, 'Later')
})

Deno.test('search never returns archived records', async () => {
  const { sb, portal, search } = await connected(4)
  const [id] = sb.control.listIds(portal.portalId, 'contacts')
  sb.control.archiveRecords(portal.portalId, 'contacts', [id])
  const res = await search('contacts', { limit: 100 })
  assert.equal(res.body.total, 3)
  assert.ok(!res.body.results.some((r: { id: string }) => r.id === id))
})
