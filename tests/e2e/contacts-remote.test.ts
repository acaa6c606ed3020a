// GET /contacts/:integrationId/remote over the gateway against the Salesforce sandbox: keyset
// paging visits every Contact once, searches are escaped (only honest matches), a session that
// expires mid-browse is refreshed unseen, and Salesforce's failures become our error codes.
import assert from 'node:assert/strict'
import { encodeCursor } from '../../supabase/functions/_shared/contacts/cursor.ts'
import { type ContactsWorld, expectJson, withContactsWorld } from '../helpers/contacts-world.ts'
import { tokenCalls } from '../helpers/salesforce-sandbox.ts'

interface RemoteContact {
  id: string
  first_name: string | null
  last_name: string | null
  name: string | null
  email: string | null
  account_id: string | null
  account_name: string | null
}

interface RemotePage {
  contacts: RemoteContact[]
  next_cursor: string | null
}

async function remotePage(
  world: ContactsWorld,
  query: Record<string, string>,
  token = world.ownerToken,
): Promise<RemotePage> {
  const params = new URLSearchParams(query)
  const response = await world.call(`/${world.integrationId}/remote?${params}`, { token })
  return await expectJson<RemotePage>(response, 200)
}

/** Every page of a browse, following next_cursor. */
async function browseAll(
  world: ContactsWorld,
  query: Record<string, string>,
): Promise<RemotePage[]> {
  const pages: RemotePage[] = []
  let cursor: string | null = null
  do {
    const page = await remotePage(world, cursor ? { ...query, cursor } : query)
    pages.push(page)
    cursor = page.next_cursor
  } while (cursor && pages.length < 100)
  return pages
}

Deno.test('contacts remote: paging 1,000 contacts with limit 200 visits each exactly once', async () => {
  await withContactsWorld({ contacts: 1000 }, async (world) => {
    const since = world.sandbox.control.lastRequestSeq()
    const pages = await browseAll(world, { limit: '200' })
    assert.deepEqual(pages.map((page) => page.contacts.length), [200, 200, 200, 200, 200])
    assert.equal(pages.at(-1)?.next_cursor, null, 'the last page says so')
    const ids = pages.flatMap((page) => page.contacts.map((contact) => contact.id))
    assert.equal(new Set(ids).size, 1000, 'no contact twice')
    assert.deepEqual(
      [...ids].sort(),
      world.sandbox.control.listIds(world.org.orgId, 'Contact').sort(),
      'every contact of the org',
    )
    assert.deepEqual(ids, [...ids].sort(), 'in Id order, the key the cursor keeps')
    assert.equal(world.queryCalls(since), 5, 'one Salesforce query per page')
    // The picker's fields, Account.Name included where the contact has an account.
    const withAccount = pages[0].contacts.find((contact) => contact.account_id !== null)
    assert.ok(withAccount?.account_name, 'account name from the parent lookup')
    const record = world.sandbox.control.getRecord(world.org.orgId, 'Contact', withAccount.id)
    assert.equal(withAccount.last_name, record?.LastName)
    assert.equal(withAccount.email, record?.Email ?? null)
  })
})

