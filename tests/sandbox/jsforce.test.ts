// jsforce, used exactly as an app would, against the sandbox: OAuth, paging, queryAll, CRUD, refresh.

import assert from 'node:assert/strict'
import { jsforce } from './support/jsforce.ts'
import { CALLBACK, type Running, withSandbox } from './support/sandbox.ts'
import type { CreatedOrg } from '../../scripts/sandbox/salesforce/control.ts'

// undici (jsforce's HTTP client) runs a process-wide coarse clock: a timer that re-arms every
// ~500 ms while any connection timer exists and stops one tick after the last one is gone.
// Once the sandbox has closed every connection, waiting one tick lets it stop, so the leak
// sanitizers can stay on.
const UNDICI_TICK_MS = 520
const jsforceTest = (name: string, fn: () => Promise<void>) =>
  Deno.test(name, async () => {
    try {
      await fn()
    } finally {
      await new Promise((resolve) => setTimeout(resolve, UNDICI_TICK_MS))
    }
  })

function oauth2(sb: Running, org: CreatedOrg) {
  return new jsforce.OAuth2({
    loginUrl: sb.url,
    clientId: org.app!.clientId,
    clientSecret: org.app!.clientSecret,
    redirectUri: CALLBACK,
    useVerifier: true,
  })
}

/** Runs the web-server flow with jsforce's helpers and returns an authorized Connection. */
async function connect(sb: Running, org: CreatedOrg) {
  const oauth = oauth2(sb, org)
  const authUrl = oauth.getAuthorizationUrl({ scope: 'api refresh_token', state: 'st-1' })
  const res = await fetch(authUrl, { redirect: 'manual' })
  await res.body?.cancel()
  const callback = new URL(res.headers.get('location')!)
  assert.equal(callback.searchParams.get('state'), 'st-1')
  const conn = new jsforce.Connection({ oauth2: oauth })
  const userInfo = await conn.authorize(callback.searchParams.get('code')!)
  return { conn, oauth, userInfo }
}

jsforceTest(
  "jsforce completes the web-server flow with PKCE and gets the org's instance_url",
  async () => {
    await withSandbox(async (sb, org) => {
      const { conn, userInfo } = await connect(sb, org)
      assert.equal(conn.instanceUrl, org.instanceUrl)
      assert.equal(userInfo.organizationId, org.orgId)
      assert.equal(userInfo.id, org.user.id)
      assert.ok(conn.refreshToken)
      const identity = await conn.identity()
      assert.equal(identity.username, org.user.username)
    })
  },
)

jsforceTest('jsforce query with autoFetch follows nextRecordsUrl across pages', async () => {
  await withSandbox(async (sb, org) => {
    const { conn } = await connect(sb, org)
    const before = sb.control.lastRequestSeq()
    const result = await conn.query(
      'SELECT Id, FirstName, LastName, Email, Account.Name, SystemModstamp FROM Contact ORDER BY SystemModstamp, Id',
      { autoFetch: true, maxFetch: 100_000, headers: { 'Sforce-Query-Options': 'batchSize=200' } },
    )
    assert.equal(result.totalSize, 700)
    assert.equal(result.records.length, 700)
    assert.equal(new Set(result.records.map((r) => r.Id)).size, 700)
    const calls = sb.control.requests({ orgId: org.orgId, sinceSeq: before })
    assert.deepEqual(calls.map((c) => c.endpoint), ['query', 'queryMore', 'queryMore', 'queryMore'])
    const stamps = result.records.map((r) => `${r.SystemModstamp}|${r.Id}`)
    assert.deepEqual(stamps, [...stamps].sort())
  }, { contacts: 700 })
})

jsforceTest('jsforce queryAll returns soft-deleted rows with IsDeleted = true', async () => {
  await withSandbox(async (sb, org) => {
    const { conn } = await connect(sb, org)
    const [victim] = sb.control.listIds(org.orgId, 'Contact')
    sb.control.deleteRecords(org.orgId, 'Contact', [victim])
    const live = await conn.query(`SELECT Id FROM Contact WHERE Id = '${victim}'`)
    assert.equal(live.totalSize, 0)
    const all = await conn.query(`SELECT Id, IsDeleted FROM Contact WHERE Id = '${victim}'`, {
      scanAll: true,
    })
    assert.equal(all.totalSize, 1)
    assert.equal(all.records[0].IsDeleted, true)
  })
})

jsforceTest('jsforce creates, reads, updates and deletes a Contact', async () => {
  await withSandbox(async (_sb, org) => {
    const { conn } = await connect(_sb, org)
    const created = await conn.sobject('Contact').create({
      FirstName: 'Grace',
      LastName: 'Hopper',
      Email: 'grace@example.com',
    })
    assert.equal(created.success, true)
    const id = created.id!
    const read = await conn.sobject('Contact').retrieve(id)
    assert.equal(read.LastName, 'Hopper')
    assert.equal(read.Name, 'Grace Hopper')
    const updated = await conn.sobject('Contact').update({ Id: id, Title: 'Rear Admiral' })
    assert.equal(updated.success, true)
    const again = await conn.sobject('Contact').retrieve(id)
    assert.equal(again.Title, 'Rear Admiral')
    assert.ok(again.SystemModstamp >= read.SystemModstamp)
    const deleted = await conn.sobject('Contact').destroy(id)
    assert.equal(deleted.success, true)
    await assert.rejects(
      conn.sobject('Contact').retrieve(id),
      (e: Error) => e.name === 'ENTITY_IS_DELETED',
    )
  })
})

