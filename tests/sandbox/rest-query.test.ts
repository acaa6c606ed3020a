// REST query and queryAll: results, paging and locators, SOQL errors, sessions and the API allowance.

import assert from 'node:assert/strict'
import { api, login, soql, withSandbox } from './support/sandbox.ts'

const FIELDS = 'Id, FirstName, LastName, Email, Account.Name, SystemModstamp'

Deno.test('answers INVALID_FIELD echoing the query with a caret, as Salesforce words it', async () => {
  await withSandbox(async (_sb, org) => {
    const t = await login(org)
    const res = await soql(t, 'SELECT Idd FROM Contact')
    assert.equal(res.status, 400)
    assert.deepEqual(res.body, [{
      message:
        "\nSELECT Idd FROM Contact\n       ^\nERROR at Row:1:Column:8\nNo such column 'Idd' on entity 'Contact'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
      errorCode: 'INVALID_FIELD',
    }])
  })
})

Deno.test('rejects a quoted datetime, an unknown object, a bad relationship and a malformed id', async () => {
  await withSandbox(async (_sb, org) => {
    const t = await login(org)
    const quoted = await soql(
      t,
      "SELECT Id FROM Contact WHERE SystemModstamp > '2024-01-01T00:00:00Z'",
    )
    assert.equal(quoted.body[0].errorCode, 'MALFORMED_QUERY')
    assert.match(
      quoted.body[0].message,
      /value of filter criterion for field 'SystemModstamp' must be of type dateTime and should not be enclosed in quotes$/,
    )
    const dateOnDatetime = await soql(t, 'SELECT Id FROM Contact WHERE CreatedDate > 2024-01-01')
    assert.match(dateOnDatetime.body[0].message, /must be of type dateTime/)
    const type = await soql(t, 'SELECT Id FROM Contct')
    assert.equal(type.body[0].errorCode, 'INVALID_TYPE')
    assert.match(type.body[0].message, /sObject type 'Contct' is not supported/)
    const rel = await soql(t, 'SELECT Acount.Name FROM Contact')
    assert.equal(rel.body[0].errorCode, 'INVALID_FIELD')
    assert.match(rel.body[0].message, /Didn't understand relationship 'Acount' in field path/)
    const id = await soql(t, "SELECT Id FROM Contact WHERE Id = 'abc'")
    assert.equal(id.body[0].errorCode, 'INVALID_QUERY_FILTER_OPERATOR')
    assert.match(id.body[0].message, /invalid ID field: abc$/)
    const unquoted = await soql(t, 'SELECT Id FROM Contact WHERE LastName = 5')
    assert.match(
      unquoted.body[0].message,
      /must be of type string and should be enclosed in quotes/,
    )
    const longText = await soql(t, "SELECT Id FROM Contact WHERE Description = 'x'")
    assert.match(
      longText.body[0].message,
      /field 'Description' can not be filtered in a query call/,
    )
    const missing = await api(t, '/query')
    assert.deepEqual(missing.body, [{
      message: 'A query string has to be specified',
      errorCode: 'MALFORMED_QUERY',
    }])
  }, { contacts: 0 })
})

Deno.test('WHERE Id matches an 18-character id exactly: a re-cased one returns no rows', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const id = sb.control.listIds(org.orgId, 'Contact').find((id) =>
      /[a-z]/.test(id.slice(0, 15)) && /[A-Z]/.test(id.slice(0, 15))
    )!
    const ids = async (where: string) =>
      (await soql(t, `SELECT Id FROM Contact WHERE ${where}`)).body.records.map((
        r: { Id: string },
      ) => r.Id)
    assert.deepEqual(await ids(`Id = '${id}'`), [id])
    assert.deepEqual(await ids(`Id = '${id.slice(0, 15)}'`), [id])
    assert.deepEqual(await ids(`Id = '${id.toLowerCase()}'`), [])
    assert.deepEqual(await ids(`Id = '${id.toUpperCase()}'`), [])
    assert.deepEqual(await ids(`Id = '${id.slice(0, 15).toLowerCase()}'`), [])
    assert.deepEqual(await ids(`Id IN ('${id.toLowerCase()}', '${id.toUpperCase()}')`), [])
    assert.equal((await ids(`Id != '${id.toLowerCase()}'`)).length, 120)
  }, { contacts: 120 })
})

