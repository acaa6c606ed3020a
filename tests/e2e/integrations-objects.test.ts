// The objects endpoints over the gateway, called with supabase-js as an app does: a member lists
// what the connected org offers and an object's fields (from the describe cache: a second read
// asks Salesforce nothing, as the sandbox's request log shows); an owner enables objects and maps
// fields, each mapping checked against describe with the bad field named; per-object health and
// runs; members cannot write, other businesses get 404.
import assert from 'node:assert/strict'
import { withTestGateway } from '../helpers/gateway.ts'
import { expectJson, invoke, supabaseAs, supabaseClient } from '../helpers/supabase-client.ts'
import { type SyncedOrg, type SyncWorld, withSyncWorld } from '../helpers/sync-world.ts'
import { addMember, createBusiness, createUser } from '../helpers/test-db.ts'

/** The describe requests the org's sandbox saw, by endpoint, with their statuses. */
function describeCalls(world: SyncWorld, org: SyncedOrg, endpoint: string): number[] {
  return world.sandbox.control.requests({ orgId: org.orgId, endpoint })
    .map((request) => request.status)
}

/** Metadata changes are second-precise (Last-Modified): move past the second of the last read. */
function nextSecond(world: SyncWorld) {
  world.sandbox.control.advanceClock(2_000)
}

interface Field {
  name: string
  storable: boolean
  unstorable_reason: string | null
  compound_field_name: string | null
}

Deno.test('objects: a member lists objects and fields from the describe cache; refresh revalidates with a 304', async () => {
  await withSyncWorld(async (world) => {
    const org = await world.connect({ contacts: 5, seed: 7 })
    world.sandbox.control.defineObject(org.orgId, {
      name: 'Foo__c',
      label: 'Foo',
      fields: [{ name: 'Bar__c', type: 'string' }],
    })
    nextSecond(world)
    const memberId = await createUser(world.sql, `member-${crypto.randomUUID()}@example.test`)
    await addMember(world.sql, world.businessId, memberId, 'member')
    await withTestGateway({ dbUrl: world.dbUrl, env: world.env }, async (gateway) => {
      const member = await supabaseAs(gateway, memberId)
      const path = `integrations/${org.integrationId}/objects`
      const listed = await expectJson(await invoke(member, path), 200)
      const byName = new Map(
        listed.objects.map((o: { name: string }) => [o.name, o]),
      )
      assert.deepEqual(
        byName.get('Contact'),
        {
          object: 'contact',
          name: 'Contact',
          label: 'Contact',
          custom: false,
          syncable: true,
          enabled: true,
          table: 'contacts',
        },
      )
      assert.equal((byName.get('Account') as { table: string }).table, 'accounts')
      assert.equal((byName.get('Lead') as { object: string }).object, 'lead')
      assert.deepEqual(
        byName.get('Foo__c'),
        {
          object: 'Foo__c',
          name: 'Foo__c',
          label: 'Foo',
          custom: true,
          syncable: true,
          enabled: false,
          table: 'crm_records',
        },
      )
      assert.deepEqual(describeCalls(world, org, 'sobjects.describeGlobal'), [200])

      // A second listing is the cached copy: no request reaches Salesforce.
      const again = await expectJson(await invoke(member, path), 200)
      assert.deepEqual(again, listed)
      assert.deepEqual(describeCalls(world, org, 'sobjects.describeGlobal'), [200])

      const fieldsPath = `integrations/${org.integrationId}/objects/Contact/fields`
      const described = await expectJson(await invoke(member, fieldsPath), 200)
      assert.equal(described.object, 'contact')
      const field = (name: string) => described.fields.find((f: Field) => f.name === name)
      assert.equal(field('Email').storable, true)
      assert.deepEqual(
        [field('MailingAddress').storable, field('MailingAddress').unstorable_reason],
        [false, 'compound'],
      )
      assert.equal(field('Name').unstorable_reason, 'compound', 'Name is the compound of its parts')
      assert.equal(field('MailingStreet').compound_field_name, 'MailingAddress')
      assert.equal(field('MailingStreet').storable, true, 'the parts of a compound map one by one')
      await expectJson(
        await invoke(member, `integrations/${org.integrationId}/objects/contact/fields`),
        200,
      )
      assert.deepEqual(
        describeCalls(world, org, 'sobject.describe'),
        [200],
        'the key and the API name share one cached describe',
      )

      // A field added in the org: the fresh copy does not show it, a refresh does.
      nextSecond(world)
      world.sandbox.control.defineField(org.orgId, 'Contact', { name: 'Tier__c', type: 'string' })
      const cached = await expectJson(await invoke(member, fieldsPath), 200)
      assert.equal(cached.fields.some((f: Field) => f.name === 'Tier__c'), false)
      const refreshed = await expectJson(await invoke(member, `${fieldsPath}?refresh=true`), 200)
      assert.equal(refreshed.fields.some((f: Field) => f.name === 'Tier__c'), true)
      // Nothing changed since: the revalidation is a 304, and the copy is kept.
      const confirmed = await expectJson(await invoke(member, `${fieldsPath}?refresh=true`), 200)
      assert.deepEqual(confirmed.fields, refreshed.fields)
      assert.deepEqual(describeCalls(world, org, 'sobject.describe'), [200, 200, 304])
      assert.ok(Date.parse(confirmed.fetched_at) >= Date.parse(refreshed.fetched_at))

      // An object deleted in the org: after a refresh it is gone from the list and its fields.
      const fooFields = `integrations/${org.integrationId}/objects/Foo__c/fields`
      await expectJson(await invoke(member, fooFields), 200)
      nextSecond(world)
      world.sandbox.control.removeObject(org.orgId, 'Foo__c')
      const removed = await expectJson(await invoke(member, `${fooFields}?refresh=true`), 404)
      assert.equal(removed.error.code, 'object_not_found')
      const relisted = await expectJson(await invoke(member, `${path}?refresh=true`), 200)
      assert.equal(relisted.objects.some((o: { name: string }) => o.name === 'Foo__c'), false)

      const unknown = await expectJson(
        await invoke(member, `integrations/${org.integrationId}/objects/Nope__c/fields`),
        404,
      )
      assert.equal(unknown.error.code, 'object_not_found')
    })
  })
})

