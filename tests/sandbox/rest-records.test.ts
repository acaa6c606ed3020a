// REST describe, single-record CRUD, sObject collections, getUpdated/getDeleted and /limits.

import assert from 'node:assert/strict'
import { api, login, soql, withSandbox } from './support/sandbox.ts'

const json = (body: unknown, method = 'POST') => ({ method, body: JSON.stringify(body) })

Deno.test('describes Contact, Account and Lead with field metadata', async () => {
  await withSandbox(async (_sb, org) => {
    const t = await login(org)
    const global = await api(t, '/sobjects')
    assert.deepEqual(global.body.sobjects.map((s: { name: string }) => s.name).slice(0, 3), [
      'Account',
      'Contact',
      'Lead',
    ])
    assert.equal(global.body.maxBatchSize, 200)
    const contact = (await api(t, '/sobjects/Contact/describe')).body
    assert.equal(contact.keyPrefix, '003')
    const field = (name: string) => contact.fields.find((f: { name: string }) => f.name === name)
    assert.deepEqual(
      [
        field('AccountId').type,
        field('AccountId').referenceTo,
        field('AccountId').relationshipName,
      ],
      ['reference', ['Account'], 'Account'],
    )
    assert.equal(field('LastName').nillable, false)
    assert.equal(field('Email').type, 'email')
    assert.equal(field('MailingCity').compoundFieldName, 'MailingAddress')
    assert.equal(field('MailingAddress').type, 'address')
    assert.equal(field('SystemModstamp').type, 'datetime')
    assert.equal(field('Name').updateable, false)
    const account = (await api(t, '/sobjects/account/describe')).body
    assert.equal(account.name, 'Account')
    assert.ok(
      account.childRelationships.some((r: { relationshipName: string }) =>
        r.relationshipName === 'Contacts'
      ),
    )
    assert.equal((await api(t, '/sobjects/Lead/describe')).body.keyPrefix, '00Q')
    assert.equal((await api(t, '/sobjects/Nope/describe')).status, 404)
  }, { contacts: 0 })
})

Deno.test('creates, reads, updates and deletes one record with the real statuses', async () => {
  await withSandbox(async (_sb, org) => {
    const t = await login(org)
    const created = await api(
      t,
      '/sobjects/Contact',
      json({ FirstName: 'Ada', LastName: 'Lovelace' }),
    )
    assert.equal(created.status, 201)
    assert.deepEqual(Object.keys(created.body), ['id', 'success', 'errors'])
    const id = created.body.id
    assert.match(id, /^003[A-Za-z0-9]{15}$/)
    const read = await api(t, `/sobjects/Contact/${id}?fields=Id,Name,Email`)
    assert.deepEqual(Object.keys(read.body), ['attributes', 'Id', 'Name', 'Email'])
    assert.equal(read.body.Name, 'Ada Lovelace')
    // 15-character ids are accepted too.
    assert.equal((await api(t, `/sobjects/Contact/${id.slice(0, 15)}`)).body.Id, id)
    const patched = await api(t, `/sobjects/Contact/${id}`, json({ Title: 'Analyst' }, 'PATCH'))
    assert.equal(patched.status, 204)
    assert.equal((await api(t, `/sobjects/Contact/${id}`)).body.Title, 'Analyst')
    assert.equal((await api(t, `/sobjects/Contact/${id}`, { method: 'DELETE' })).status, 204)
    assert.deepEqual((await api(t, `/sobjects/Contact/${id}`)).body, [{
      message: 'entity is deleted',
      errorCode: 'ENTITY_IS_DELETED',
    }])
    assert.equal(
      (await api(t, '/sobjects/Contact/003000000000000AAA')).body[0].errorCode,
      'NOT_FOUND',
    )
  }, { contacts: 0 })
})

