// The control API (HTTP and TypeScript): orgs, data changes, faults, latency, the request log, reset.

import assert from 'node:assert/strict'
import { createSalesforceSandbox } from '../../scripts/sandbox/salesforce/sandbox.ts'
import { startSalesforceSandbox } from '../../scripts/sandbox/salesforce/server.ts'
import { api, CALLBACK, login, soql, withSandbox } from './support/sandbox.ts'

async function control(base: string, path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${base}/__sandbox${path}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: init.body ? { 'content-type': 'application/json' } : {},
    body: init.body ? JSON.stringify(init.body) : undefined,
  })
  return { status: res.status, body: await res.json() }
}

Deno.test('the request log counts exactly the calls a client made, by endpoint', async () => {
  await withSandbox(async (sb, org) => {
    const before = (await control(sb.url, '/requests')).body.lastSeq
    const t = await login(org) // authorize + token = 2 calls
    const first = await soql(t, 'SELECT Id FROM Contact', false, {
      'Sforce-Query-Options': 'batchSize=200',
    })
    await api(t, `${t.instance_url}${first.body.nextRecordsUrl}`)
    await api(t, '/sobjects/Contact/describe')
    await api({ ...t, access_token: 'bogus' }, '/limits')
    const made = 6
    const log = (await control(sb.url, `/requests?sinceSeq=${before}`)).body
    assert.equal(log.count, made)
    assert.deepEqual(
      log.requests.map((r: { endpoint: string; status: number }) => `${r.endpoint}:${r.status}`),
      [
        'oauth.authorize:302',
        'oauth.token:200',
        'query:200',
        'queryMore:200',
        'sobject.describe:200',
        'limits:401',
      ],
    )
    // Secrets never reach the log.
    assert.ok(log.requests.every((r: { path: string }) => !r.path.includes(t.access_token)))
    const counters = (await control(sb.url, `/orgs/${org.orgId}/counters`)).body
    assert.deepEqual(counters.apiCallsByEndpoint, { query: 1, queryMore: 1, 'sobject.describe': 1 })
    assert.equal(counters.apiUsage.used, 3)
    assert.equal(counters.requestsByEndpoint.limits, 1)
  }, { contacts: 300 })
})

Deno.test('creates an org over HTTP with contacts, an app and a user that can log in', async () => {
  const sb = await startSalesforceSandbox({ autoApprove: true })
  try {
    const created = await control(sb.url, '/orgs', {
      body: { name: 'Initech', contacts: 25, app: { callbackUrls: [CALLBACK] } },
    })
    assert.equal(created.status, 201)
    const org = created.body
    assert.match(org.orgId, /^00D[A-Za-z0-9]{15}$/)
    assert.equal(org.instanceUrl, `${sb.url}/instance/initech`)
    assert.equal(org.counts.Contact, 25)
    assert.ok(org.app.clientId && org.app.clientSecret)
    const t = await login(org)
    assert.equal((await soql(t, 'SELECT COUNT() FROM Contact')).body.totalSize, 25)
    const summary = (await control(sb.url, '/')).body
    assert.equal(summary.loginUrls.sandbox, `${sb.url}/test`)
    assert.equal(summary.orgs.length, 1)
  } finally {
    await sb.close()
  }
})

Deno.test('keeps each org its own data, users and ids', async () => {
  await withSandbox(async (sb, acme) => {
    const globex = sb.control.createOrg({
      name: 'Globex',
      contacts: 10,
      app: { callbackUrls: [CALLBACK] },
    })
    assert.notEqual(globex.orgId, acme.orgId)
    assert.notEqual(globex.instanceUrl, acme.instanceUrl)
    const a = new Set(sb.control.listIds(acme.orgId, 'Contact'))
    const g = sb.control.listIds(globex.orgId, 'Contact')
    assert.ok(g.every((id) => !a.has(id)))
    const t = await login(globex)
    const rows = (await soql(t, 'SELECT Id FROM Contact')).body.records
    assert.equal(rows.length, 10)
    assert.equal(t.instance_url, globex.instanceUrl)
  }, { contacts: 10 })
})

