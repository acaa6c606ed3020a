// The HubSpot sandbox's CRM objects API: list paging, the archived view, batch read, writes,
// merges, GDPR deletes, properties and associations, and portals kept apart.

import assert from 'node:assert/strict'
import {
  createPortalWithApp,
  hubspotApi,
  hubspotInProcess,
  installApp,
} from '../../helpers/hubspot-sandbox.ts'

async function connected(contacts = 20, companies = 5) {
  const sb = hubspotInProcess()
  const portal = createPortalWithApp(sb, { contacts, companies })
  const t = await installApp(sb, portal.app)
  const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
    hubspotApi(sb, t.access_token, path, init)
  return { sb, portal, api, token: t.access_token }
}

Deno.test('listing pages by `after` in id order and returns every record exactly once', async () => {
  const { api, sb, portal } = await connected(250)
  const seen: string[] = []
  let after: string | undefined
  let pages = 0
  do {
    const page = await api(`/crm/v3/objects/contacts?limit=100${after ? `&after=${after}` : ''}`)
    assert.equal(page.status, 200)
    seen.push(...page.body.results.map((r: { id: string }) => r.id))
    after = page.body.paging?.next?.after
    pages++
  } while (after)
  assert.equal(pages, 3)
  assert.deepEqual(seen, sb.control.listIds(portal.portalId, 'contacts'))
  assert.equal(new Set(seen).size, 250)
  const tooBig = await api('/crm/v3/objects/contacts?limit=101')
  assert.equal(tooBig.status, 400)
  assert.equal(tooBig.body.category, 'VALIDATION_ERROR')
})

Deno.test('records carry string properties: the defaults, or those named (unknown ones ignored)', async () => {
  const { api } = await connected(3)
  const plain = (await api('/crm/v3/objects/contacts?limit=1')).body.results[0]
  assert.deepEqual(Object.keys(plain.properties).sort(), [
    'createdate',
    'email',
    'firstname',
    'hs_object_id',
    'lastmodifieddate',
    'lastname',
  ])
  assert.equal(plain.properties.hs_object_id, plain.id)
  assert.equal(plain.archived, false)
  assert.match(plain.updatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  const named = (await api('/crm/v3/objects/contacts?limit=1&properties=jobtitle,nonexistent'))
    .body.results[0]
  assert.ok('jobtitle' in named.properties)
  assert.ok(!('nonexistent' in named.properties))
  assert.ok(!('email' in named.properties))
  const company = (await api('/crm/v3/objects/companies?limit=1')).body.results[0]
  assert.ok('hs_lastmodifieddate' in company.properties)
  assert.ok(!('lastmodifieddate' in company.properties))
})

Deno.test('archived records are listed with archivedAt for 90 days, then vanish', async () => {
  const { api, sb, portal } = await connected(5)
  const [gone] = sb.control.listIds(portal.portalId, 'contacts')
  sb.control.archiveRecords(portal.portalId, 'contacts', [gone])
  const live = await api('/crm/v3/objects/contacts?limit=100')
  assert.ok(!live.body.results.some((r: { id: string }) => r.id === gone))
  const archived = await api('/crm/v3/objects/contacts?archived=true')
  assert.equal(archived.body.results.length, 1)
  assert.equal(archived.body.results[0].id, gone)
  assert.equal(archived.body.results[0].archived, true)
  assert.equal(archived.body.results[0].archivedAt, new Date(sb.control.now()).toISOString())
  assert.equal((await api(`/crm/v3/objects/contacts/${gone}`)).status, 404)
  sb.control.advanceClock(89 * 86_400_000)
  // The token expired meanwhile: a fresh install reads on.
  const t = await installApp(sb, portal.app)
  const later = await hubspotApi(sb, t.access_token, '/crm/v3/objects/contacts?archived=true')
  assert.equal(later.body.results.length, 1)
  sb.control.advanceClock(2 * 86_400_000)
  const t2 = await installApp(sb, portal.app)
  const purged = await hubspotApi(sb, t2.access_token, '/crm/v3/objects/contacts?archived=true')
  assert.equal(purged.body.results.length, 0)
})

Deno.test('batch read returns found records and 207 with the missing ids; over 100 is refused', async () => {
  const { api, sb, portal } = await connected(5)
  const ids = sb.control.listIds(portal.portalId, 'contacts')
  const res = await api('/crm/v3/objects/contacts/batch/read', {
    body: { properties: ['email'], inputs: [{ id: ids[0] }, { id: '999999999' }, { id: ids[1] }] },
  })
  assert.equal(res.status, 207)
  assert.equal(res.body.status, 'COMPLETE')
  assert.deepEqual(res.body.results.map((r: { id: string }) => r.id), [ids[0], ids[1]])
  assert.equal(res.body.errors[0].category, 'OBJECT_NOT_FOUND')
  assert.deepEqual(res.body.errors[0].context.ids, ['999999999'])
  const all = await api('/crm/v3/objects/contacts/batch/read', {
    body: { inputs: ids.map((id) => ({ id })) },
  })
  assert.equal(all.status, 200)
  const tooMany = await api('/crm/v3/objects/contacts/batch/read', {
    body: { inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })) },
  })
  assert.equal(tooMany.status, 400)
  const byEmail = await api('/crm/v3/objects/contacts/batch/read', {
    body: {
      idProperty: 'email',
      inputs: [{
        id: sb.control.getRecord(portal.portalId, 'contacts', ids[2])!.properties.email!,
      }],
    },
  })
  assert.equal(byEmail.body.results[0].id, ids[2])
})