Deno.test('query hides Recycle Bin rows and queryAll returns them with IsDeleted = true', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const ids = sb.control.insertRecords(org.orgId, 'Contact', [{ LastName: 'Keep' }, {
      LastName: 'Gone',
    }])
    sb.control.deleteRecords(org.orgId, 'Contact', [ids[1]])
    const q = await soql(t, 'SELECT Id, IsDeleted FROM Contact')
    assert.deepEqual(q.body.records.map((r: { Id: string }) => r.Id), [ids[0]])
    const all = await soql(t, 'SELECT Id, IsDeleted FROM Contact ORDER BY LastName', true)
    assert.deepEqual(all.body.records.map((r: { IsDeleted: boolean }) => r.IsDeleted), [
      true,
      false,
    ])
    const onlyDeleted = await soql(t, 'SELECT Id FROM Contact WHERE IsDeleted = true', true)
    assert.equal(onlyDeleted.body.totalSize, 1)
    const none = await soql(t, 'SELECT Id FROM Contact WHERE IsDeleted = true')
    assert.equal(none.body.totalSize, 0)
    sb.control.emptyRecycleBin(org.orgId)
    assert.equal((await soql(t, 'SELECT Id FROM Contact', true)).body.totalSize, 1)
  }, { contacts: 0 })
})

Deno.test('pages with batchSize and nextRecordsUrl; the last page has no nextRecordsUrl key', async () => {
  await withSandbox(async (_sb, org) => {
    const t = await login(org)
    const first = await soql(t, `SELECT ${FIELDS} FROM Contact ORDER BY SystemModstamp, Id`, true, {
      'Sforce-Query-Options': 'batchSize=200',
    })
    assert.equal(first.body.totalSize, 450)
    assert.equal(first.body.done, false)
    assert.equal(first.body.records.length, 200)
    // queryAll continues through a /query/ locator (facts §2.3).
    assert.match(
      first.body.nextRecordsUrl,
      /^\/services\/data\/v59\.0\/query\/01g[A-Za-z0-9]{15}-200$/,
    )
    const second = await api(t, `${t.instance_url}${first.body.nextRecordsUrl}`)
    assert.equal(second.body.records.length, 200)
    const third = await api(t, `${t.instance_url}${second.body.nextRecordsUrl}`)
    assert.equal(third.body.done, true)
    assert.equal(third.body.records.length, 50)
    assert.equal('nextRecordsUrl' in third.body, false)
    assert.deepEqual(Object.keys(first.body), ['totalSize', 'done', 'nextRecordsUrl', 'records'])
    const all = [...first.body.records, ...second.body.records, ...third.body.records]
    assert.equal(new Set(all.map((r) => r.Id)).size, 450)
  }, { contacts: 450 })
})

Deno.test('clamps batchSize to 200..2000 and defaults to 2000', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const q = 'SELECT Id FROM Contact'
    assert.equal(
      (await soql(t, q, false, { 'Sforce-Query-Options': 'batchSize=50' })).body.records.length,
      200,
    )
    assert.equal(
      (await soql(t, q, false, { 'Sforce-Query-Options': 'batchSize=5000' })).body.records.length,
      2000,
    )
    assert.equal((await soql(t, q)).body.records.length, 2000)
    sb.control.updateOrg(org.orgId, { batchSizeCap: 300 })
    assert.equal((await soql(t, q)).body.records.length, 300)
  }, { contacts: 2100 })
})

Deno.test('serves pages from a snapshot and expires locators after two days', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const first = await soql(t, 'SELECT Id, Title FROM Contact ORDER BY Id', false, {
      'Sforce-Query-Options': 'batchSize=200',
    })
    const later = sb.control.listIds(org.orgId, 'Contact').sort()[250]
    sb.control.updateRecords(org.orgId, 'Contact', [{
      Id: later,
      Title: 'Changed after the query',
    }])
    const second = await api(t, `${t.instance_url}${first.body.nextRecordsUrl}`)
    const row = second.body.records.find((r: { Id: string }) => r.Id === later)
    assert.notEqual(row.Title, 'Changed after the query')

    const again = await soql(t, 'SELECT Id FROM Contact', false, {
      'Sforce-Query-Options': 'batchSize=200',
    })
    sb.control.advanceClock(2 * 86_400_000 + 1000)
    sb.control.expireAccessTokens(org.orgId)
    const t2 = await login(org)
    const expired = await api(t2, `${t2.instance_url}${again.body.nextRecordsUrl}`)
    assert.equal(expired.status, 400)
    assert.deepEqual(expired.body, [{
      message: 'invalid query locator',
      errorCode: 'INVALID_QUERY_LOCATOR',
    }])
    const unknown = await api(t2, '/query/01gRO0000016PIAYA2-2000')
    assert.equal(unknown.body[0].errorCode, 'INVALID_QUERY_LOCATOR')
  }, { contacts: 500 })
})

