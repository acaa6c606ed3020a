// The HubSpot sandbox for our tests: in process (no server) or on a loopback port, a portal with
// an app, a scripted PKCE install for fixtures, and the environment that points code at it.

import type { AppInfo, PortalInfo } from '../../scripts/sandbox/hubspot/control.ts'
import {
  createHubSpotSandbox,
  type HubSpotSandbox,
  type HubSpotSandboxOptions,
} from '../../scripts/sandbox/hubspot/sandbox.ts'
import {
  type RunningHubSpotSandbox,
  startHubSpotSandbox,
} from '../../scripts/sandbox/hubspot/server.ts'
import type {
  CreatePortalOptions,
  RegisterAppOptions,
} from '../../scripts/sandbox/hubspot/state.ts'

export type { AppInfo, HubSpotSandbox, PortalInfo, RunningHubSpotSandbox }

/** The redirect URL fixture installs use when no function is involved. */
export const HUBSPOT_CALLBACK = 'http://127.0.0.1:9/callback/hubspot'
export const HUBSPOT_START = '2026-03-02T10:00:00Z'

export const APP_HOST = 'https://app.hubspot.com'
export const API_HOST = 'https://api.hubapi.com'

export interface HubSpotTokens {
  token_type: string
  access_token: string
  refresh_token: string
  expires_in: number
  hub_id: number
  scopes: string[]
}

/**
 * A sandbox without a server, its clock stopped (time moves only when a test advances it):
 * requests go to `sb.fetch` with the real hosts' URLs.
 */
export function hubspotInProcess(options: HubSpotSandboxOptions = {}): HubSpotSandbox {
  return createHubSpotSandbox({
    now: HUBSPOT_START,
    freezeClock: true,
    autoApprove: true,
    ...options,
  })
}

/** A sandbox on a free loopback port, its clock stopped. Close it in a `finally`. */
export function startHubSpot(
  options: HubSpotSandboxOptions = {},
): Promise<RunningHubSpotSandbox> {
  return startHubSpotSandbox({
    now: HUBSPOT_START,
    freezeClock: true,
    autoApprove: true,
    ...options,
  })
}

/** A portal with records and an auto-approving app whose redirect URL is the fixture's. */
export function createPortalWithApp(
  sb: Pick<HubSpotSandbox, 'control'>,
  portal: CreatePortalOptions = {},
  app: RegisterAppOptions = {},
): PortalInfo & { app: AppInfo } {
  const created = sb.control.createPortal({
    contacts: 20,
    companies: 5,
    ...portal,
    app: { redirectUris: [HUBSPOT_CALLBACK], autoApprove: true, ...app },
  })
  if (!created.app) throw new Error('the sandbox registered no app')
  return created as PortalInfo & { app: AppInfo }
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_')
    .replace(/=+$/, '')
}

export interface InstallOptions {
  /** How requests are made (default: `sb.fetch` in process). */
  fetch?: (req: Request) => Promise<Response>
  /** Base URLs of the two hosts (default: the real ones, for in-process use). */
  appBase?: string
  apiBase?: string
  /** Install into this portal (the account-pinned authorize URL). */
  portalId?: number
  redirectUri?: string
}

/**
 * Installs the app with PKCE as a client would (authorize on app.hubspot.com, code exchange on
 * api.hubapi.com) and returns the token response: a fixture for tests that start connected.
 */
export async function installApp(
  sb: Pick<HubSpotSandbox, 'fetch'>,
  app: AppInfo,
  options: InstallOptions = {},
): Promise<HubSpotTokens> {
  const send = options.fetch ?? ((r: Request) => sb.fetch(r))
  const appBase = options.appBase ?? APP_HOST
  const apiBase = options.apiBase ?? API_HOST
  const redirectUri = options.redirectUri ?? HUBSPOT_CALLBACK
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(48)))
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  )
  const path = options.portalId ? `/oauth/${options.portalId}/authorize` : '/oauth/authorize'
  const authorize = new URL(`${appBase}${path}`)
  authorize.search = new URLSearchParams({
    client_id: app.clientId,
    redirect_uri: redirectUri,
    scope: app.scopes.join(' '),
    state: 'fixture-state',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString()
  const approved = await send(new Request(authorize, { redirect: 'manual' }))
  await approved.body?.cancel()
  const code = new URL(approved.headers.get('location') ?? 'x:/').searchParams.get('code')
  if (!code) throw new Error(`the sandbox did not approve (status ${approved.status})`)
  const response = await send(
    new Request(`${apiBase}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }),
    }),
  )
  if (!response.ok) throw new Error(`token exchange failed: ${response.status}`)
  return await response.json()
}

/** A bearer-authorized call to api.hubapi.com in process: status, headers and parsed body. */
export async function hubspotApi(
  sb: Pick<HubSpotSandbox, 'fetch'>,
  token: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await sb.fetch(
    new Request(`${API_HOST}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    }),
  )
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null }
}

/** The environment a HubSpot provider would read to use this sandbox and app. */
export function hubspotEnv(sb: RunningHubSpotSandbox, app: AppInfo): Record<string, string> {
  return {
    HUBSPOT_AUTHORIZE_URL: `${sb.control.urls.app}/oauth/authorize`,
    HUBSPOT_API_URL: sb.control.urls.api,
    HUBSPOT_CLIENT_ID: app.clientId,
    HUBSPOT_CLIENT_SECRET: app.clientSecret,
  }
}