Deno.test('writes: create (409 on a taken email, id only in the message), update, archive', async () => {
  const { api, sb, portal } = await connected(2)
  const created = await api('/crm/v3/objects/contacts', {
    body: { properties: { email: 'new@example.com', firstname: 'Ada' } },
  })
  assert.equal(created.status, 201)
  const id = created.body.id
  const dup = await api('/crm/v3/objects/contacts', {
    body: { properties: { email: 'NEW@example.com' } },
  })
  assert.equal(dup.status, 409)
  assert.equal(dup.body.category, 'CONFLICT')
  assert.equal(dup.body.message, `Contact already exists. Existing ID: ${id}`)
  sb.control.advanceClock(1000)
  const updated = await api(`/crm/v3/objects/contacts/${id}`, {
    method: 'PATCH',
    body: { properties: { firstname: 'Grace', hs_object_id: '1' } },
  })
  assert.equal(updated.status, 200)
  assert.equal(updated.body.properties.firstname, 'Grace')
  assert.equal(updated.body.id, id)
  assert.equal(updated.body.updatedAt, new Date(sb.control.now()).toISOString())
  const bad = await api(`/crm/v3/objects/contacts/${id}`, {
    method: 'PATCH',
    body: { properties: { nosuch: 'x' } },
  })
  assert.equal(bad.status, 400)
  assert.equal((await api(`/crm/v3/objects/contacts/${id}`, { method: 'DELETE' })).status, 204)
  assert.deepEqual(sb.control.listIds(portal.portalId, 'contacts', { archived: true }), [id])
})

Deno.test('a merge keeps the survivor, lists the absorbed id, and the absorbed id vanishes', async () => {
  const { api, sb, portal } = await connected(4, 2)
  const [keep, absorb] = sb.control.listIds(portal.portalId, 'contacts')
  const [company] = sb.control.listIds(portal.portalId, 'companies')
  sb.control.associate(portal.portalId, absorb, company)
  sb.control.advanceClock(5000)
  const merged = await api('/crm/v3/objects/contacts/merge', {
    body: { primaryObjectId: keep, objectIdToMerge: absorb },
  })
  assert.equal(merged.status, 200)
  assert.equal(merged.body.id, keep)
  const survivor = sb.control.getRecord(portal.portalId, 'contacts', keep)!
  assert.equal(survivor.properties.hs_merged_object_ids, absorb)
  assert.equal(survivor.updatedAt, new Date(sb.control.now()).toISOString())
  assert.ok(survivor.companyIds!.includes(company))
  // Gone from the listing and not archived either (facts: merges are no deletes).
  assert.ok(!sb.control.listIds(portal.portalId, 'contacts').includes(absorb))
  assert.deepEqual(sb.control.listIds(portal.portalId, 'contacts', { archived: true }), [])
  // A read of the old id follows the merge; batch read reports it missing.
  assert.equal((await api(`/crm/v3/objects/contacts/${absorb}`)).body.id, keep)
  const batch = await api('/crm/v3/objects/contacts/batch/read', {
    body: { inputs: [{ id: absorb }] },
  })
  assert.equal(batch.status, 207)
  assert.deepEqual(batch.body.results, [])
})

Deno.test('a GDPR delete removes the contact everywhere at once', async () => {
  const { api, sb, portal } = await connected(3)
  const [id] = sb.control.listIds(portal.portalId, 'contacts')
  const res = await api('/crm/v3/objects/contacts/gdpr-delete', { body: { objectId: id } })
  assert.equal(res.status, 204)
  assert.ok(!sb.control.listIds(portal.portalId, 'contacts').includes(id))
  assert.deepEqual(sb.control.listIds(portal.portalId, 'contacts', { archived: true }), [])
  assert.equal((await api(`/crm/v3/objects/contacts/${id}`)).status, 404)
  assert.equal(
    (await api(`/crm/v3/objects/contacts/${id}?archived=true`)).status,
    404,
  )
})

