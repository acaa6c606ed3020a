// A world for end-to-end tests of the connect flow: our functions behind the in-process gateway,
// a real migrated database, the Salesforce sandbox with its approval page, and a browser's steps.
// Every run ends by checking that no token, code, verifier or client secret it handled reached
// a log line or one of our responses.
import assert from 'node:assert/strict'
import { parseForm, submitForm } from './browser.ts'
import { setEnv } from './env.ts'
import { startTestGateway, type TestGateway } from './gateway.ts'
import { readStoredTokens } from './integrations.ts'
import { captureLogs } from './logs.ts'
import {
  type AppInfo,
  type CreatedOrg,
  createOrg,
  type RunningSandbox,
  salesforceEnv,
  startSandbox,
} from './salesforce-sandbox.ts'
import {
  addMember,
  type AdminSql,
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from './test-db.ts'

export const appUrl = 'https://app.example.test/settings/integrations'

export interface Seen {
  what: string
  text: string
}

export interface World {
  sql: AdminSql
  sandbox: RunningSandbox
  org: CreatedOrg & { app: AppInfo }
  gateway: TestGateway
  callbackUrl: string
  owner: string
  member: string
  stranger: string
  businessId: string
  /** Every secret the runs handled; none may show up in `seen` or the logs. */
  secrets: Set<string>
  /** Every body and Location our gateway sent back. */
  seen: Seen[]
  /** Calls a function as `userId` (or anonymously) and records what came back. */
  call(path: string, init?: RequestInit & { as?: string }): Promise<Response>
  /** The browser visiting a URL without following redirects; gateway answers are recorded. */
  visit(url: string): Promise<Response>
}

/** Reads the whole answer once, remembers it, and hands the caller an unread copy. */
async function record(world: Pick<World, 'seen'>, what: string, response: Response) {
  const text = await response.text()
  world.seen.push({ what, text: `${response.headers.get('location') ?? ''}\n${text}` })
  return new Response(text === '' ? null : text, {
    status: response.status,
    headers: response.headers,
  })
}

export async function withWorld(
  options: { rotateRefreshTokens?: boolean },
  run: (world: World) => Promise<void>,
): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const logs = captureLogs()
  const sandbox = startSandbox()
  const org = createOrg(sandbox, { autoApprove: false, ...options })
  const tag = crypto.randomUUID().slice(0, 8)
  const userIds: string[] = []
  const businessIds: string[] = []
  let gateway: TestGateway | undefined
  let restoreEnv = () => {}
  try {
    const [owner, member, stranger] = await Promise.all(
      ['owner', 'member', 'stranger'].map((who) => createUser(sql, `${who}-${tag}@example.test`)),
    )
    userIds.push(owner, member, stranger)
    const businessId = await createBusiness(sql, { name: `Acme ${tag}`, ownerId: owner })
    const otherBusinessId = await createBusiness(sql, { name: `Other ${tag}`, ownerId: stranger })
    businessIds.push(businessId, otherBusinessId)
    await addMember(sql, businessId, member, 'member')
    gateway = await startTestGateway({ dbUrl, env: salesforceEnv(sandbox, org.app) })
    const functionsUrl = `${gateway.url}/functions/v1`
    const callbackUrl = `${functionsUrl}/callback/salesforce`
    restoreEnv = setEnv({ PUBLIC_FUNCTIONS_URL: functionsUrl, APP_REDIRECT_ALLOWLIST: appUrl })
    sandbox.control.updateApp(org.app.clientId, { callbackUrls: [callbackUrl] })
    const gw = gateway
    const world: World = {
      sql,
      sandbox,
      org,
      gateway: gw,
      callbackUrl,
      owner,
      member,
      stranger,
      businessId,
      secrets: new Set([org.app.clientSecret]),
      seen: [],
      call: async (path, { as, ...init } = {}) =>
        await record(
          world,
          path,
          await gw.request(path, {
            ...init,
            token: as ? await gw.mint({ sub: as }) : undefined,
          }),
        ),
      visit: async (url) => {
        const response = await fetch(url, { redirect: 'manual' })
        return url.startsWith(gw.url) ? await record(world, url, response) : response
      },
    }
    await run(world)
    assertNoSecretLeaked(world, logs.lines)
  } finally {
    await gateway?.close()
    restoreEnv()
    await sandbox.close()
    await deleteFixtures(sql, { businessIds, userIds })
    await sql.end()
    logs.restore()
  }
}