Deno.test('objects: an owner maps fields, each checked against describe, the bad field named', async () => {
  await withSyncWorld(async (world) => {
    const org = await world.connect({ contacts: 5, seed: 8 })
    world.sandbox.control.defineField(org.orgId, 'Contact', { name: 'Nickname__c', type: 'string' })
    world.sandbox.control.defineObject(org.orgId, {
      name: 'Foo__c',
      fields: [{ name: 'Bar__c', type: 'double' }],
    })
    nextSecond(world)
    await withTestGateway({ dbUrl: world.dbUrl, env: world.env }, async (gateway) => {
      const owner = await supabaseAs(gateway, world.ownerId)
      const contactPath = `integrations/${org.integrationId}/objects/contact`
      const put = (path: string, body: Record<string, unknown>) =>
        invoke(owner, path, { method: 'PUT', body })

      const defaults = await expectJson(await invoke(owner, contactPath), 200)
      assert.deepEqual(defaults.configuration, {
        object: 'contact',
        name: 'Contact',
        table: 'contacts',
        configured: false,
        enabled: true,
        field_mapping: {},
        keep_source_record: false,
        updated_at: null,
      })

      const mapped = await expectJson(
        await put(contactPath, {
          enabled: true,
          field_mapping: { Nickname__c: 'nickname', Title: 'job_title' },
          keep_source_record: true,
        }),
        200,
      )
      assert.deepEqual(
        [mapped.configuration.configured, mapped.configuration.field_mapping],
        [true, { Nickname__c: 'nickname', Title: 'job_title' }],
      )

      const refusals: Array<[Record<string, string>, string, string]> = [
        [{ Nope__c: 'nope' }, 'Nope__c', 'unknown_field'],
        [{ email: 'email_copy' }, 'email', 'unknown_field'],
        [{ MailingAddress: 'address' }, 'MailingAddress', 'compound_field'],
        [{ Name: 'full_name' }, 'Name', 'compound_field'],
        [{ Nickname__c: 'email' }, 'Nickname__c', 'target_reserved'],
      ]
      for (const [field_mapping, field, reason] of refusals) {
        const refused = await expectJson(
          await put(contactPath, { enabled: true, field_mapping }),
          400,
        )
        assert.equal(refused.error.code, 'field_mapping_invalid', field)
        assert.match(refused.error.message, new RegExp(field))
        assert.deepEqual(
          refused.error.details.map((d: { field: string; reason: string }) => [d.field, d.reason]),
          [[field, reason]],
        )
      }

      // The org's admin hides Title from the integration's user (field-level security): the
      // next PUT revalidates describe and refuses it like a field that does not exist.
      nextSecond(world)
      world.sandbox.control.setFieldVisible(org.orgId, 'Contact', 'Title', false)
      const hidden = await expectJson(
        await put(contactPath, { enabled: true, field_mapping: { Title: 'job_title' } }),
        400,
      )
      assert.equal(hidden.error.code, 'field_mapping_invalid')
      assert.equal(hidden.error.details[0].field, 'Title')
      assert.match(hidden.error.message, /cannot read/)

      // Shapes the schema refuses before describe is asked.
      for (
        const body of [
          { enabled: true, field_mapping: { Nickname__c: 'Nick Name' } },
          { enabled: true, field_mapping: { Nickname__c: 'same', Department: 'same' } },
          { enabled: true, field_mapping: { 'Account.Name': 'account' } },
          { enabled: 'yes' },
          { enabled: true, extra: 1 },
        ]
      ) {
        const refused = await expectJson(await put(contactPath, body), 400)
        assert.equal(refused.error.code, 'validation_failed', JSON.stringify(body))
      }
      const required = await expectJson(await put(contactPath, { enabled: false }), 400)
      assert.equal(required.error.code, 'object_required')

      // Nothing refused was written.
      const kept = await expectJson(await invoke(owner, contactPath), 200)
      assert.deepEqual(kept.configuration.field_mapping, {
        Nickname__c: 'nickname',
        Title: 'job_title',
      })
      assert.equal(kept.configuration.keep_source_record, true)

      // A custom object: enabling it creates its sync state; its records land in crm_records.
      const fooPath = `integrations/${org.integrationId}/objects/foo__c`
      const foo = await expectJson(
        await put(fooPath, { enabled: true, field_mapping: { Bar__c: 'bar' } }),
        200,
      )
      assert.deepEqual(
        [foo.configuration.object, foo.configuration.table, foo.configuration.enabled],
        ['Foo__c', 'crm_records', true],
        "stored under the org's own spelling",
      )
      const [state] = await world.sql<{ object: string }[]>`
        select object from public.integration_sync_state
         where integration_id = ${org.integrationId} and object = 'Foo__c'`
      assert.ok(state, "enabling created the object's sync state")
      await world.sql`
        update public.integration_sync_state set cursor = '{"modstamp": "x", "id": "y"}'
         where integration_id = ${org.integrationId} and object = 'Foo__c'`
      const repeated = await expectJson(
        await put(fooPath, { enabled: true, field_mapping: { Bar__c: 'bar' } }),
        200,
      )
      assert.equal(repeated.configuration.updated_at, foo.configuration.updated_at, 'idempotent')
      const [{ cursor }] = await world.sql<{ cursor: unknown }[]>`
        select cursor from public.integration_sync_state
         where integration_id = ${org.integrationId} and object = 'Foo__c'`
      assert.deepEqual(cursor, { modstamp: 'x', id: 'y' }, 'a repeated PUT keeps the cursor')

      const listed = await expectJson(
        await invoke(owner, `integrations/${org.integrationId}/objects`),
        200,
      )
      const enabled = listed.objects
        .filter((o: { enabled: boolean }) => o.enabled)
        .map((o: { object: string }) => o.object)
        .sort()
      assert.deepEqual(enabled, ['Foo__c', 'contact'])

      const account = await expectJson(
        await put(`integrations/${org.integrationId}/objects/Account`, { enabled: true }),
        200,
      )
      assert.deepEqual(
        [account.configuration.object, account.configuration.table],
        ['account', 'accounts'],
      )
      const missing = await expectJson(
        await put(`integrations/${org.integrationId}/objects/Nope__c`, { enabled: true }),
        404,
      )
      assert.equal(missing.error.code, 'object_not_found')

      // Per-object health and runs.
      const health = await expectJson(
        await invoke(owner, `${fooPath.replace('foo__c', 'Foo__c')}/health`),
        200,
      )
      assert.deepEqual(
        [health.health.object, health.health.error_streak, health.health.last_run_status],
        ['Foo__c', 0, null],
      )
      await world.sql`
        insert into public.sync_runs (business_id, integration_id, object, trigger, status, error_code, error)
        values (${world.businessId}, ${org.integrationId}, 'Foo__c', 'cron', 'failed',
                'field_missing', 'Bar__c was deleted')`
      const fooRuns = await expectJson(
        await invoke(owner, `integrations/${org.integrationId}/objects/Foo__c/runs?limit=5`),
        200,
      )
      assert.deepEqual(
        fooRuns.runs.map((r: { object: string; error_code: string }) => [r.object, r.error_code]),
        [['Foo__c', 'field_missing']],
      )
      const contactRuns = await expectJson(await invoke(owner, `${contactPath}/runs`), 200)
      assert.deepEqual(contactRuns.runs, [], "another object's runs are not the contact's")

      // Disabling stops it: its sync state (and so its health row) goes.
      await expectJson(
        await put(`integrations/${org.integrationId}/objects/Foo__c`, { enabled: false }),
        200,
      )
      const gone = await expectJson(
        await invoke(owner, `integrations/${org.integrationId}/objects/Foo__c/health`),
        404,
      )
      assert.equal(gone.error.code, 'object_not_found')
    })
  })
})

