// A world for end-to-end tests of the connect flow: our functions behind the in-process gateway,
// a real migrated database, the Salesforce sandbox with its approval page, a browser's steps, and
// the app's frontend calling our functions through supabase-js as a signed-in user. Every run
// ends by checking that no token, code, verifier or client secret it handled reached a log line
// or one of our responses, and that no completion ticket reached a log line.
import assert from 'node:assert/strict'
import { createClient, FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js'
import { parseForm, submitForm } from './browser.ts'
import { setEnv } from './env.ts'
import { startTestGateway, type TestGateway } from './gateway.ts'
import { readStoredTokens } from './integrations.ts'
import { documentCheckedFetch } from './openapi-check.ts'
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
/** The app page a browser with an untrusted state is sent to, when the operator set one. */
export const appErrorUrl = `${appUrl}/connect-error`

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
  /** Completion tickets: the app gets them in a redirect, but no log line may hold one. */
  tickets: Set<string>
  /** Every body and Location our gateway sent back. */
  seen: Seen[]
  /** Calls a function as `userId` (or anonymously) and records what came back. */
  call(path: string, init?: RequestInit & { as?: string }): Promise<Response>
  /** The browser visiting a URL without following redirects; gateway answers are recorded. */
  visit(url: string): Promise<Response>
  /** The app's supabase-js client, signed in as `userId`; what it receives is recorded. */
  supabase(userId: string): SupabaseClient
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
  options: {
    rotateRefreshTokens?: boolean
    /** Sets APP_ERROR_REDIRECT_URL to `appErrorUrl`; unset by default. */
    appErrorPage?: boolean
  },
  run: (world: World) => Promise<void>,
): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const logs = captureLogs()
  const sandbox = startSandbox()
  const org = createOrg(sandbox, {
    autoApprove: false,
    rotateRefreshTokens: options.rotateRefreshTokens,
  })
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
    restoreEnv = setEnv({
      PUBLIC_FUNCTIONS_URL: functionsUrl,
      APP_REDIRECT_ALLOWLIST: appUrl,
      APP_ERROR_REDIRECT_URL: options.appErrorPage ? appErrorUrl : undefined,
    })
    sandbox.control.updateApp(org.app.clientId, { callbackUrls: [callbackUrl] })
    const gw = gateway
    // Every answer of our functions is checked against openapi.json on the way.
    const checkedFetch = documentCheckedFetch()
    const recordingFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init)
      return await record(world, `${request.method} ${request.url}`, await checkedFetch(request))
    }
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
      tickets: new Set(),
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
        const response = await checkedFetch(url, { redirect: 'manual' })
        return url.startsWith(gw.url) ? await record(world, url, response) : response
      },
      // As a frontend signed in with Supabase Auth: the session's access token on every call.
      supabase: (userId) =>
        createClient(gw.url, 'anon-key-of-the-test-gateway', {
          accessToken: async () => await gw.mint({ sub: userId }),
          global: { fetch: recordingFetch },
        }),
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
  for (const ticket of world.tickets) {
    for (const line of logLines) assert.ok(!line.includes(ticket), `a log line leaks: ${line}`)
  }
}

// --- the app's frontend ---

/** What a function answered a supabase-js call: the status and the JSON body, error or not. */
export interface Invoked {
  status: number
  // deno-lint-ignore no-explicit-any
  body: any
}

/**
 * Calls one of our functions as the app's frontend does, `supabase.functions.invoke`, signed in
 * as `as`. `name` is the function and path (`authorize/salesforce?integration_id=...`).
 */
