// HubSpot contacts as the contacts routes read them live: picker pages in id order (keyset on
// hs_object_id, with a search), and contacts by id, where a merged-away id is not its survivor.
import assert from 'node:assert/strict'
import { getProvider } from '../../../../../../../supabase/functions/_shared/providers/registry.ts'
import { withHubSpotSyncWorld } from '../../../../../../helpers/hubspot-sync-world.ts'

// Through the registry, as the contacts routes reach it.
const hubspotContactObject = getProvider('hubspot').objects.contact!

Deno.test('hubspot contacts: picker pages follow id order and find by name or email', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await world.connect({ contacts: 25, seed: 31 })
    const scope = { integrationId, instanceUrl: null, apiVersion: '' }
    const ids = world.hubspot.control.listIds(portalId, 'contacts')
    const first = await hubspotContactObject.browse(scope, { limit: 10 })
    assert.deepEqual(first.contacts.map((contact) => contact.id), ids.slice(0, 10))
    assert.equal(first.nextAfter, ids[9])
    const last = await hubspotContactObject.browse(scope, { limit: 10, afterId: ids[19] })
    assert.deepEqual(last.contacts.map((contact) => contact.id), ids.slice(20))
    assert.equal(last.nextAfter, null)
    const someone = world.hubspot.control.getRecord(portalId, 'contacts', ids[7])!.properties
    const found = await hubspotContactObject.browse(scope, {
      limit: 10,
      search: String(someone.email),
    })
    assert.deepEqual(found.contacts.map((contact) => contact.id), [ids[7]])
    assert.equal(found.contacts[0].first_name, someone.firstname)
  })
})

Deno.test('hubspot contacts: by id in batches of 100; a merged-away id gives nothing', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await world.connect({ contacts: 150, seed: 32 })
    const control = world.hubspot.control
    const scope = { integrationId, instanceUrl: null, apiVersion: '' }
    const ids = control.listIds(portalId, 'contacts')
    control.mergeRecords(portalId, 'contacts', ids[0], ids[1])
    const since = control.lastRequestSeq()
    const leads = await hubspotContactObject.fetchByIds(scope, ids)
    assert.deepEqual(
      leads.map((lead) => lead.source_id).sort(),
      ids.filter((id) => id !== ids[1]).sort(),
    )
    const reads = control.requests({ orgId: String(portalId), sinceSeq: since })
    assert.equal(reads.filter((call) => call.endpoint === 'crm.batch.read').length, 2)
    assert.equal(hubspotContactObject.canonicalId('0123'), undefined)
    assert.equal(hubspotContactObject.canonicalId('123'), '123')
  })
})