Deno.test('the properties API describes types, unique and read-only properties', async () => {
  const { api } = await connected(1)
  const contacts = (await api('/crm/v3/properties/contacts')).body.results
  const email = contacts.find((p: { name: string }) => p.name === 'email')
  assert.equal(email.hasUniqueValue, true)
  assert.equal(email.type, 'string')
  const id = contacts.find((p: { name: string }) => p.name === 'hs_object_id')
  assert.equal(id.modificationMetadata.readOnlyValue, true)
  const modified = (await api('/crm/v3/properties/contacts/lastmodifieddate')).body
  assert.equal(modified.type, 'datetime')
  const companies = (await api('/crm/v3/properties/companies')).body.results
  assert.ok(!companies.some((p: { name: string }) => p.name === 'lastmodifieddate'))
  assert.equal((await api('/crm/v3/properties/companies/lastmodifieddate')).status, 404)
  // Date-based paths answer like the v3 ones.
  assert.equal((await api('/crm/properties/2026-03/contacts')).body.results.length, contacts.length)
})

Deno.test('associations: contact→company per record and in batches of up to 1,000', async () => {
  const { api, sb, portal } = await connected(3, 2)
  const contacts = sb.control.listIds(portal.portalId, 'contacts')
  const [c1, c2] = sb.control.listIds(portal.portalId, 'companies')
  for (const c of contacts) {
    for (const co of sb.control.getRecord(portal.portalId, 'contacts', c)!.companyIds!) {
      sb.control.dissociate(portal.portalId, c, co)
    }
  }
  sb.control.associate(portal.portalId, contacts[0], c1)
  const put = await api(
    `/crm/v4/objects/contacts/${contacts[0]}/associations/default/companies/${c2}`,
    { method: 'PUT' },
  )
  assert.equal(put.status, 200)
  const one = await api(`/crm/v4/objects/contacts/${contacts[0]}/associations/companies`)
  assert.deepEqual(one.body.results.map((r: { toObjectId: number }) => r.toObjectId), [
    Number(c1),
    Number(c2),
  ])
  assert.equal(one.body.results[0].associationTypes[0].typeId, 1)
  const batch = await api('/crm/v4/associations/contacts/companies/batch/read', {
    body: { inputs: contacts.map((id) => ({ id })) },
  })
  assert.equal(batch.status, 200)
  assert.equal(batch.body.results[0].to.length, 2)
  assert.deepEqual(batch.body.results[1].to, [])
  const back = await api(`/crm/v4/objects/companies/${c1}/associations/contacts`)
  assert.deepEqual(back.body.results.map((r: { toObjectId: number }) => r.toObjectId), [
    Number(contacts[0]),
  ])
  const tooMany = await api('/crm/v4/associations/contacts/companies/batch/read', {
    body: { inputs: Array.from({ length: 1001 }, (_, i) => ({ id: String(i) })) },
  })
  assert.equal(tooMany.status, 400)
})

Deno.test("a portal's token never reads another portal's records", async () => {
  const { api, sb } = await connected(2)
  const other = sb.control.createPortal({ contacts: 2 })
  const [foreign] = sb.control.listIds(other.portalId, 'contacts')
  assert.equal((await api(`/crm/v3/objects/contacts/${foreign}`)).status, 404)
  const list = await api('/crm/v3/objects/contacts?limit=100')
  assert.ok(!list.body.results.some((r: { id: string }) => r.id === foreign))
})

Deno.test('a restored record comes back with its id and a fresh modified date', async () => {
  const { api, sb, portal } = await connected(3)
  const [id] = sb.control.listIds(portal.portalId, 'contacts')
  sb.control.archiveRecords(portal.portalId, 'contacts', [id])
  sb.control.advanceClock(60_000)
  sb.control.restoreRecords(portal.portalId, 'contacts', [id])
  const back = await api(`/crm/v3/objects/contacts/${id}`)
  assert.equal(back.status, 200)
  assert.equal(back.body.properties.lastmodifieddate, new Date(sb.control.now()).toISOString())
  assert.deepEqual(sb.control.listIds(portal.portalId, 'contacts', { archived: true }), [])
  assert.throws(() => sb.control.restoreRecords(portal.portalId, 'contacts', [id]))
})