Deno.test('an 18-character id is case-safe, not case-insensitive: re-cased, it finds nothing', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    // An id with letters of both cases, so upper- and lower-casing both change it.
    const id = sb.control.listIds(org.orgId, 'Contact').find((id) =>
      /[a-z]/.test(id.slice(0, 15)) && /[A-Z]/.test(id.slice(0, 15))
    )!
    assert.ok(id, 'a mixed-case Contact id')
    assert.equal((await api(t, `/sobjects/Contact/${id}`)).body.Id, id)
    assert.equal((await api(t, `/sobjects/Contact/${id.slice(0, 15)}`)).body.Id, id)
    const notFound = [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]
    for (const recased of [id.toUpperCase(), id.toLowerCase()]) {
      const res = await api(t, `/sobjects/Contact/${recased}`)
      assert.equal(res.status, 404, recased)
      assert.deepEqual(res.body, notFound, recased)
      const patched = await api(t, `/sobjects/Contact/${recased}`, json({ Title: 'X' }, 'PATCH'))
      assert.equal(patched.status, 404, recased)
    }
    // A re-cased 15-char id is another id: it may even name another record, never this one.
    const other = await api(t, `/sobjects/Contact/${id.slice(0, 15).toUpperCase()}`)
    assert.notEqual(other.body.Id ?? null, id)
    assert.equal(
      (await api(t, `/sobjects/Contact/${id}`)).body.Title,
      sb.control.getRecord(
        org.orgId,
        'Contact',
        id,
      )!.Title,
      'the re-cased PATCHes changed nothing',
    )
    // Not an id at all (wrong length): Salesforce reads it as an external id it cannot find.
    const malformed = await api(t, `/sobjects/Contact/${id.slice(0, 16)}`)
    assert.equal(malformed.status, 404)
    assert.deepEqual(malformed.body, [{
      errorCode: 'NOT_FOUND',
      message: `Provided external ID field does not exist or is not accessible: ${id.slice(0, 16)}`,
    }])
    // In a write, a re-cased lookup id names no record; a malformed one is MALFORMED_ID.
    const [accountId] = sb.control.listIds(org.orgId, 'Account')
    const badRef = await api(
      t,
      '/sobjects/Contact',
      json({ LastName: 'Ref', AccountId: accountId.toLowerCase() }),
    )
    assert.equal(badRef.body[0].errorCode, 'INVALID_CROSS_REFERENCE_KEY')
    const malformedRef = await api(
      t,
      '/sobjects/Contact',
      json({ LastName: 'Ref', AccountId: 'x' }),
    )
    assert.equal(malformedRef.body[0].errorCode, 'MALFORMED_ID')
  }, { contacts: 120 })
})

Deno.test('refuses invalid writes with Salesforce error codes', async () => {
  await withSandbox(async (_sb, org) => {
    const t = await login(org)
    const missing = await api(t, '/sobjects/Contact', json({ FirstName: 'No last name' }))
    assert.equal(missing.status, 400)
    assert.deepEqual(missing.body, [{
      message: 'Required fields are missing: [LastName]',
      errorCode: 'REQUIRED_FIELD_MISSING',
      fields: ['LastName'],
    }])
    const email = await api(t, '/sobjects/Contact', json({ LastName: 'X', Email: 'not-an-email' }))
    assert.equal(email.body[0].errorCode, 'INVALID_EMAIL_ADDRESS')
    const tooLong = await api(
      t,
      '/sobjects/Contact',
      json({ LastName: 'X', Title: 'x'.repeat(129) }),
    )
    assert.equal(tooLong.body[0].errorCode, 'STRING_TOO_LONG')
    const readOnly = await api(t, '/sobjects/Contact', json({ LastName: 'X', Name: 'Nope' }))
    assert.equal(readOnly.body[0].errorCode, 'INVALID_FIELD_FOR_INSERT_UPDATE')
    const unknown = await api(t, '/sobjects/Contact', json({ LastName: 'X', Foo__c: 1 }))
    assert.equal(unknown.body[0].errorCode, 'INVALID_FIELD')
    const badRef = await api(
      t,
      '/sobjects/Contact',
      json({ LastName: 'X', AccountId: '003000000000000AAA' }),
    )
    assert.equal(badRef.body[0].errorCode, 'MALFORMED_ID')
  }, { contacts: 0 })
})

