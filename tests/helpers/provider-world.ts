// A world for the connect e2e of every registry provider: our functions behind the in-process
// gateway, a real migrated database, and the provider simulator (its own quirk config, not our
// registry) standing in for every provider host. A browser's steps (authorize, consent, our
// callback, the app page's completion) and the simulator's control API (expire, kill, inspect).
// Every run ends by checking that no token or client secret reached a log line or a response.
import assert from 'node:assert/strict'
import { PROVIDERS } from '../../scripts/sandbox/providers/config.ts'
import type { ProviderQuirks } from '../../scripts/sandbox/providers/quirks.ts'
import { setEnv } from './env.ts'
import { startTestGateway, type TestGateway } from './gateway.ts'
import { readStoredTokens } from './integrations.ts'
import { captureLogs } from './logs.ts'
import { type RunningProviderSimulator, startSimulator } from './provider-simulator.ts'
import {
  type AdminSql,
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from './test-db.ts'

export const appUrl = 'https://app.example.test/settings/integrations'

/** The simulator's account every connection of the e2e reaches (subdomain, tenant, company). */
export const account = 'acme'

export interface ProviderWorld {
  sql: AdminSql
  sim: RunningProviderSimulator
  gateway: TestGateway
  functionsUrl: string
  owner: string
  businessId: string
  /** Client secrets and every token seen: none may reach a log line or a response. */
  secrets: Set<string>
  /** Our functions' answers, as text, for the secrecy check. */
  answers: string[]
  /** Calls one of our functions through the gateway, signed in as the owner. */
  call(path: string, init?: RequestInit): Promise<Response>
}

/** The simulator's quirk entry for `id` (its API base and identity call). */
export function quirksOf(id: string): ProviderQuirks {
  const quirks = PROVIDERS.find((each) => each.id === id)
  if (!quirks) throw new Error(`the simulator has no ${id}`)
  return quirks
}

/**
 * The real URL of the simulator's identity call for `id` on the world's account: the
 * simulator's own API base with its placeholders (subdomain, company, tenant) filled.
 */
export function identityCall(id: string): { url: string; method: string } {
  const { api } = quirksOf(id)
  const base = api.base.replace(/\{(\w+)\}/g, account)
  return { url: `${base}${api.me.path}`, method: api.me.method === 'ANY' ? 'GET' : api.me.method }
}

/**
 * Runs `run` with a world: one business and its owner, the simulator with a client per OAuth
 * provider registered at our callback URL (Slack's with token rotation on, so its refresh and
 * rotation are exercised), and the functions' env pointing every provider at the simulator.
 */
export async function withProviderWorld(
  run: (world: ProviderWorld) => Promise<void>,
): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const logs = captureLogs()
  const sim = await startSimulator({ autoApprove: true, now: new Date().toISOString() })
  const tag = crypto.randomUUID().slice(0, 8)
  const userIds: string[] = []
  const businessIds: string[] = []
  let gateway: TestGateway | undefined
  let restoreEnv = () => {}
  try {
    const owner = await createUser(sql, `owner-${tag}@example.test`)
    userIds.push(owner)
    const businessId = await createBusiness(sql, { name: `Acme ${tag}`, ownerId: owner })
    businessIds.push(businessId)
    // The gateway's port is known once it runs; clients are registered with it below.
    const env: Record<string, string> = { PROVIDER_SIMULATOR_URL: sim.url }
    gateway = await startTestGateway({ dbUrl, env })
    const functionsUrl = `${gateway.url}/functions/v1`
    const secrets = new Set<string>()
    const clientEnv: Record<string, string> = {}
    for (const quirks of PROVIDERS) {
      if (quirks.auth.kind === 'basic') continue
      const client = sim.control.registerClient(quirks.id, {
        redirectUris: [`${functionsUrl}/callback/${quirks.id}`],
        autoApprove: true,
        ...(quirks.id === 'slack' ? { tokenRotation: true } : {}),
      })
      const prefix = quirks.id.toUpperCase()
      clientEnv[`${prefix}_CLIENT_ID`] = client.clientId
      clientEnv[`${prefix}_CLIENT_SECRET`] = client.clientSecret
      secrets.add(client.clientSecret)
    }
    restoreEnv = setEnv({
      ...env,
      ...clientEnv,
      PUBLIC_FUNCTIONS_URL: functionsUrl,
      APP_REDIRECT_ALLOWLIST: appUrl,
    })
    const gw = gateway
    const answers: string[] = []
    const world: ProviderWorld = {
      sql,
      sim,
      gateway: gw,
      functionsUrl,
      owner,
      businessId,
      secrets,
      answers,
      call: async (path, init = {}) => {
        const response = await gw.request(path, { ...init, token: await gw.mint({ sub: owner }) })
        const text = await response.text()
        answers.push(text)
        return new Response(text, { status: response.status, headers: response.headers })
      },
    }
    await run(world)
    assertNoSecretLeaked(world, logs.lines)
  } finally {
    await gateway?.close()
    restoreEnv()
    await sim.close()
    await deleteFixtures(sql, { businessIds, userIds })
    await sql.end()
    logs.restore()
  }
}

