// POST /contacts/import over the gateway against the Salesforce sandbox and a real database:
// 2,000 ids cost exactly the queries the URI limit forces, a re-import adds nothing, ids
// normalise and collapse, and only the caller's own integration and campaign are reachable.
import assert from 'node:assert/strict'
import {
  maxQueryUriBytes,
  planIdBatches,
  queryPath,
  salesforceUriAndHeadersMaxBytes,
} from '../../supabase/functions/_shared/providers/salesforce/contact-batches.ts'
import { type ContactsWorld, expectJson, withContactsWorld } from '../helpers/contacts-world.ts'

interface ImportResult {
  imported: number
  already_present: number
  not_found: string[]
}

async function leadCount(world: ContactsWorld, campaignId = world.campaignId): Promise<number> {
  const [{ count }] = await world.sql<{ count: number }[]>`
    select count(*)::int as count from public.leads where campaign_id = ${campaignId}`
  return count
}

Deno.test('contacts import: 2,000 ids cost exactly the queries the URI limit forces, and a re-import adds nothing', async () => {
  await withContactsWorld({ contacts: 2000 }, async (world) => {
    const ids = world.sandbox.control.listIds(world.org.orgId, 'Contact')
    assert.equal(ids.length, 2000)
    const body = {
      integration_id: world.integrationId,
      campaign_id: world.campaignId,
      source_ids: ids,
    }
    // What our planner computes for this org's instance path, and a bound derived by hand: an
    // id in `IN (...)` costs `%27` + 18 + `%27` + `%2C` = 27 URI bytes, so 2,000 ids are
    // 53,997 bytes: no GET under the 16,384-byte cap can carry them in fewer than 4 queries.
    const planned = planIdBatches(ids, queryPath(world.org.instanceUrl, '62.0')).length
    const forced = Math.ceil((2000 * 27 - 3) / salesforceUriAndHeadersMaxBytes)
    assert.equal(forced, 4)

    const first = world.sandbox.control.lastRequestSeq()
    const imported = await expectJson<ImportResult>(await world.importIds(body), 200)
    assert.deepEqual(imported, { imported: 2000, already_present: 0, not_found: [] })
    assert.equal(world.queryCalls(first), planned, 'the calls our plan computed')
    assert.equal(planned, forced, 'and no more than the URI limit forces')
    const calls = world.sandbox.control.requests({ orgId: world.org.orgId, sinceSeq: first })
    assert.ok(calls.every((call) => call.status === 200), 'no 414, no retry')
    assert.ok(calls.every((call) => call.path.length <= maxQueryUriBytes), 'each URI in budget')
    assert.equal(await leadCount(world), 2000)

    const second = world.sandbox.control.lastRequestSeq()
    const again = await expectJson<ImportResult>(await world.importIds(body), 200)
    assert.deepEqual(again, { imported: 0, already_present: 2000, not_found: [] })
    assert.equal(world.queryCalls(second), planned)
    assert.equal(await leadCount(world), 2000, 'a re-import creates nothing')

    // The leads copy the contact's fields, the account's name as company.
    const sample = world.sandbox.control.getRecord(world.org.orgId, 'Contact', ids[7])!
    const [lead] = await world.sql`
      select first_name, last_name, email, business_id, integration_id, imported_by
      from public.leads where campaign_id = ${world.campaignId} and source_id = ${ids[7]}`
    assert.equal(lead.last_name, sample.LastName)
    assert.equal(lead.email, sample.Email ?? null)
    assert.equal(lead.business_id, world.businessId)
    assert.equal(lead.integration_id, world.integrationId)
    assert.equal(lead.imported_by, world.ownerId, 'inserted as the caller, through RLS')
  })
})