Deno.test('collections insert up to 200 records in one call and roll back on allOrNone', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const rec = (last: string | null) => ({ attributes: { type: 'Contact' }, LastName: last })
    const partial = await api(
      t,
      '/composite/sobjects',
      json({ allOrNone: false, records: [rec('A'), rec(null), rec('B')] }),
    )
    assert.equal(partial.status, 200)
    assert.deepEqual(partial.body.map((r: { success: boolean }) => r.success), [true, false, true])
    assert.equal(partial.body[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING')
    const before = sb.control.countRecords(org.orgId, 'Contact')
    const rolled = await api(
      t,
      '/composite/sobjects',
      json({ allOrNone: true, records: [rec('C'), rec(null)] }),
    )
    assert.equal(rolled.status, 200)
    assert.equal(rolled.body[0].errors[0].statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK')
    assert.equal(rolled.body[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING')
    assert.equal(sb.control.countRecords(org.orgId, 'Contact'), before)
    const tooMany = await api(
      t,
      '/composite/sobjects',
      json({ records: Array.from({ length: 201 }, () => rec('Z')) }),
    )
    assert.equal(tooMany.status, 400)
    assert.equal(tooMany.body[0].errorCode, 'EXCEEDED_ID_LIMIT')

    const ids = partial.body.filter((r: { success: boolean }) => r.success).map((
      r: { id: string },
    ) => r.id)
    const update = await api(
      t,
      '/composite/sobjects',
      json({
        records: ids.map((id: string) => ({ attributes: { type: 'Contact' }, id, Title: 'Bulk' })),
      }, 'PATCH'),
    )
    assert.ok(update.body.every((r: { success: boolean }) => r.success))
    const stamps = ids.map((id: string) =>
      sb.control.getRecord(org.orgId, 'Contact', id)!.SystemModstamp
    )
    assert.equal(new Set(stamps).size, 1)
    const retrieved = await api(
      t,
      `/composite/sobjects/Contact?ids=${ids.join(',')}&fields=Id,Title`,
    )
    assert.deepEqual(retrieved.body.map((r: { Title: string }) => r.Title), ['Bulk', 'Bulk'])
    const del = await api(t, `/composite/sobjects?ids=${ids.join(',')}`, { method: 'DELETE' })
    assert.ok(del.body.every((r: { success: boolean }) => r.success))
    // One collections call counts once against the allowance.
    assert.equal(sb.control.counters(org.orgId).apiCallsByEndpoint['composite.sobjects.update'], 1)
  }, { contacts: 0 })
})

Deno.test('collections retrieve up to 2,000 records by POST body, in order, null for misses', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const ids = sb.control.listIds(org.orgId, 'Contact')
    const [accountId] = sb.control.listIds(org.orgId, 'Account')
    sb.control.deleteRecords(org.orgId, 'Contact', [ids[3]])
    const asked = [
      ids[5],
      ids[0].slice(0, 15), // 15 characters are accepted
      'not-an-id', // malformed
      accountId, // another type
      ids[3], // in the Recycle Bin
      ids[1].toLowerCase(), // re-cased: no such id
      ids[5], // asked twice, answered twice
    ]
    const before = sb.control.lastRequestSeq()
    const res = await api(
      t,
      '/composite/sobjects/Contact',
      json({ ids: asked, fields: ['id', 'LastName', 'Email', 'AccountId'] }),
    )
    assert.equal(res.status, 200)
    const record = (id: string) => {
      const r = sb.control.getRecord(org.orgId, 'Contact', id)!
      return {
        attributes: { type: 'Contact', url: `/services/data/v59.0/sobjects/Contact/${id}` },
        Id: id,
        LastName: r.LastName,
        Email: r.Email,
        AccountId: r.AccountId,
      }
    }
    assert.deepEqual(res.body, [
      record(ids[5]),
      record(ids[0]),
      null,
      null,
      null,
      null,
      record(ids[5]),
    ])
    const calls = sb.control.requests({ sinceSeq: before })
    assert.deepEqual(calls.map((c) => `${c.method} ${c.endpoint} ${c.counted}`), [
      'POST composite.sobjects.retrieve true',
    ])

    // 2,000 ids is the most one call takes; more is refused whole.
    const many = Array.from({ length: 2000 }, (_, i) => ids[i % ids.length])
    const full = await api(t, '/composite/sobjects/Contact', json({ ids: many, fields: ['Id'] }))
    assert.equal(full.status, 200)
    assert.equal(full.body.length, 2000)
    assert.deepEqual(
      full.body.map((r: { Id: string } | null) => r?.Id ?? null),
      many.map((id) => id === ids[3] ? null : id),
    )
    const over = await api(
      t,
      '/composite/sobjects/Contact',
      json({ ids: [...many, ids[0]], fields: ['Id'] }),
    )
    assert.equal(over.status, 400)
    assert.equal(over.body[0].errorCode, 'EXCEEDED_ID_LIMIT')

    const refused = async (body: unknown, type = 'Contact') => {
      const r = await api(t, `/composite/sobjects/${type}`, {
        method: 'POST',
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })
      return [r.status, r.body[0].errorCode]
    }
    assert.deepEqual(await refused({ ids: [ids[0]], fields: ['Id', 'Nope'] }), [
      400,
      'INVALID_FIELD',
    ])
    assert.deepEqual(await refused({ ids: [ids[0]] }), [400, 'MISSING_ARGUMENT'])
    assert.deepEqual(await refused({ ids: [], fields: ['Id'] }), [400, 'MISSING_ARGUMENT'])
    assert.deepEqual(await refused({ fields: ['Id'] }), [400, 'MISSING_ARGUMENT'])
    assert.deepEqual(await refused({ ids: ids[0], fields: ['Id'] }), [400, 'JSON_PARSER_ERROR'])
    assert.deepEqual(await refused({ ids: [1], fields: ['Id'] }), [400, 'JSON_PARSER_ERROR'])
    assert.deepEqual(await refused('{"ids": ['), [400, 'JSON_PARSER_ERROR'])
    assert.deepEqual(await refused({ ids: [ids[0]], fields: ['Id'] }, 'Nope'), [404, 'NOT_FOUND'])
    const put = await api(t, '/composite/sobjects/Contact', { method: 'PUT', body: '{}' })
    assert.equal(put.status, 405)
  }, { contacts: 30 })
})