Deno.test('returns records with attributes, nested parents or null, and Salesforce datetimes', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const [acct] = sb.control.insertRecords(org.orgId, 'Account', [{ Name: 'Acme Widgets' }])
    sb.control.insertRecords(org.orgId, 'Contact', [
      {
        LastName: 'WithAccount',
        AccountId: acct,
        MailingCity: 'Paris',
        MailingStreet: '1 Rue\nBat B',
      },
      { LastName: 'Private' },
    ])
    const res = await soql(
      t,
      'SELECT Id, LastName, Account.Name, MailingAddress, SystemModstamp FROM Contact ORDER BY LastName',
    )
    const [priv, withAcct] = res.body.records
    assert.equal(priv.Account, null)
    assert.equal(priv.MailingAddress, null)
    assert.deepEqual(withAcct.Account, {
      attributes: { type: 'Account', url: `/services/data/v59.0/sobjects/Account/${acct}` },
      Name: 'Acme Widgets',
    })
    assert.equal(withAcct.MailingAddress.street, '1 Rue\nBat B')
    assert.deepEqual(Object.keys(withAcct), [
      'attributes',
      'Id',
      'LastName',
      'Account',
      'MailingAddress',
      'SystemModstamp',
    ])
    assert.match(withAcct.SystemModstamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/)
    assert.equal(withAcct.attributes.url, `/services/data/v59.0/sobjects/Contact/${withAcct.Id}`)
    const byParent = await soql(
      t,
      "SELECT LastName FROM Contact WHERE Account.Name = 'acme widgets' ORDER BY Account.Name NULLS LAST, LastName",
    )
    assert.deepEqual(byParent.body.records.map((r: { LastName: string }) => r.LastName), [
      'WithAccount',
    ])
  }, { contacts: 0 })
})

Deno.test('filters with LIKE, IN, NOT IN, null, 15-char ids and datetime offsets; sorts nulls first', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const ids = sb.control.insertRecords(org.orgId, 'Contact', [
      { LastName: "O'Brien", Email: 'OBRIEN@Example.com', Title: 'CEO' },
      { LastName: 'Smith', Email: 'smith_j@example.com', Title: null },
      { LastName: 'Smithers', Email: 'smithers@example.org', Title: 'CTO' },
    ], { systemModstamp: '2026-03-01T12:00:00Z' })
    const names = async (where: string, order = 'LastName') =>
      (await soql(t, `SELECT LastName FROM Contact WHERE ${where} ORDER BY ${order}`)).body.records
        .map((
          r: { LastName: string },
        ) => r.LastName)
    assert.deepEqual(await names("LastName LIKE 'smith%'"), ['Smith', 'Smithers'])
    assert.deepEqual(await names("Email LIKE '%\\_j@%'"), ['Smith'])
    assert.deepEqual(await names("Email = 'obrien@example.com'"), ["O'Brien"])
    assert.deepEqual(await names("LastName = 'O\\'Brien'"), ["O'Brien"])
    assert.deepEqual(await names("Title IN ('CEO', 'CTO')"), ["O'Brien", 'Smithers'])
    assert.deepEqual(await names("Title NOT IN ('CEO')"), ['Smith', 'Smithers'])
    assert.deepEqual(await names('Title = null'), ['Smith'])
    assert.deepEqual(await names(`Id = '${ids[1].slice(0, 15)}'`), ['Smith'])
    assert.deepEqual(await names('SystemModstamp = 2026-03-01T13:00:00+01:00'), [
      "O'Brien",
      'Smith',
      'Smithers',
    ])
    assert.deepEqual(await names("(Title = 'CEO' OR Title = 'CTO') AND (NOT LastName LIKE 'O%')"), [
      'Smithers',
    ])
    assert.deepEqual(await names("LastName != 'x'", 'Title'), ['Smith', "O'Brien", 'Smithers'])
    assert.deepEqual(await names("LastName != 'x'", 'Title DESC NULLS LAST'), [
      'Smithers',
      "O'Brien",
      'Smith',
    ])
    assert.deepEqual(await names("LastName != 'x'", 'LastName DESC LIMIT 2 OFFSET 1'), [
      'Smith',
      "O'Brien",
    ])
    const count = await soql(t, "SELECT COUNT() FROM Contact WHERE LastName LIKE 'Smith%'")
    assert.deepEqual(count.body, { totalSize: 2, done: true, records: [] })
  }, { contacts: 0 })
})

Deno.test('a (SystemModstamp, Id) keyset cursor reads every row once despite shared stamps', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    // One bulk update gives 600 rows the same SystemModstamp.
    sb.control.touchRecords(org.orgId, 'Contact', { count: 600 })
    const seen: string[] = []
    let cursor: { stamp: string; id: string } | null = null
    for (let page = 0; page < 20; page++) {
      const where = cursor
        ? `WHERE (SystemModstamp = ${cursor.stamp} AND Id > '${cursor.id}') OR SystemModstamp > ${cursor.stamp}`
        : ''
      const res = await soql(
        t,
        `SELECT Id, SystemModstamp FROM Contact ${where} ORDER BY SystemModstamp, Id LIMIT 250`,
      )
      const recs = res.body.records as { Id: string; SystemModstamp: string }[]
      if (recs.length === 0) break
      seen.push(...recs.map((r) => r.Id))
      const last = recs[recs.length - 1]
      cursor = { stamp: last.SystemModstamp.replace('.000+0000', 'Z'), id: last.Id }
    }
    assert.equal(seen.length, 1200)
    assert.equal(new Set(seen).size, 1200)
  }, { contacts: 1200 })
})

