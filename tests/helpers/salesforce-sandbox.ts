// The Salesforce sandbox for our tests: an in-process server, an org with a connected app, the
// environment that points the functions at it, and a scripted PKCE login for fixtures.
import type { AppInfo, CreatedOrg } from '../../scripts/sandbox/salesforce/control.ts'
import { createSalesforceSandbox } from '../../scripts/sandbox/salesforce/sandbox.ts'
import type { RunningSandbox } from '../../scripts/sandbox/salesforce/server.ts'

export type { AppInfo, CreatedOrg, RunningSandbox }

/** The callback the fixture login uses when no function is involved. */
export const fixtureCallback = 'http://127.0.0.1:9/callback/salesforce'

export interface OrgOptions {
  callbackUrls?: string[]
  rotateRefreshTokens?: boolean
  autoApprove?: boolean
  contacts?: number
  name?: string
}

/**
 * Starts a sandbox on a free loopback port. Close it in a `finally`.
 *
 * Served here rather than with the sandbox's own startSalesforceSandbox for one reason: every
 * response says `connection: close`. Deno's fetch keeps idle connections for 90 s, and
 * `server.shutdown()` waited for them after tests with many concurrent calls, so a test file
 * took minutes. Closing each connection costs nothing on loopback.
 */
export function startSandbox(): RunningSandbox {
  const sandbox = createSalesforceSandbox({
    now: '2026-03-02T10:00:00Z',
    baseUrl: 'http://pending.invalid',
  })
  const server = Deno.serve(
    { port: 0, hostname: '127.0.0.1', onListen: () => {} },
    async (request) => {
      const response = await sandbox.fetch(request)
      response.headers.set('connection', 'close')
      return response
    },
  )
  const url = `http://127.0.0.1:${server.addr.port}`
  // The advertised base (instance_url, identity URLs) is known once the port is.
  sandbox.control.setBaseUrl(url)
  return {
    url,
    sandbox,
    control: sandbox.control,
    async close() {
      sandbox.close()
      await server.shutdown()
    },
  }
}

/** A production org with one connected app that requires PKCE and a secret (ECA defaults). */
export function createOrg(sandbox: RunningSandbox, options: OrgOptions = {}): CreatedOrg & {
  app: AppInfo
} {
  const org = sandbox.control.createOrg({
    name: options.name ?? `Org ${crypto.randomUUID().slice(0, 8)}`,
    contacts: options.contacts ?? 5,
    app: {
      callbackUrls: options.callbackUrls ?? [fixtureCallback],
      rotateRefreshTokens: options.rotateRefreshTokens ?? false,
      autoApprove: options.autoApprove ?? true,
      requirePkce: true,
    },
  })
  if (!org.app) throw new Error('the sandbox created no connected app')
  return org as CreatedOrg & { app: AppInfo }
}

/** The environment that makes our functions use the sandbox and this app as the server's app. */
export function salesforceEnv(sandbox: RunningSandbox, app: AppInfo): Record<string, string> {
  return {
    SALESFORCE_LOGIN_URL: sandbox.control.loginUrl('production'),
    SALESFORCE_SANDBOX_LOGIN_URL: sandbox.control.loginUrl('sandbox'),
    SALESFORCE_CLIENT_ID: app.clientId,
    SALESFORCE_CLIENT_SECRET: app.clientSecret,
  }
}

export interface SandboxTokenResponse {
  access_token: string
  refresh_token?: string
  instance_url: string
  id: string
  issued_at: string
  scope: string
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_')
    .replace(/=+$/, '')
}

/**
 * Logs in through the auto-approving app with PKCE, as a client would, and returns the token
 * response: a fixture for tests that start from a connected integration.
 */
export async function loginForTokens(
  org: CreatedOrg & { app: AppInfo },
  redirectUri = fixtureCallback,
): Promise<SandboxTokenResponse> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(48)))
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  )
  const authorize = new URL(`${org.loginUrl}/services/oauth2/authorize`)
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: org.app.clientId,
    redirect_uri: redirectUri,
    scope: 'api refresh_token',
    code_challenge: challenge,
  }).toString()
  const approved = await fetch(authorize, { redirect: 'manual' })
  await approved.body?.cancel()
  const code = new URL(approved.headers.get('location') ?? 'x:/').searchParams.get('code')
  if (!code) throw new Error(`the sandbox did not approve (status ${approved.status})`)
  const response = await fetch(`${org.loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: org.app.clientId,
      client_secret: org.app.clientSecret,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }),
  })
  if (!response.ok) throw new Error(`token exchange failed: ${response.status}`)
  return await response.json()
}

/** Token endpoint calls the sandbox saw since `sinceSeq`, by grant (refresh or code). */
export function tokenCalls(sandbox: RunningSandbox, sinceSeq: number): number {
  return sandbox.control.requests({ endpoint: 'oauth.token', sinceSeq }).length
}