Deno.test('contacts remote: injection strings and wildcards return only honest matches', async () => {
  await withContactsWorld({ contacts: 0 }, async (world) => {
    const people = {
      obrien: { FirstName: 'Ann', LastName: "O'Brien" },
      backslash: { FirstName: 'Bea', LastName: 'Back\\slash' },
      percent: { FirstName: 'Cy', LastName: '100% Pure' },
      underscore: { FirstName: 'Di', LastName: 'Under_score' },
      injection: { FirstName: 'Ed', LastName: "x' OR Name != 'y" },
      // Decoys that an unescaped pattern would also match.
      thousand: { FirstName: 'Flo', LastName: '1000 Pure' },
      underx: { FirstName: 'Gus', LastName: 'Underxscore' },
      plain: { FirstName: 'Hal', LastName: 'Plain', Email: 'hal.plain@example.com' },
      obriain: { FirstName: 'Ivy', LastName: 'OBrien' },
      backx: { FirstName: 'Jo', LastName: 'Backxslash' },
    }
    const names = Object.keys(people) as Array<keyof typeof people>
    const ids = world.sandbox.control.insertRecords(
      world.org.orgId,
      'Contact',
      names.map((name) => people[name]),
    )
    const idOf = Object.fromEntries(names.map((name, index) => [ids[index], name]))
    const search = async (term: string) => {
      const pages = await browseAll(world, { limit: '200', search: term })
      return pages.flatMap((page) => page.contacts.map((contact) => idOf[contact.id])).sort()
    }
    assert.deepEqual(await search("O'Brien"), ['obrien'])
    assert.deepEqual(await search('\\'), ['backslash'])
    assert.deepEqual(await search('Back\\slash'), ['backslash'])
    assert.deepEqual(await search('k\\s'), ['backslash'])
    assert.deepEqual(await search('%'), ['percent'])
    assert.deepEqual(await search('100%'), ['percent'])
    assert.deepEqual(await search('_'), ['underscore'])
    assert.deepEqual(await search('Under_score'), ['underscore'])
    assert.deepEqual(await search("' OR Name != '"), ['injection'])
    assert.deepEqual(await search("\\' OR Name != '"), [])
    assert.deepEqual(await search("'"), ['injection', 'obrien'])
    assert.deepEqual(await search('hal.plain@'), ['plain'], 'email is searched too')
    assert.deepEqual(await search('pure'), ['percent', 'thousand'], 'case-insensitive')
    assert.deepEqual(await search(''), names.slice().sort(), 'no search: everyone')
  })
})

Deno.test('contacts remote: a session expired mid-browse is refreshed without the caller noticing', async () => {
  await withContactsWorld({ contacts: 450 }, async (world) => {
    const first = await remotePage(world, { limit: '200' })
    world.sandbox.control.expireAccessTokens(world.org.orgId)
    const since = world.sandbox.control.lastRequestSeq()
    const second = await remotePage(world, { limit: '200', cursor: first.next_cursor! })
    const third = await remotePage(world, { limit: '200', cursor: second.next_cursor! })
    assert.equal(tokenCalls(world.sandbox, since), 1, 'one refresh')
    const ids = [first, second, third].flatMap((page) => page.contacts.map((c) => c.id))
    assert.equal(new Set(ids).size, 450)
    assert.equal(third.next_cursor, null)
  })
})

Deno.test('contacts remote: a tampered cursor is a 400 and never reaches Salesforce', async () => {
  await withContactsWorld({}, async (world) => {
    const since = world.sandbox.control.lastRequestSeq()
    const tampered = [
      'not-a-cursor',
      encodeCursor({ a: "003' OR Name != '" }),
      encodeCursor({ a: '003RO0000035WQg' }),
      encodeCursor({ a: '003RO0000035WQgYAM', more: true }),
      encodeCursor(['003RO0000035WQgYAM']),
    ]
    for (const cursor of tampered) {
      const response = await world.call(
        `/${world.integrationId}/remote?${new URLSearchParams({ cursor })}`,
        { token: world.ownerToken },
      )
      const body = await expectJson<{ error: { code: string } }>(response, 400)
      assert.equal(body.error.code, 'validation_failed', cursor)
    }
    for (const query of ['limit=0', 'limit=201', 'search=%00']) {
      const response = await world.call(`/${world.integrationId}/remote?${query}`, {
        token: world.ownerToken,
      })
      await expectJson(response, 400)
    }
    assert.equal(world.queryCalls(since), 0)
  })
})

Deno.test("contacts remote: Salesforce's failures become our error codes", async () => {
  await withContactsWorld({}, async (world) => {
    const { control } = world.sandbox
    const path = `/${world.integrationId}/remote`
    const get = () => world.call(path, { token: world.ownerToken })

    control.injectFault({ kind: 'request-limit', orgId: world.org.orgId, path: '/query' })
    const limited = await expectJson<{ error: { code: string } }>(await get(), 429)
    assert.equal(limited.error.code, 'salesforce_limit_exceeded')

    control.injectFault({ kind: '503', orgId: world.org.orgId, path: '/query' })
    const down = await expectJson<{ error: { code: string } }>(await get(), 502)
    assert.equal(down.error.code, 'salesforce_error')

    control.revokeRefreshTokens(world.org.orgId)
    const revoked = await expectJson<{ error: { code: string } }>(await get(), 409)
    assert.equal(revoked.error.code, 'reauth_required')
  })
})
