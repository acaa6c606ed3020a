// GET /contacts over the gateway on a real database: synced contacts through the caller's RLS,
// keyset pages on (updated_at, id) that survive ties and microsecond differences, and filters.
import assert from 'node:assert/strict'
import { encodeCursor } from '../../supabase/functions/_shared/contacts/cursor.ts'
import { type ContactsWorld, expectJson, withContactsWorld } from '../helpers/contacts-world.ts'

interface SyncedContact {
  id: string
  business_id: string
  integration_id: string | null
  source_id: string
  first_name: string | null
  last_name: string | null
  email: string | null
  deleted_at: string | null
  updated_at: string
}

interface SyncedPage {
  contacts: SyncedContact[]
  next_cursor: string | null
}

interface Seeded {
  /** Live contacts of Acme's integration. */
  live: string[]
  deleted: string[]
  /** Acme's contacts without an integration (CSV). */
  manual: string[]
  /** The other business's contacts. */
  foreign: string[]
}

/**
 * Acme: 230 live contacts of its integration, 120 of them sharing one updated_at to the
 * microsecond and the rest a microsecond apart (a millisecond cursor would lose them); 5
 * deleted; 10 CSV contacts. The other business: 7 contacts.
 */
async function seed(world: ContactsWorld): Promise<Seeded> {
  const { sql } = world
  const rows = (
    businessId: string,
    integrationId: string | null,
    count: number,
    prefix: string,
    extra: (n: number) => Record<string, unknown>,
  ) =>
    Array.from({ length: count }, (_, n) => ({
      business_id: businessId,
      integration_id: integrationId,
      source_type: integrationId ? 'salesforce' : 'csv',
      source_id: `${prefix}-${n}`,
      first_name: `First${n}`,
      last_name: `${prefix} Last${n}`,
      email: `${prefix.toLowerCase()}${n}@example.test`,
      ...extra(n),
    }))
  const insert = async (values: Array<Record<string, unknown>>) => {
    // Through JSON, so timestamps keep their microseconds (a JS Date would drop them).
    const inserted = await sql<{ id: string }[]>`
      insert into public.contacts (business_id, integration_id, source_type, source_id,
        first_name, last_name, email, updated_at, deleted_at, sync_status)
      select business_id, integration_id, source_type, source_id, first_name, last_name, email,
             coalesce(updated_at, now()), deleted_at, coalesce(sync_status, 'synced')
      from jsonb_populate_recordset(null::public.contacts, ${sql.json(values as never)})
      returning id`
    return inserted.map((row) => row.id)
  }
  const tie = '2026-03-01T12:00:00.123456Z'
  const live = await insert(
    rows(world.businessId, world.integrationId, 230, 'Sf', (n) => ({
      // The rest lie within the same millisecond as the tie, a microsecond apart.
      updated_at: n < 120 ? tie : `2026-03-01T12:00:00.123${457 + n}Z`,
    })),
  )
  const deleted = await insert(
    rows(world.businessId, world.integrationId, 5, 'Gone', () => ({
      deleted_at: '2026-03-01T13:00:00Z',
      sync_status: 'deleted',
      updated_at: '2026-03-01T13:00:00Z',
    })),
  )
  const manual = await insert(
    rows(world.businessId, null, 10, 'Csv', () => ({ updated_at: '2026-03-02T09:00:00Z' })),
  )
  const foreign = await insert(
    rows(world.otherBusinessId, world.otherIntegrationId, 7, 'Foreign', () => ({})),
  )
  return { live, deleted, manual, foreign }
}

async function listAll(
  world: ContactsWorld,
  query: Record<string, string>,
  token = world.ownerToken,
): Promise<SyncedPage[]> {
  const pages: SyncedPage[] = []
  let cursor: string | null = null
  do {
    const params = new URLSearchParams(cursor ? { ...query, cursor } : query)
    pages.push(await expectJson<SyncedPage>(await world.call(`?${params}`, { token }), 200))
    cursor = pages.at(-1)!.next_cursor
  } while (cursor && pages.length < 100)
  return pages
}

const idsOf = (pages: SyncedPage[]) => pages.flatMap((page) => page.contacts.map((c) => c.id))