jsforceTest('jsforce writes many records through sObject collections', async () => {
  await withSandbox(async (sb, org) => {
    const { conn } = await connect(sb, org)
    const before = sb.control.lastRequestSeq()
    const rows = Array.from({ length: 30 }, (_, i) => ({ LastName: `Bulk ${i}` }))
    const results = await conn.sobject('Contact').create(rows, { allOrNone: true })
    assert.equal(results.length, 30)
    assert.ok(results.every((r) => r.success))
    const calls = sb.control.requests({ sinceSeq: before })
    assert.deepEqual(calls.map((c) => c.endpoint), ['composite.sobjects.create'])
  })
})

jsforceTest(
  'jsforce retrieves many records at once through the POST collections retrieve',
  async () => {
    await withSandbox(async (sb, org) => {
      const { conn } = await connect(sb, org)
      const ids = sb.control.listIds(org.orgId, 'Contact')
      sb.control.deleteRecords(org.orgId, 'Contact', [ids[7]])
      const wanted = [...ids.slice(0, 1500), ids[0].toLowerCase()]
      const before = sb.control.lastRequestSeq()
      const records = await conn.sobject('Contact').retrieve(wanted, {
        fields: ['Id', 'LastName', 'Email'],
      })
      assert.equal(records.length, wanted.length)
      records.forEach((r, i) => {
        if (i === 7 || i === wanted.length - 1) assert.equal(r, null, `${i}`)
        else {
          const stored = sb.control.getRecord(org.orgId, 'Contact', wanted[i])!
          assert.deepEqual([r!.Id, r!.LastName, r!.Email], [
            wanted[i],
            stored.LastName,
            stored.Email,
          ])
        }
      })
      // Without fields jsforce asks describe for every field, then retrieves them all.
      const all = await conn.sobject('Contact').retrieve(ids.slice(10, 40))
      assert.deepEqual(all.map((r) => r!.Id), ids.slice(10, 40))
      assert.equal(all[0]!.Name, `${all[0]!.FirstName ?? ''} ${all[0]!.LastName}`.trim())
      const calls = sb.control.requests({ sinceSeq: before }).map((c) =>
        `${c.method} ${c.endpoint}`
      )
      assert.deepEqual(calls, [
        'POST composite.sobjects.retrieve',
        'GET sobject.describe',
        'POST composite.sobjects.retrieve',
      ])
    }, { contacts: 1600 })
  },
)

jsforceTest('jsforce refreshes an expired session by itself and retries the call', async () => {
  await withSandbox(async (sb, org) => {
    const { conn: first, oauth } = await connect(sb, org)
    const conn = new jsforce.Connection({
      oauth2: oauth,
      instanceUrl: first.instanceUrl,
      accessToken: first.accessToken!,
      refreshToken: first.refreshToken!,
    })
    const refreshed: string[] = []
    conn.on('refresh', (token: string) => refreshed.push(token))
    const before = sb.control.lastRequestSeq()
    assert.equal((await conn.query('SELECT Id FROM Contact LIMIT 1')).totalSize, 1)
    sb.control.expireAccessTokens(org.orgId)
    assert.equal((await conn.query('SELECT Id FROM Contact LIMIT 1')).totalSize, 1)
    assert.equal(refreshed.length, 1)
    assert.notEqual(conn.accessToken, first.accessToken)
    const calls = sb.control.requests({ sinceSeq: before }).map((c) => `${c.endpoint}:${c.status}`)
    assert.deepEqual(calls, ['query:200', 'query:401', 'oauth.token:200', 'query:200'])
  })
})

jsforceTest(
  "with rotation on, jsforce's second refresh fails unless the app stores the new refresh token",
  async () => {
    await withSandbox(async (sb, org) => {
      const { conn: first, oauth } = await connect(sb, org)
      const naive = new jsforce.Connection({
        oauth2: oauth,
        instanceUrl: first.instanceUrl,
        accessToken: first.accessToken!,
        refreshToken: first.refreshToken!,
      })
      sb.control.expireAccessTokens(org.orgId)
      await naive.query('SELECT Id FROM Contact LIMIT 1')
      sb.control.expireAccessTokens(org.orgId)
      // jsforce keeps the old (now rotated) refresh token: reuse revokes the grant (facts §1.8).
      await assert.rejects(
        async () => await naive.query('SELECT Id FROM Contact LIMIT 1'),
        /expired access\/refresh token/,
      )

      const { conn: second, oauth: oauth2b } = await connect(sb, org)
      const careful = new jsforce.Connection({
        oauth2: oauth2b,
        instanceUrl: second.instanceUrl,
        accessToken: second.accessToken!,
        refreshToken: second.refreshToken!,
      })
      careful.on('refresh', (_token: string, res: { refresh_token?: string }) => {
        if (res.refresh_token) careful.refreshToken = res.refresh_token
      })
      for (let i = 0; i < 3; i++) {
        sb.control.expireAccessTokens(org.orgId)
        assert.equal((await careful.query('SELECT Id FROM Contact LIMIT 1')).totalSize, 1)
      }
    }, { rotate: true })
  },
)

jsforceTest('jsforce OAuth2.refreshToken and revokeToken work against the sandbox', async () => {
  await withSandbox(async (sb, org) => {
    const { conn, oauth } = await connect(sb, org)
    const res = await oauth.refreshToken(conn.refreshToken!)
    assert.equal(res.instance_url, org.instanceUrl)
    assert.equal(res.refresh_token, undefined)
    await oauth.revokeToken(conn.refreshToken!)
    await assert.rejects(oauth.refreshToken(conn.refreshToken!), /expired access\/refresh token/)
  })
})
