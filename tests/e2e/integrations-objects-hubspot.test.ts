// The objects endpoints for a HubSpot integration over the gateway: a member lists contacts and
// companies (the `account` object) and a company's fields, read from HubSpot's properties API;
// an owner enables companies, and the account object then syncs; a field mapping is refused
// with a clear 400, since the HubSpot sync stores no extra property.
import assert from 'node:assert/strict'
import { withTestGateway } from '../helpers/gateway.ts'
import { withHubSpotSyncWorld } from '../helpers/hubspot-sync-world.ts'
import { expectJson, invoke, supabaseAs } from '../helpers/supabase-client.ts'
import { syncOnce, testSyncSettings } from '../helpers/sync-world.ts'
import { requireTestDbUrl } from '../helpers/test-db.ts'

interface Field {
  name: string
  storable: boolean
}

Deno.test('objects (hubspot): contacts and companies listed, company fields from the properties API, companies enabled and synced', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await world.connect({ companies: 40, contacts: 30 })
    const dbUrl = requireTestDbUrl()
    await withTestGateway({ dbUrl, env: world.env }, async (gateway) => {
      const owner = await supabaseAs(gateway, world.ownerId)
      const base = `integrations/${integrationId}/objects`
      const listed = await expectJson(await invoke(owner, base), 200)
      const byKey = new Map(listed.objects.map((o: { object: string }) => [o.object, o]))
      assert.deepEqual(byKey.get('contact'), {
        object: 'contact',
        name: 'contacts',
        label: 'Contacts',
        custom: false,
        syncable: true,
        enabled: true,
        table: 'contacts',
      })
      assert.deepEqual(byKey.get('account'), {
        object: 'account',
        name: 'companies',
        label: 'Companies',
        custom: false,
        syncable: true,
        enabled: false,
        table: 'accounts',
      })

      const described = await expectJson(await invoke(owner, `${base}/account/fields`), 200)
      const names = described.fields.map((f: Field) => f.name)
      assert.ok(names.includes('name') && names.includes('domain'), JSON.stringify(names))
      assert.ok(described.fields.every((f: Field) => f.storable))
      const calls = world.hubspot.control.requests({
        orgId: String(portalId),
        endpoint: 'properties.list',
      })
      assert.deepEqual(calls.map((call) => [call.path, call.status]), [
        ['/crm/v3/properties/companies', 200],
      ])

      // A mapping is refused before anything is written: HubSpot maps no extra property yet.
      const refused = await expectJson(
        await invoke(owner, `${base}/account`, {
          method: 'PUT',
          body: { enabled: true, field_mapping: { domain: 'domain' } },
        }),
        400,
      )
      assert.equal(refused.error.code, 'field_mapping_invalid')
      assert.match(JSON.stringify(refused.error), /field_mapping must be empty/)
      const [{ n }] = await world.sql<{ n: number }[]>`
        select count(*)::int as n from public.integration_objects
         where integration_id = ${integrationId} and object = 'account'`
      assert.equal(n, 0)

      const enabled = await expectJson(
        await invoke(owner, `${base}/account`, {
          method: 'PUT',
          body: { enabled: true, field_mapping: {} },
        }),
        200,
      )
      assert.deepEqual(
        [enabled.configuration.object, enabled.configuration.name, enabled.configuration.enabled],
        ['account', 'companies', true],
      )
    })
    // Enabled through the API, the account object syncs every company.
    const run = await syncOnce(integrationId, testSyncSettings(), 'account')
    assert.equal(run.status, 'succeeded', JSON.stringify(run))
    const [{ accounts }] = await world.sql<{ accounts: number }[]>`
      select count(*)::int as accounts from public.accounts
       where integration_id = ${integrationId} and deleted_at is null`
    assert.equal(accounts, 40)
  })
})