function assertNoSecretLeaked(world: World, logLines: string[]): void {
  assert.ok(world.seen.length > 0 && logLines.length > 0, 'the run produced output to check')
  for (const secret of world.secrets) {
    assert.ok(secret.length >= 16, 'a secret worth looking for')
    for (const line of logLines) assert.ok(!line.includes(secret), `a log line leaks: ${line}`)
    for (const { what, text } of world.seen) {
      assert.ok(!text.includes(secret), `the response to ${what} leaks a secret`)
    }
  }
}

// --- the browser's steps ---

export async function createIntegration(world: World, name = 'Main org'): Promise<string> {
  const response = await world.call('/functions/v1/integrations', {
    as: world.owner,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ business_id: world.businessId, name }),
  })
  assert.equal(response.status, 201)
  return (await response.json()).integration.id
}

/** Asks our authorize function for the Salesforce URL; remembers the bound verifier. */
export async function authorizeUrl(world: World, integrationId: string): Promise<string> {
  const query = new URLSearchParams({ integration_id: integrationId, redirect_to: appUrl })
  const response = await world.call(`/functions/v1/authorize/salesforce?${query}`, {
    as: world.owner,
  })
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('cache-control'), 'no-store')
  const { url } = await response.json()
  const [state] = await world.sql<{ code_verifier: string }[]>`
    select code_verifier from private.oauth_states
     where integration_id = ${integrationId} and consumed_at is null
     order by created_at desc limit 1`
  world.secrets.add(state.code_verifier)
  return url
}

/** Opens the Salesforce URL, finds the approval form and clicks `button`; returns the redirect. */
export async function clickOnApprovalPage(world: World, url: string, button: 'Allow' | 'Deny') {
  const page = await world.visit(url)
  assert.equal(page.status, 200)
  const form = parseForm(await page.text(), url)
  const answer = await submitForm(form, button)
  await answer.body?.cancel()
  assert.equal(answer.status, 302)
  const location = answer.headers.get('location')!
  const code = new URL(location).searchParams.get('code')
  if (code) world.secrets.add(code)
  return location
}

/** The whole browser walk; returns the callback URL Salesforce sent and our final redirect. */
export async function connectThroughBrowser(
  world: World,
  integrationId: string,
  button: 'Allow' | 'Deny',
  /** An authorization URL already asked for; by default a fresh one. */
  url?: string,
) {
  const callback = await clickOnApprovalPage(
    world,
    url ?? await authorizeUrl(world, integrationId),
    button,
  )
  assert.ok(callback.startsWith(`${world.callbackUrl}?`), 'Salesforce redirects to our callback')
  const final = await world.visit(callback)
  assert.equal(final.status, 302)
  assert.equal(final.headers.get('referrer-policy'), 'no-referrer')
  return { callback, final: new URL(final.headers.get('location')!) }
}

export async function integrationRow(world: World, id: string) {
  const [row] = await world.sql`
    select i.*, s.paused_reason from public.integrations i
      left join public.integration_sync_state s on s.integration_id = i.id
     where i.id = ${id}`
  return row
}

export async function rememberTokens(world: World, id: string) {
  const stored = await readStoredTokens(world.sql, id)
  for (const key of ['access_token', 'refresh_token']) {
    if (typeof stored?.tokens[key] === 'string') world.secrets.add(stored.tokens[key] as string)
  }
  return stored
}

/** No column of any public table holds the token (tokens live in Vault only). */
export async function assertNotInPublicTables(world: World, secret: string) {
  const tables = await world.sql<{ table_name: string }[]>`
    select table_name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE'`
  // Guards against a check that passes on nothing: the tables exist and the secret is real.
  assert.ok(tables.some((table) => table.table_name === 'integrations'), 'public tables found')
  assert.ok(secret.length >= 16 && secret !== 'undefined', 'a token worth looking for')
  for (const { table_name } of tables) {
    const [hit] = await world.sql`
      select count(*)::int as n from ${world.sql('public.' + table_name)} t
       where strpos(t::text, ${secret}) > 0`
    assert.equal(hit.n, 0, `public.${table_name} holds a token`)
  }
}

export function assertFailedRedirect(final: URL, integrationId: string, error: string) {
  assert.equal(final.origin + final.pathname, appUrl)
  assert.equal(final.searchParams.get('error'), error)
  assert.equal(final.searchParams.get('integration_id'), integrationId)
  assert.ok((final.searchParams.get('message') ?? '').length > 10, 'a human message')
  assert.equal(final.searchParams.get('status'), null)
}

export async function assertNoTokenAndStatus(
  world: World,
  id: string,
  status: string,
  code: string,
) {
  const row = await integrationRow(world, id)
  assert.equal(row.status, status)
  assert.equal(row.last_error_code, code)
  assert.equal(await readStoredTokens(world.sql, id), undefined, 'no token is stored')
}