Deno.test('deleting an Account sends its Contacts to the Recycle Bin too', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const [acct] = sb.control.insertRecords(org.orgId, 'Account', [{ Name: 'Doomed' }])
    sb.control.insertRecords(org.orgId, 'Contact', [{ LastName: 'A', AccountId: acct }, {
      LastName: 'B',
      AccountId: acct,
    }])
    assert.equal((await api(t, `/sobjects/Account/${acct}`, { method: 'DELETE' })).status, 204)
    assert.equal(sb.control.countRecords(org.orgId, 'Contact'), 0)
    assert.equal(sb.control.countRecords(org.orgId, 'Contact', { includeDeleted: true }), 2)
  }, { contacts: 0 })
})

Deno.test('getUpdated and getDeleted return ids in minute-aligned windows with their limits', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const start = new Date(sb.control.now()).toISOString()
    sb.control.advanceClock(60_000)
    const [a, b] = sb.control.insertRecords(org.orgId, 'Contact', [{ LastName: 'New' }, {
      LastName: 'Gone',
    }])
    sb.control.deleteRecords(org.orgId, 'Contact', [b])
    sb.control.advanceClock(120_000)
    const end = new Date(sb.control.now()).toISOString()
    const q = `start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`
    const updated = await api(t, `/sobjects/Contact/updated/?${q}`)
    assert.deepEqual(updated.body.ids, [a])
    assert.match(updated.body.latestDateCovered, /:00\.000\+0000$/)
    const deleted = await api(t, `/sobjects/Contact/deleted/?${q}`)
    assert.deepEqual(deleted.body.deletedRecords.map((d: { id: string }) => d.id), [b])
    assert.ok(deleted.body.earliestDateAvailable)
    const old = new Date(sb.control.now() - 31 * 86_400_000).toISOString()
    const tooOld = await api(
      t,
      `/sobjects/Contact/updated/?start=${encodeURIComponent(old)}&end=${encodeURIComponent(end)}`,
    )
    assert.equal(tooOld.body[0].errorCode, 'INVALID_REPLICATION_DATE')
    const old16 = new Date(sb.control.now() - 16 * 86_400_000).toISOString()
    const tooOldDeleted = await api(
      t,
      `/sobjects/Contact/deleted/?start=${encodeURIComponent(old16)}&end=${
        encodeURIComponent(end)
      }`,
    )
    assert.equal(tooOldDeleted.body[0].errorCode, 'INVALID_REPLICATION_DATE')
  }, { contacts: 0 })
})