Deno.test('enforces the SOQL length limit and the URI length limit', async () => {
  const idList = (n: number) =>
    Array.from({ length: n }, (_, i) => `'003HD${String(i).padStart(10, '0')}'`).join(',')
  // Deno's own URL parser refuses URLs much beyond 64 KiB, so the statement limit is exercised
  // with a lower configured maximum; the default is Salesforce's 100,000.
  await withSandbox(async (_sb, org) => {
    const t = await login(org)
    const long = `SELECT Id FROM Contact WHERE Id IN (${idList(300)})`
    const res = await soql(t, long)
    assert.deepEqual(res.body, [{
      message: 'SOQL statements can not be longer than 5000 characters.',
      errorCode: 'MALFORMED_QUERY',
    }])
    assert.equal((await soql(t, `SELECT Id FROM Contact WHERE Id IN (${idList(200)})`)).status, 200)
  }, { contacts: 0, maxSoqlLength: 5000 })
  await withSandbox(async (_sb, org) => {
    const t = await login(org)
    // 1,200 ids are ~23,000 characters of SOQL: fine for SOQL, too long for a GET URI.
    const res = await soql(t, `SELECT Id FROM Contact WHERE Id IN (${idList(1200)})`)
    assert.equal(res.status, 414)
  }, { contacts: 0 })
})

Deno.test('answers 401 INVALID_SESSION_ID for expired, unknown and other-org sessions', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const other = sb.control.createOrg({
      name: 'Other',
      myDomain: 'other',
      app: { callbackUrls: ['http://localhost:3000/oauth/callback'] },
    })
    const t2 = await login(other)
    const crossed = await api(
      { ...t2, instance_url: t.instance_url },
      '/query?q=SELECT+Id+FROM+Contact',
    )
    assert.equal(crossed.status, 401)
    assert.deepEqual(crossed.body, [{
      message: 'Session expired or invalid',
      errorCode: 'INVALID_SESSION_ID',
    }])
    sb.control.expireAccessTokens(org.orgId)
    const expired = await api(t, '/limits')
    assert.equal(expired.status, 401)
    assert.equal(expired.body[0].errorCode, 'INVALID_SESSION_ID')
    const none = await fetch(`${t.instance_url}/services/data/v59.0/limits`)
    assert.equal(none.status, 401)
    await none.body?.cancel()
    assert.equal((await api(t2, '/limits')).status, 200)
  })
})

Deno.test('counts calls in Sforce-Limit-Info and refuses with REQUEST_LIMIT_EXCEEDED when spent', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const versions = await fetch(`${t.instance_url}/services/data/`)
    assert.equal(versions.headers.get('sforce-limit-info'), null)
    const list = await versions.json()
    assert.deepEqual(list.find((v: { version: string }) => v.version === '59.0'), {
      label: "Winter '24",
      url: '/services/data/v59.0',
      version: '59.0',
    })
    const a = await api(t, '/limits')
    assert.equal(a.headers.get('sforce-limit-info'), 'api-usage=1/15000')
    assert.deepEqual(a.body.DailyApiRequests, { Max: 15000, Remaining: 14999 })
    sb.control.updateOrg(org.orgId, { apiLimit: 3 })
    assert.equal(
      (await soql(t, 'SELECT Id FROM Contact')).headers.get('sforce-limit-info'),
      'api-usage=2/3',
    )
    assert.equal(
      (await soql(t, 'SELECT Idd FROM Contact')).headers.get('sforce-limit-info'),
      'api-usage=3/3',
    )
    const refused = await soql(t, 'SELECT Id FROM Contact')
    assert.equal(refused.status, 403)
    assert.deepEqual(refused.body, [{
      message: 'TotalRequests Limit exceeded.',
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
    }])
    assert.equal(refused.headers.get('sforce-limit-info'), 'api-usage=3/3')
    // The allowance is a rolling 24 hours.
    sb.control.advanceClock(24 * 3_600_000 + 60_000)
    sb.control.expireAccessTokens(org.orgId)
    const t2 = await login(org)
    assert.equal((await soql(t2, 'SELECT Id FROM Contact')).status, 200)
  }, { contacts: 5 })
})
