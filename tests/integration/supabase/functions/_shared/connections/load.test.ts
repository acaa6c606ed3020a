// The credentials module on a real database: which client an integration uses, and what loading
// a connection says when there is nothing to load.
import assert from 'node:assert/strict'
import { resolveClientCredentials } from '../../../../../../supabase/functions/_shared/connections/client-credentials.ts'
import {
  loadConnection,
  refreshConnection,
} from '../../../../../../supabase/functions/_shared/connections/load.ts'
import {
  ClientNotConfiguredError,
  NotConnectedError,
  ReauthRequiredError,
} from '../../../../../../supabase/functions/_shared/connections/errors.ts'
import { asService } from '../../../../../../supabase/functions/_shared/db/as-user.ts'
import { closeSql } from '../../../../../../supabase/functions/_shared/db/client.ts'
import { NotFoundError } from '../../../../../../supabase/functions/_shared/http/errors.ts'
import { getProvider } from '../../../../../../supabase/functions/_shared/providers/registry.ts'
import { setEnv } from '../../../../../helpers/env.ts'
import { createIntegration, storeConnection } from '../../../../../helpers/integrations.ts'
import {
  type AdminSql,
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from '../../../../../helpers/test-db.ts'

async function withIntegration(
  env: Record<string, string | undefined>,
  run: (sql: AdminSql, integrationId: string) => Promise<void>,
): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const restore = setEnv({ SUPABASE_DB_URL: dbUrl, ...env })
  const tag = crypto.randomUUID().slice(0, 8)
  const ids = { user: '', business: '' }
  try {
    ids.user = await createUser(sql, `owner-${tag}@example.test`)
    ids.business = await createBusiness(sql, { name: `Creds ${tag}`, ownerId: ids.user })
    await run(sql, await createIntegration(sql, { businessId: ids.business, createdBy: ids.user }))
  } finally {
    await closeSql()
    await deleteFixtures(sql, { businessIds: [ids.business], userIds: [ids.user] })
    await sql.end()
    restore()
  }
}

const serverApp = { SALESFORCE_CLIENT_ID: 'server-app', SALESFORCE_CLIENT_SECRET: 'server-secret' }
const noServerApp = { SALESFORCE_CLIENT_ID: undefined, SALESFORCE_CLIENT_SECRET: undefined }
const salesforce = () => getProvider('salesforce').spec

Deno.test("credentials: the integration's own client wins over the server's", async () => {
  await withIntegration(serverApp, async (sql, id) => {
    const resolve = () => asService((tx) => resolveClientCredentials(tx, id, salesforce()))
    assert.deepEqual(await resolve(), { clientId: 'server-app', clientSecret: 'server-secret' })
    await sql`select private.save_integration_client(${id}, 'own-app', 'own-secret')`
    assert.deepEqual(await resolve(), { clientId: 'own-app', clientSecret: 'own-secret' })
  })
})

Deno.test('credentials: with no client anywhere the error says what to configure', async () => {
  await withIntegration(noServerApp, async (_sql, id) => {
    await assert.rejects(
      () => asService((tx) => resolveClientCredentials(tx, id, salesforce())),
      (error: unknown) => {
        assert.ok(error instanceof ClientNotConfiguredError)
        assert.equal(error.status, 409)
        assert.equal(error.code, 'client_not_configured')
        return true
      },
    )
  })
})

Deno.test('credentials: loading says not found, not connected, or reauth required', async () => {
  await withIntegration(serverApp, async (sql, id) => {
    await assert.rejects(() => loadConnection(crypto.randomUUID()), NotFoundError)
    await assert.rejects(() => loadConnection(id), NotConnectedError)
    await sql`update public.integrations set status = 'error', last_error_code = 'reauth_required'
               where id = ${id}`
    await assert.rejects(() => loadConnection(id), ReauthRequiredError)
  })
})

Deno.test('credentials: a refresh that lost the race uses the newer token without a call', async () => {
  await withIntegration(noServerApp, async (sql, id) => {
    const tokens = (access: string) => ({
      access_token: access,
      refresh_token: 'r',
      instance_url: 'https://acme.my.salesforce.com',
      id: 'https://login.salesforce.com/id/00D/005',
      issued_at: '1',
      scope: 'api',
    })
    await storeConnection(sql, id, tokens('first'))
    const stale = await loadConnection(id)
    await storeConnection(sql, id, tokens('second'))
    // No client is configured and the login host is the real one: any call would fail.
    const fresh = await refreshConnection(stale)
    assert.equal(fresh.tokens.access_token, 'second')
    assert.equal(fresh.tokenVersion, stale.tokenVersion + 1)
  })
})