Deno.test('contacts import: 15- and 18-character ids collapse; missing and deleted ids are not_found', async () => {
  await withContactsWorld({ contacts: 10 }, async (world) => {
    const ids = world.sandbox.control.listIds(world.org.orgId, 'Contact')
    world.sandbox.control.deleteRecords(world.org.orgId, 'Contact', [ids[9]])
    const missing15 = '003Zz0000000001'
    const result = await expectJson<ImportResult>(
      await world.importIds({
        integration_id: world.integrationId,
        campaign_id: world.campaignId,
        source_ids: [
          ids[0],
          ids[0].slice(0, 15), // the same contact, 15 characters
          ids[1].slice(0, 15),
          ids[9], // deleted
          missing15,
        ],
      }),
      200,
    )
    assert.deepEqual(result, { imported: 2, already_present: 0, not_found: [ids[9], missing15] })
    const rows = await world.sql<{ source_id: string }[]>`
      select source_id from public.leads where campaign_id = ${world.campaignId}
      order by source_id`
    assert.deepEqual(rows.map((row) => row.source_id), [ids[0], ids[1]].sort(), 'stored as 18')
  })
})

Deno.test("contacts import: another business's campaign or integration is a 404, and Salesforce is not called", async () => {
  await withContactsWorld({ contacts: 3 }, async (world) => {
    const [id] = world.sandbox.control.listIds(world.org.orgId, 'Contact')
    const since = world.sandbox.control.lastRequestSeq()
    const attempts = [
      // The caller's integration with another business's campaign.
      { integration_id: world.integrationId, campaign_id: world.otherCampaignId },
      // Another business's integration with the caller's campaign.
      { integration_id: world.otherIntegrationId, campaign_id: world.campaignId },
      // Unknown campaign.
      { integration_id: world.integrationId, campaign_id: crypto.randomUUID() },
    ]
    for (const attempt of attempts) {
      const body = await expectJson<{ error: { code: string } }>(
        await world.importIds({ ...attempt, source_ids: [id] }),
        404,
      )
      assert.equal(body.error.code, 'not_found')
    }
    assert.equal(world.sandbox.control.requests({ sinceSeq: since }).length, 0)
    assert.equal(await leadCount(world), 0)
    assert.equal(await leadCount(world, world.otherCampaignId), 0)
    // The same id into the caller's own pair is imported: the refusals above were about scope.
    const own = { integration_id: world.integrationId, campaign_id: world.campaignId }
    const imported = await expectJson<ImportResult>(
      await world.importIds({ ...own, source_ids: [id] }),
      200,
    )
    assert.deepEqual(imported, { imported: 1, already_present: 0, not_found: [] })
    assert.equal(await leadCount(world), 1)
    assert.equal(await leadCount(world, world.otherCampaignId), 0)
  })
})

Deno.test('contacts import: malformed bodies are 400s', async () => {
  await withContactsWorld({}, async (world) => {
    const base = { integration_id: world.integrationId, campaign_id: world.campaignId }
    const bodies = [
      { ...base, source_ids: [] },
      { ...base, source_ids: Array(2001).fill('003RO0000035WQgYAM') },
      { ...base, source_ids: ["003' OR Id != '"] },
      { ...base, source_ids: ['001D000000IRFmaIAH'] },
      { ...base, source_ids: ['003RO0000035WQgYAN'] },
      // Case-safe, not case-insensitive: a re-cased 18-character id names no Contact.
      { ...base, source_ids: ['003RO0000035WQgYAM'.toLowerCase()] },
      { integration_id: 'x', campaign_id: world.campaignId, source_ids: ['003RO0000035WQg'] },
    ]
    for (const body of bodies) {
      const error = await expectJson<{ error: { code: string } }>(await world.importIds(body), 400)
      assert.equal(error.error.code, 'validation_failed')
    }
    const notJson = await world.call('/import', {
      method: 'POST',
      token: world.ownerToken,
      headers: { 'content-type': 'application/json' },
      body: '{"integration_id": ',
    })
    assert.equal(notJson.status, 400)
    await notJson.body?.cancel()
  })
})