Deno.test('bulk updates share one SystemModstamp; system-only updates keep LastModifiedDate', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const ids = sb.control.listIds(org.orgId, 'Contact').slice(0, 40)
    const before = sb.control.getRecord(org.orgId, 'Contact', ids[0])!
    sb.control.advanceClock(60_000)
    const touched = await control(sb.url, `/orgs/${org.orgId}/records/Contact/touch`, {
      body: { ids, systemOnly: true },
    })
    assert.equal(touched.body.ids.length, 40)
    const rows = (await soql(
      t,
      `SELECT Id, LastModifiedDate, SystemModstamp FROM Contact WHERE SystemModstamp = ${
        touched.body.systemModstamp.replace('.000+0000', 'Z')
      }`,
    )).body.records
    assert.equal(rows.length, 40)
    const first = rows.find((r: { Id: string }) => r.Id === ids[0])
    assert.equal(first.LastModifiedDate, before.LastModifiedDate)
    assert.notEqual(first.SystemModstamp, before.SystemModstamp)
  }, { contacts: 100 })
})

Deno.test('late commits: records appear with a SystemModstamp older than rows already served', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    sb.control.insertRecords(org.orgId, 'Contact', [{ LastName: 'Fresh' }])
    const newest =
      (await soql(t, 'SELECT SystemModstamp FROM Contact ORDER BY SystemModstamp DESC LIMIT 1'))
        .body
        .records[0].SystemModstamp
    const late = await control(sb.url, `/orgs/${org.orgId}/records/Contact/late`, {
      body: { records: [{ LastName: 'Lagging' }], secondsAgo: 120 },
    })
    const [row] =
      (await soql(t, `SELECT SystemModstamp FROM Contact WHERE Id = '${late.body.ids[0]}'`)).body
        .records
    assert.ok(row.SystemModstamp < newest)
    // Scheduled visibility: invisible until the clock passes visibleAfterMs.
    const hidden = sb.control.insertLateRecords(org.orgId, 'Contact', [{ LastName: 'Later' }], {
      secondsAgo: 60,
      visibleAfterMs: 30_000,
    })
    const q = `SELECT Id FROM Contact WHERE Id = '${hidden[0]}'`
    assert.equal((await soql(t, q)).body.totalSize, 0)
    sb.control.advanceClock(31_000)
    assert.equal((await soql(t, q)).body.totalSize, 1)
  }, { contacts: 5 })
})

Deno.test('injects the next N faults: 503 HTML, then normal service, each logged with its fault', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const f = await control(sb.url, '/faults', { body: { kind: '503', count: 2, path: '/query' } })
    assert.equal(f.status, 201)
    const a = await soql(t, 'SELECT Id FROM Contact')
    assert.equal(a.status, 503)
    assert.equal(a.headers.get('content-type'), 'text/html;charset=UTF-8')
    assert.equal((await api(t, '/limits')).status, 200) // path-scoped: not a query
    assert.equal((await soql(t, 'SELECT Id FROM Contact')).status, 503)
    assert.equal((await soql(t, 'SELECT Id FROM Contact')).status, 200)
    const faulted = sb.control.requests({ orgId: org.orgId }).filter((r) => r.fault)
    assert.deepEqual(faulted.map((r) => `${r.endpoint}:${r.fault}`), ['query:503', 'query:503'])
  })
})

Deno.test('fault kinds answer as Salesforce and its edge do', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const once = (kind: string, extra = {}) =>
      sb.control.injectFault({ kind, count: 1, ...extra } as never)
    once('429', { retryAfterSeconds: 7 })
    const tooMany = await api(t, '/limits')
    assert.equal(tooMany.status, 429)
    assert.equal(tooMany.headers.get('retry-after'), '7')
    once('request-limit')
    assert.deepEqual((await api(t, '/limits')).body, [{
      message: 'TotalRequests Limit exceeded.',
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
    }])
    once('500')
    assert.equal((await api(t, '/limits')).body[0].errorCode, 'UNKNOWN_EXCEPTION')
    once('401')
    assert.equal((await api(t, '/limits')).body[0].errorCode, 'INVALID_SESSION_ID')
    assert.equal((await api(t, '/limits')).status, 200) // the session itself is still fine
    once('drop')
    await assert.rejects(fetch(`${t.instance_url}/services/data/v59.0/limits`, {
      headers: { authorization: `Bearer ${t.access_token}` },
    }))
    once('truncate')
    const cut = await fetch(
      `${t.instance_url}/services/data/v59.0/query?q=SELECT+Id+FROM+Contact`,
      {
        headers: { authorization: `Bearer ${t.access_token}` },
      },
    )
    await assert.rejects(cut.text())
    once('hang')
    await assert.rejects(
      fetch(`${t.instance_url}/services/data/v59.0/limits`, {
        headers: { authorization: `Bearer ${t.access_token}` },
        signal: AbortSignal.timeout(100),
      }),
    )
  })
})

