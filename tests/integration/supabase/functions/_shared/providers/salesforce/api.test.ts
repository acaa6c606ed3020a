// The shared Salesforce API access against the sandbox and a real database: the stored token,
// one refresh under concurrency (with and without rotation), reauth_required on a dead grant,
// the integration's own connected app on refresh, and Salesforce's errors as typed errors.
import assert from 'node:assert/strict'
import { ReauthRequiredError } from '../../../../../../../supabase/functions/_shared/connections/errors.ts'
import { closeSql } from '../../../../../../../supabase/functions/_shared/db/client.ts'
import { RateLimitedError } from '../../../../../../../supabase/functions/_shared/http/errors.ts'
import {
  SalesforceApi,
  salesforceApi,
} from '../../../../../../../supabase/functions/_shared/providers/salesforce/api.ts'
import {
  SalesforceApiError,
  SalesforceLimitError,
} from '../../../../../../../supabase/functions/_shared/providers/salesforce/rest-errors.ts'
import { setEnv } from '../../../../../../helpers/env.ts'
import {
  createIntegration,
  eventTypes,
  readStoredTokens,
  storeConnection,
} from '../../../../../../helpers/integrations.ts'
import { captureLogs } from '../../../../../../helpers/logs.ts'
import {
  type AppInfo,
  type CreatedOrg,
  createOrg,
  fixtureCallback,
  loginForTokens,
  type RunningSandbox,
  salesforceEnv,
  startSandbox,
  tokenCalls,
} from '../../../../../../helpers/salesforce-sandbox.ts'
import {
  type AdminSql,
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from '../../../../../../helpers/test-db.ts'

interface Connected {
  sql: AdminSql
  sandbox: RunningSandbox
  org: CreatedOrg & { app: AppInfo }
  integrationId: string
}

const contactsSoql = 'SELECT Id, LastName FROM Contact ORDER BY SystemModstamp, Id'

/** A business with one integration connected to a fresh sandbox org; cleaned up after. */
async function withConnected(
  options: { rotateRefreshTokens?: boolean; contacts?: number },
  run: (world: Connected) => Promise<void>,
): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const sandbox = startSandbox()
  const logs = captureLogs()
  const org = createOrg(sandbox, options)
  const restoreEnv = setEnv({ SUPABASE_DB_URL: dbUrl, ...salesforceEnv(sandbox, org.app) })
  const tag = crypto.randomUUID().slice(0, 8)
  const userIds: string[] = []
  const businessIds: string[] = []
  try {
    const owner = await createUser(sql, `owner-${tag}@example.test`)
    userIds.push(owner)
    const businessId = await createBusiness(sql, { name: `Api ${tag}`, ownerId: owner })
    businessIds.push(businessId)
    const integrationId = await createIntegration(sql, { businessId, createdBy: owner })
    await storeConnection(sql, integrationId, await loginForTokens(org))
    await run({ sql, sandbox, org, integrationId })
  } finally {
    await closeSql()
    await deleteFixtures(sql, { businessIds, userIds })
    await sql.end()
    await sandbox.close()
    restoreEnv()
    logs.restore()
  }
}

/** Ten callers as ten function instances would be: each its own client, all at once. */
function tenConcurrentQueries(integrationId: string): Promise<SalesforceApi[]> {
  return Promise.all(
    Array.from({ length: 10 }, async () => {
      const api = salesforceApi(integrationId)
      const page = await api.query<{ Id: string }>(contactsSoql)
      assert.equal(page.records.length, 5)
      return api
    }),
  )
}

Deno.test('salesforceApi: calls the instance with the stored token and counts each call', async () => {
  await withConnected({ contacts: 450 }, async ({ sandbox, org, integrationId }) => {
    const api = salesforceApi(integrationId)
    let page = await api.query<{ Id: string }>(contactsSoql, { batchSize: 200 })
    const ids = page.records.map((record) => record.Id)
    while (!page.done) {
      page = await api.queryMore<{ Id: string }>(page.nextRecordsUrl!)
      ids.push(...page.records.map((record) => record.Id))
    }
    assert.equal(new Set(ids).size, 450)
    assert.equal(api.apiCalls, 3)
    assert.equal(api.refreshes, 0)
    assert.deepEqual(api.lastApiUsage, sandbox.control.counters(org.orgId).apiUsage)
  })
})

Deno.test('salesforceApi: an expired session is refreshed once under 10 concurrent callers', async () => {
  await withConnected({}, async ({ sql, sandbox, org, integrationId }) => {
    const before = await readStoredTokens(sql, integrationId)
    sandbox.control.expireAccessTokens(org.orgId)
    const since = sandbox.control.lastRequestSeq()
    const apis = await tenConcurrentQueries(integrationId)
    assert.equal(tokenCalls(sandbox, since), 1, 'one token call for ten callers')
    assert.ok(apis.every((api) => api.refreshes === 1 && api.apiCalls === 2))
    const after = await readStoredTokens(sql, integrationId)
    assert.equal(after?.version, before!.version + 1)
    assert.notEqual(after?.tokens.access_token, before!.tokens.access_token)
    // Without rotation Salesforce sends no refresh token: the old one is kept.
    assert.equal(after?.tokens.refresh_token, before!.tokens.refresh_token)
    const types = await eventTypes(sql, integrationId)
    assert.equal(types.filter((type) => type === 'token_refreshed').length, 1)
  })
})