Deno.test('contacts synced: keyset pages visit every contact once, across ties and microseconds', async () => {
  await withContactsWorld({}, async (world) => {
    const seeded = await seed(world)
    const pages = await listAll(world, { integration_id: world.integrationId, limit: '100' })
    assert.deepEqual(pages.map((page) => page.contacts.length), [100, 100, 30])
    assert.equal(pages.at(-1)?.next_cursor, null)
    const ids = idsOf(pages)
    assert.equal(new Set(ids).size, 230)
    assert.deepEqual([...ids].sort(), [...seeded.live].sort(), 'live contacts of the integration')
    const contacts = pages.flatMap((page) => page.contacts)
    assert.equal(contacts[0].updated_at, '2026-03-01T12:00:00.123456Z', 'microseconds kept')
    for (let i = 1; i < contacts.length; i++) {
      const [a, b] = [contacts[i - 1], contacts[i]]
      assert.ok(
        a.updated_at < b.updated_at || (a.updated_at === b.updated_at && a.id < b.id),
        `ordered by (updated_at, id) at ${i}`,
      )
    }
  })
})

Deno.test('contacts synced: business scope, deleted rows, updated_since and search', async () => {
  await withContactsWorld({}, async (world) => {
    const seeded = await seed(world)
    const business = idsOf(await listAll(world, { business_id: world.businessId, limit: '200' }))
    assert.deepEqual(business.sort(), [...seeded.live, ...seeded.manual].sort())

    const withDeleted = idsOf(
      await listAll(world, { business_id: world.businessId, include_deleted: 'true' }),
    )
    assert.deepEqual(
      withDeleted.sort(),
      [...seeded.live, ...seeded.manual, ...seeded.deleted].sort(),
    )

    const recent = idsOf(
      await listAll(world, {
        business_id: world.businessId,
        updated_since: '2026-03-01T13:00:00Z',
        include_deleted: '1',
      }),
    )
    assert.deepEqual(recent.sort(), [...seeded.deleted, ...seeded.manual].sort())

    await world.sql`update public.contacts set last_name = 'Pure 100%' where id = ${seeded.live[3]}`
    await world.sql`update public.contacts set last_name = 'Pure 1000' where id = ${seeded.live[4]}`
    const search = async (term: string) =>
      idsOf(await listAll(world, { business_id: world.businessId, search: term })).sort()
    assert.deepEqual(await search('100%'), [seeded.live[3]], '% matches literally')
    assert.deepEqual(await search('PURE'), [seeded.live[3], seeded.live[4]].sort(), 'any case')
    assert.deepEqual(await search('first7 sf last7'), [seeded.live[7]], 'first and last name')
    assert.deepEqual(await search('csv3@'), [seeded.manual[3]], 'email')
    assert.deepEqual(await search("' or 1=1 --"), [])
  })
})

Deno.test("contacts synced: another business's scope is a 404; a tampered cursor a 400", async () => {
  await withContactsWorld({}, async (world) => {
    await seed(world)
    const foreignScopes: Array<Record<string, string>> = [
      { business_id: world.otherBusinessId },
      { integration_id: world.otherIntegrationId },
      { business_id: crypto.randomUUID() },
    ]
    for (const query of foreignScopes) {
      const response = await world.call(`?${new URLSearchParams(query)}`, {
        token: world.ownerToken,
      })
      const body = await expectJson<{ error: { code: string } }>(response, 404)
      assert.equal(body.error.code, 'not_found')
    }
    // The outsider sees their own business and nothing of Acme's.
    const own = idsOf(
      await listAll(world, { business_id: world.otherBusinessId }, world.outsiderToken),
    )
    assert.equal(own.length, 7)

    for (
      const cursor of [
        'garbage',
        encodeCursor({ u: '2026-03-01T12:00:00.123Z', i: crypto.randomUUID() }),
        encodeCursor({ u: "2026'); drop table public.contacts; --", i: crypto.randomUUID() }),
      ]
    ) {
      const params = new URLSearchParams({ business_id: world.businessId, cursor })
      await expectJson(await world.call(`?${params}`, { token: world.ownerToken }), 400)
    }
    for (
      const query of ['', `business_id=${world.businessId}&integration_id=${world.integrationId}`]
    ) {
      await expectJson(await world.call(`?${query}`, { token: world.ownerToken }), 400)
    }
  })
})