export async function invoke(
  world: World,
  as: string,
  name: string,
  options: { method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'; body?: Record<string, unknown> } = {},
): Promise<Invoked> {
  const { data, error, response } = await world.supabase(as).functions.invoke(name, options)
  if (error) {
    assert.ok(error instanceof FunctionsHttpError, `${name}: ${error}`)
    const answer = error.context as Response
    return { status: answer.status, body: await answer.json() }
  }
  return { status: response!.status, body: data }
}

// --- the browser's steps ---

export async function createIntegration(world: World, name = 'Main org'): Promise<string> {
  const created = await invoke(world, world.owner, 'integrations', {
    body: { business_id: world.businessId, name },
  })
  assert.equal(created.status, 201)
  return created.body.integration.id
}

/**
 * Asks our authorize function for the Salesforce URL, as the app does for a signed-in owner (or
 * `as`); remembers the bound verifier.
 */
export async function authorizeUrl(
  world: World,
  integrationId: string,
  as = world.owner,
): Promise<string> {
  const query = new URLSearchParams({ integration_id: integrationId, redirect_to: appUrl })
  const { data, error, response } = await world.supabase(as).functions.invoke(
    `authorize/salesforce?${query}`,
    { method: 'GET' },
  )
  assert.equal(error, null)
  assert.equal(response?.headers.get('cache-control'), 'no-store')
  const [state] = await world.sql<{ code_verifier: string }[]>`
    select code_verifier from private.oauth_states
     where integration_id = ${integrationId} and consumed_at is null
     order by created_at desc limit 1`
  world.secrets.add(state.code_verifier)
  return data.url
}

/**
 * Opens the Salesforce URL, finds the approval form and clicks `button`, logged in as the page's
 * default user (the admin of the world's org) or as `username`; returns the redirect.
 */
export async function clickOnApprovalPage(
  world: World,
  url: string,
  button: 'Allow' | 'Deny',
  username?: string,
) {
  const page = await world.visit(url)
  assert.equal(page.status, 200)
  const form = parseForm(await page.text(), url)
  if (username) {
    const field = form.fields.find(([name]) => name === 'username')
    assert.ok(field, 'the approval page asks who logs in')
    field[1] = username
  }
  const answer = await submitForm(form, button)
  await answer.body?.cancel()
  assert.equal(answer.status, 302)
  const location = answer.headers.get('location')!
  const code = new URL(location).searchParams.get('code')
  if (code) world.secrets.add(code)
  return location
}

/**
 * The browser arriving at our callback from Salesforce: a redirect that keeps its URL out of the
 * next page's Referer. Returns the app page it is sent to; a ticket there is remembered.
 */
export async function followCallback(world: World, callback: string): Promise<URL> {
  const answer = await world.visit(callback)
  assert.equal(answer.status, 302)
  assert.equal(answer.headers.get('referrer-policy'), 'no-referrer')
  assert.equal(answer.headers.get('cache-control'), 'no-store')
  const landing = new URL(answer.headers.get('location')!)
  const ticket = landing.searchParams.get('ticket')
  if (ticket) world.tickets.add(ticket)
  return landing
}

/** The app page, signed in as `as`, finishing the connection with the ticket it was given. */
export async function completeOnAppPage(world: World, landing: URL, as: string): Promise<Invoked> {
  const ticket = landing.searchParams.get('ticket')
  assert.ok(ticket, 'the app page got a ticket')
  return await invoke(world, as, 'callback/complete', { body: { ticket } })
}

/**
 * The whole walk of the owner who started it: authorize, one click on the approval page, our
 * callback, and the app page that completes the connection by itself when it got a ticket.
 * Returns the callback URL Salesforce sent, the app page URL (`final`) and the completion.
 */
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
  const final = await followCallback(world, callback)
  assert.equal(final.origin + final.pathname, appUrl)
  const completed = final.searchParams.has('ticket')
    ? await completeOnAppPage(world, final, world.owner)
    : undefined
  return { callback, final, completed }
}

/** The completion said the integration is connected. */
export function assertConnected(completed: Invoked | undefined, integrationId: string) {
  assert.equal(completed?.status, 200, JSON.stringify(completed?.body))
  assert.equal(completed.body.status, 'connected')
  assert.equal(completed.body.integration.id, integrationId)
  assert.equal(completed.body.integration.status, 'active')
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
  assert.equal(final.searchParams.get('ticket'), null)
}

/** The completion failed with `code`, and said why in words. */
export function assertFailedCompletion(
  completed: Invoked | undefined,
  status: number,
  code: string,
) {
  assert.equal(completed?.status, status, JSON.stringify(completed?.body))
  assert.equal(completed.body.error.code, code)
  assert.ok(completed.body.error.message.length > 10, 'a human message')
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