Deno.test('salesforceApi: with refresh token rotation, each refresh is single and saves the new token', async () => {
  await withConnected(
    { rotateRefreshTokens: true },
    async ({ sql, sandbox, org, integrationId }) => {
      const first = await readStoredTokens(sql, integrationId)
      for (let round = 1; round <= 2; round++) {
        sandbox.control.expireAccessTokens(org.orgId)
        const since = sandbox.control.lastRequestSeq()
        await tenConcurrentQueries(integrationId)
        // A second refresh with a used (rotated) token would revoke the grant and fail here.
        assert.equal(tokenCalls(sandbox, since), 1, `round ${round}: one token call`)
      }
      const last = await readStoredTokens(sql, integrationId)
      assert.equal(last?.version, first!.version + 2)
      assert.notEqual(last?.tokens.refresh_token, first!.tokens.refresh_token)
      const [row] = await sql`select status from public.integrations where id = ${integrationId}`
      assert.equal(row.status, 'active')
    },
  )
})

Deno.test('salesforceApi: a revoked refresh token ends in reauth_required, never retried', async () => {
  await withConnected({}, async ({ sql, sandbox, org, integrationId }) => {
    sandbox.control.revokeRefreshTokens(org.orgId)
    const since = sandbox.control.lastRequestSeq()
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => salesforceApi(integrationId).query(contactsSoql)),
    )
    for (const result of results) {
      assert.equal(result.status, 'rejected')
      assert.ok(result.reason instanceof ReauthRequiredError, String(result.reason))
      assert.equal(result.reason.status, 409)
      assert.equal(result.reason.code, 'reauth_required')
    }
    assert.equal(tokenCalls(sandbox, since), 1, 'the dead grant is tried once, by one caller')
    const [integration] = await sql`
      select i.status, i.last_error_code, s.paused_reason
        from public.integrations i join public.integration_sync_state s on s.integration_id = i.id
       where i.id = ${integrationId}`
    assert.deepEqual({ ...integration }, {
      status: 'error',
      last_error_code: 'reauth_required',
      paused_reason: 'reauth_required',
    })
    assert.deepEqual(
      (await eventTypes(sql, integrationId)).filter((t) => t === 'reauth_required'),
      [
        'reauth_required',
      ],
    )
    assert.equal(await readStoredTokens(sql, integrationId), undefined, 'dead tokens are deleted')
    const later = sandbox.control.lastRequestSeq()
    await assert.rejects(
      () => salesforceApi(integrationId).query(contactsSoql),
      ReauthRequiredError,
    )
    assert.equal(sandbox.control.requests({ sinceSeq: later }).length, 0, 'no call at all')
  })
})

Deno.test("salesforceApi: refreshes with the integration's own connected app, not the server's", async () => {
  await withConnected({}, async ({ sql, sandbox, org, integrationId }) => {
    // The tenant brings its own app; the server's app (env) stays configured.
    const own = sandbox.control.registerApp({
      orgId: org.orgId,
      name: 'Tenant app',
      callbackUrls: [fixtureCallback],
      autoApprove: true,
      requirePkce: true,
    })
    const tokens = await loginForTokens({ ...org, app: own })
    await storeConnection(sql, integrationId, tokens)
    await sql`select private.save_integration_client(${integrationId}, ${own.clientId},
                                                      ${own.clientSecret})`
    // Control: Salesforce refuses this refresh token to the server's app (the seed system's bug).
    const withServerApp = await fetch(`${org.loginUrl}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: org.app.clientId,
        client_secret: org.app.clientSecret,
      }),
    })
    assert.equal((await withServerApp.json()).error, 'invalid_grant')
    sandbox.control.expireAccessTokens(org.orgId)
    const since = sandbox.control.lastRequestSeq()
    const api = salesforceApi(integrationId)
    assert.equal((await api.query(contactsSoql)).records.length, 5)
    assert.equal(api.refreshes, 1)
    assert.equal(tokenCalls(sandbox, since), 1)
  })
})

Deno.test('salesforceApi: Salesforce errors become typed errors', async () => {
  await withConnected({}, async ({ sandbox, org, integrationId }) => {
    const api = salesforceApi(integrationId)
    await assert.rejects(() => api.query('SELECT Idd FROM Contact'), (error) => {
      assert.ok(error instanceof SalesforceApiError)
      assert.equal(error.salesforceStatus, 400)
      assert.equal(error.errorCode, 'INVALID_FIELD')
      assert.equal(error.retryable, false)
      assert.equal(error.status, 502)
      return true
    })
    sandbox.control.injectFault({ kind: '503', count: 1, orgId: org.orgId })
    await assert.rejects(() => api.query(contactsSoql), (error) => {
      assert.ok(error instanceof SalesforceApiError)
      assert.equal(error.salesforceStatus, 503)
      assert.equal(error.retryable, true)
      return true
    })
    sandbox.control.injectFault({ kind: 'request-limit', count: 1, orgId: org.orgId })
    await assert.rejects(() => api.query(contactsSoql), (error) => {
      assert.ok(error instanceof SalesforceLimitError)
      assert.ok(error instanceof RateLimitedError)
      assert.equal(error.status, 429)
      assert.equal(error.code, 'salesforce_limit_exceeded')
      return true
    })
    assert.equal(api.apiCalls, 3)
  })
})