Deno.test('getDeleted keeps purged and hard-deleted records until the log is cut; earliestDateAvailable moves', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const start = new Date(sb.control.now()).toISOString()
    sb.control.advanceClock(60_000)
    const [purged, hard, kept] = sb.control.insertRecords(org.orgId, 'Contact', [
      { LastName: 'Purged' },
      { LastName: 'Hard' },
      { LastName: 'Kept' },
    ])
    sb.control.deleteRecords(org.orgId, 'Contact', [purged])
    sb.control.emptyRecycleBin(org.orgId)
    sb.control.hardDeleteRecords(org.orgId, 'Contact', [hard])
    sb.control.advanceClock(120_000)
    const all = await soql(t, 'SELECT Id FROM Contact', true)
    assert.deepEqual(all.body.records.map((r: { Id: string }) => r.Id), [kept])
    assert.deepEqual(sb.control.listPurgedIds(org.orgId, 'Contact').sort(), [purged, hard].sort())
    const window = () =>
      `start=${encodeURIComponent(start)}&end=${
        encodeURIComponent(new Date(sb.control.now()).toISOString())
      }`
    const deleted = await api(t, `/sobjects/Contact/deleted/?${window()}`)
    assert.deepEqual(
      deleted.body.deletedRecords.map((d: { id: string }) => d.id).sort(),
      [purged, hard].sort(),
    )
    assert.ok(
      Date.parse(deleted.body.earliestDateAvailable.replace('+0000', 'Z')) < Date.parse(start),
    )
    // The log is cut (as Salesforce does when it grows large): a reader behind it sees the gap.
    sb.control.truncateDeleteLog(org.orgId)
    const cut = new Date(sb.control.now() - (sb.control.now() % 60_000)).toISOString()
    sb.control.advanceClock(60_000)
    const after = await api(t, `/sobjects/Contact/deleted/?${window()}`)
    assert.deepEqual(after.body.deletedRecords, [])
    assert.equal(after.body.earliestDateAvailable, cut.replace('Z', '+0000'))
  }, { contacts: 0 })
})

Deno.test('replies carry a Date header in the sandbox clock', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    sb.control.advanceClock(3_600_000)
    const response = await api(t, '/limits')
    const date = Date.parse(response.headers.get('date')!)
    assert.ok(Math.abs(date - sb.control.now()) < 5_000, response.headers.get('date')!)
  }, { contacts: 0 })
})

Deno.test('/limits reports DailyApiRequests from the same counter as Sforce-Limit-Info', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    sb.control.updateOrg(org.orgId, { apiUsed: 100 })
    const res = await api(t, '/limits')
    assert.equal(res.headers.get('sforce-limit-info'), 'api-usage=101/15000')
    assert.deepEqual(res.body.DailyApiRequests, { Max: 15000, Remaining: 14899 })
    assert.ok(res.body.DailyBulkV2QueryJobs)
  }, { contacts: 0 })
})