Deno.test("objects: members read but cannot write; another business's integration is a 404", async () => {
  await withSyncWorld(async (world) => {
    const org = await world.connect({ contacts: 5, seed: 9 })
    const memberId = await createUser(world.sql, `member-${crypto.randomUUID()}@example.test`)
    await addMember(world.sql, world.businessId, memberId, 'member')
    const outsiderId = await createUser(world.sql, `outsider-${crypto.randomUUID()}@example.test`)
    const otherBusiness = await createBusiness(world.sql, { name: 'Other', ownerId: outsiderId })
    try {
      await withTestGateway({ dbUrl: world.dbUrl, env: world.env }, async (gateway) => {
        const member = await supabaseAs(gateway, memberId)
        const outsider = await supabaseAs(gateway, outsiderId)
        const anonymous = supabaseClient(gateway.url)
        const base = `integrations/${org.integrationId}/objects`
        const body = { enabled: true, field_mapping: {} }

        const sinceSeq = world.sandbox.control.lastRequestSeq()
        const forbidden = await expectJson(
          await invoke(member, `${base}/Account`, { method: 'PUT', body }),
          403,
        )
        assert.equal(forbidden.error.code, 'forbidden')
        await expectJson(await invoke(member, `${base}/Account`), 200)

        for (
          const path of [
            base,
            `${base}/Contact/fields`,
            `${base}/contact`,
            `${base}/contact/health`,
            `${base}/contact/runs`,
          ]
        ) {
          const refused = await expectJson(await invoke(outsider, path), 404)
          assert.equal(refused.error.code, 'not_found', path)
          const anon = await expectJson(await invoke(anonymous, path), 401)
          assert.equal(anon.error.code, 'unauthorized', path)
          await expectJson(await invoke(member, path), 200)
        }
        const put = await expectJson(
          await invoke(outsider, `${base}/Account`, { method: 'PUT', body }),
          404,
        )
        assert.equal(put.error.code, 'not_found')
        // The outsider and the member's refused write cost the org nothing: the member's first
        // reads were the only calls.
        const calls = world.sandbox.control.requests({ orgId: org.orgId, sinceSeq })
        assert.deepEqual(
          calls.map((call) => call.endpoint).sort(),
          ['sobject.describe', 'sobjects.describeGlobal'],
        )

        // A provider without describe answers so, rather than a Salesforce error.
        const [{ id: pipedriveId }] = await world.sql<{ id: string }[]>`
          insert into public.integrations (business_id, provider, name, created_by)
          values (${world.businessId}, 'pipedrive', 'Deals', ${world.ownerId}) returning id`
        const unsupported = await expectJson(
          await invoke(member, `integrations/${pipedriveId}/objects`),
          404,
        )
        assert.equal(unsupported.error.code, 'objects_unsupported')
      })
    } finally {
      await world.sql`delete from public.businesses where id = ${otherBusiness}`
      await world.sql`delete from auth.users where id = ${outsiderId}`
    }
  })
})