function assertNoSecretLeaked(world: ProviderWorld, logLines: string[]): void {
  assert.ok(world.answers.length > 0 && logLines.length > 0, 'the run produced output to check')
  for (const secret of world.secrets) {
    for (const line of logLines) assert.ok(!line.includes(secret), `a log line leaks: ${line}`)
    for (const text of world.answers) assert.ok(!text.includes(secret), 'a response leaks')
  }
}

/** Inserts an integration of `provider` with its connection config, as the tenant would. */
export async function createProviderIntegration(
  world: ProviderWorld,
  provider: string,
  connectionConfig: Record<string, string>,
): Promise<string> {
  const [row] = await world.sql<{ id: string }[]>`
    insert into public.integrations (business_id, provider, name, connection_config, created_by)
    values (${world.businessId}, ${provider}, ${`${provider} e2e`},
            ${world.sql.json(connectionConfig)}, ${world.owner})
    returning id`
  return row.id
}

/** The integration row as the database holds it. */
export async function integrationOf(world: ProviderWorld, id: string) {
  const [row] = await world.sql`select * from public.integrations where id = ${id}`
  return row
}

/** The Vault token set, remembered as secrets for the leak check. */
export async function storedTokensOf(world: ProviderWorld, id: string) {
  const stored = await readStoredTokens(world.sql, id)
  for (const field of ['access_token', 'refresh_token', 'token_secret', 'api_key', 'password']) {
    const value = stored?.tokens[field]
    if (typeof value === 'string') world.secrets.add(value)
  }
  return stored
}

/**
 * The browser's walk through our functions: authorize, the simulator's consent (auto-approved),
 * our callback (whose URL `secretsOf` reads the provider's one-time values from), and the app
 * page completing with its ticket. Returns the completion's answer and the callback URL.
 */
async function connectThroughAuthorize(
  world: ProviderWorld,
  provider: string,
  integrationId: string,
  secretsOf: (callback: URL) => string[],
) {
  const query = new URLSearchParams({ integration_id: integrationId, redirect_to: appUrl })
  const started = await world.call(`/functions/v1/authorize/${provider}?${query}`)
  assert.equal(started.status, 200, await started.clone().text())
  const { url } = await started.json() as { url: string }
  assert.ok(url.startsWith(`${world.sim.url}/`), `the authorize URL goes to the simulator: ${url}`)
  const consent = await fetch(url, { redirect: 'manual' })
  await consent.body?.cancel()
  assert.equal(consent.status, 302, `${provider} consent`)
  const callback = new URL(consent.headers.get('location')!)
  assert.ok(callback.href.startsWith(`${world.functionsUrl}/callback/${provider}?`), callback.href)
  for (const secret of secretsOf(callback)) world.secrets.add(secret)
  const landing = await world.gateway.request(callback.pathname + callback.search, {
    redirect: 'manual',
  })
  await landing.body?.cancel()
  assert.equal(landing.status, 302)
  const app = new URL(landing.headers.get('location')!)
  const ticket = app.searchParams.get('ticket')
  assert.ok(ticket, `a ticket for the app page: ${app}`)
  const completed = await world.call('/functions/v1/callback/complete', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ticket }),
  })
  const body = await completed.json()
  assert.equal(completed.status, 200, JSON.stringify(body))
  assert.equal(body.status, 'connected')
  return { body, callback }
}

/** The browser's walk for an OAuth 2 provider; returns the completion's answer. */
export async function connectOAuth2(world: ProviderWorld, provider: string, integrationId: string) {
  const { body } = await connectThroughAuthorize(world, provider, integrationId, (callback) => {
    const code = callback.searchParams.get('code')
    assert.ok(code, `${provider} sent a code: ${callback}`)
    return [code]
  })
  return body
}

/**
 * The browser's walk for an OAuth 1.0a provider (Trello): our authorize fetches the request
 * token, the consent sends the browser to our callback with `oauth_token` and `oauth_verifier`.
 * Returns the completion's answer and that callback URL (to replay it).
 */
export async function connectOAuth1(world: ProviderWorld, provider: string, integrationId: string) {
  return await connectThroughAuthorize(world, provider, integrationId, (callback) => {
    const token = callback.searchParams.get('oauth_token')
    const verifier = callback.searchParams.get('oauth_verifier')
    assert.ok(token && verifier, `${provider} sent a token and verifier: ${callback}`)
    // The request token is public by design (the authorize URL carries it, as it does a state);
    // the verifier is the one-time secret.
    return [verifier]
  })
}