Deno.test('a seeded fault rate fails the same requests every run', async () => {
  const pattern = async () => {
    const sandbox = createSalesforceSandbox({ autoApprove: true })
    const org = sandbox.control.createOrg({ contacts: 1 })
    sandbox.control.injectFault({ kind: '500', rate: 0.3, seed: 7, orgId: org.orgId })
    const statuses: number[] = []
    for (let i = 0; i < 30; i++) {
      const res = await sandbox.fetch(new Request(`${org.instanceUrl}/services/data/v59.0/limits`))
      await res.body?.cancel()
      statuses.push(res.status)
    }
    sandbox.close()
    return statuses.map((s) => (s === 500 ? 'x' : '.')).join('')
  }
  const a = await pattern()
  assert.equal(a, await pattern())
  assert.ok(a.includes('x') && a.includes('.'))
})

Deno.test('added latency delays matching requests', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    // A delay far above any request's own time, so a loaded machine cannot blur the two sides.
    sb.control.addLatency({ ms: 3000, path: '/limits' })
    const started = performance.now()
    assert.equal((await api(t, '/limits')).status, 200)
    assert.ok(performance.now() - started >= 2990)
    const fast = performance.now()
    await soql(t, 'SELECT Id FROM Contact LIMIT 1')
    assert.ok(
      performance.now() - fast < 2990,
      'a request the latency does not match is not delayed',
    )
  })
})

Deno.test('reset brings back the seeded orgs and forgets tokens, faults and the log', async () => {
  const sb = await startSalesforceSandbox({
    autoApprove: true,
    orgs: [{ name: 'Seeded', contacts: 12, app: { callbackUrls: [CALLBACK] } }],
  })
  try {
    const [seeded] = sb.control.listOrgs()
    const org = { ...seeded, user: seeded.users[0], app: sb.control.getApp(seeded.apps[0]) }
    const t = await login(org)
    sb.control.insertRecords(org.orgId, 'Contact', [{ LastName: 'Extra' }])
    sb.control.injectFault({ kind: '500', count: 5 })
    assert.equal((await control(sb.url, '/reset', { body: {} })).status, 200)
    const [after] = sb.control.listOrgs()
    assert.equal(after.counts.Contact, 12)
    assert.equal(sb.control.listFaults().length, 0)
    assert.equal(sb.control.requests().length, 0)
    assert.equal((await api({ ...t, instance_url: after.instanceUrl }, '/limits')).status, 401)
  } finally {
    await sb.close()
  }
})

Deno.test('runs in process without a server through fetch()', async () => {
  const sandbox = createSalesforceSandbox({ baseUrl: 'http://sf.test', autoApprove: true })
  const org = sandbox.control.createOrg({ contacts: 3 })
  const res = await sandbox.fetch(new Request(`${org.instanceUrl}/services/data/`))
  assert.equal(res.status, 200)
  assert.ok(Array.isArray(await res.json()))
  assert.equal(org.instanceUrl, 'http://sf.test/instance/sandbox-org-1')
  sandbox.close()
})

Deno.test('a merge sends the losers to the Recycle Bin pointing at the master', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const [master, loser] = sb.control.insertRecords(org.orgId, 'Contact', [
      { LastName: 'Keep' },
      { LastName: 'Dupe' },
    ])
    sb.control.mergeRecords(org.orgId, 'Contact', master, [loser])
    const rows = (await soql(
      t,
      `SELECT Id, IsDeleted, MasterRecordId FROM Contact WHERE Id IN ('${master}', '${loser}') ORDER BY LastName`,
      true,
    )).body.records
    assert.deepEqual(
      rows.map((
        r: { IsDeleted: boolean; MasterRecordId: string | null },
      ) => [r.IsDeleted, r.MasterRecordId]),
      [
        [true, master],
        [false, null],
      ],
    )
  }, { contacts: 0 })
})

Deno.test('faults can be limited to HTTP methods; UNABLE_TO_LOCK_ROW hits only writes', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    sb.control.injectFault({ kind: 'unable-to-lock-row', count: 1, methods: ['PATCH'] })
    const [id] = sb.control.listIds(org.orgId, 'Contact')
    assert.equal((await api(t, `/sobjects/Contact/${id}`)).status, 200)
    const locked = await api(t, `/sobjects/Contact/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ Title: 'X' }),
    })
    assert.equal(locked.body[0].errorCode, 'UNABLE_TO_LOCK_ROW')
    const retried = await api(t, `/sobjects/Contact/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ Title: 'X' }),
    })
    assert.equal(retried.status, 204)
  }, { contacts: 2 })
})
