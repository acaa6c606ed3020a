// Test helpers: an in-process sandbox on an ephemeral port, and a scripted OAuth login.

import {
  type StartOptions,
  startSalesforceSandbox,
} from '../../../scripts/sandbox/salesforce/server.ts'
import type { CreatedOrg } from '../../../scripts/sandbox/salesforce/control.ts'

export const CALLBACK = 'http://localhost:3000/oauth/callback'

export type Running = Awaited<ReturnType<typeof startSalesforceSandbox>>

/** Starts a sandbox on port 0 with one auto-approving org, runs `fn`, always closes it. */
export async function withSandbox(
  fn: (sb: Running, org: CreatedOrg) => Promise<void>,
  opts: StartOptions & { contacts?: number; rotate?: boolean } = {},
): Promise<void> {
  const sb = await startSalesforceSandbox({
    autoApprove: true,
    now: '2026-03-02T10:00:00Z',
    ...opts,
  })
  try {
    const org = sb.control.createOrg({
      name: 'Acme',
      myDomain: 'acme',
      contacts: opts.contacts ?? 50,
      app: { callbackUrls: [CALLBACK], rotateRefreshTokens: opts.rotate ?? false },
    })
    await fn(sb, org)
  } finally {
    await sb.close()
  }
}

/** base64url of random bytes: a verifier Salesforce accepts (no `~`). */
export function newVerifier(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(48))
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(
    /=+$/,
    '',
  )
}

export async function s256(verifier: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)),
  )
  return btoa(String.fromCharCode(...digest)).replaceAll('+', '-').replaceAll('/', '_').replace(
    /=+$/,
    '',
  )
}

/** Follows the authorize redirect (auto-approve) and returns the callback's query. */
export async function authorize(url: string): Promise<URLSearchParams> {
  const res = await fetch(url, { redirect: 'manual' })
  await res.body?.cancel()
  const location = res.headers.get('location')
  if (res.status !== 302 || !location) throw new Error(`expected a redirect, got ${res.status}`)
  return new URL(location).searchParams
}

export async function postForm(
  url: string,
  form: Record<string, string>,
  headers: HeadersInit = {},
) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, text, json: text ? safeJson(text) : null }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

export interface Tokens {
  access_token: string
  refresh_token?: string
  instance_url: string
  id: string
  issued_at: string
  signature: string
  scope: string
  token_type: string
}

/** Auto-approved login with PKCE through the production login host; returns the token response. */
export async function login(
  org: CreatedOrg,
  scope = 'api refresh_token',
  /** Another user of the org than its admin (the approval page's `login_hint`). */
  username?: string,
): Promise<Tokens> {
  const verifier = newVerifier()
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: org.app!.clientId,
    redirect_uri: CALLBACK,
    scope,
    code_challenge: await s256(verifier),
    ...(username ? { login_hint: username } : {}),
  })
  const callback = await authorize(`${org.loginUrl}/services/oauth2/authorize?${q}`)
  const res = await postForm(`${org.loginUrl}/services/oauth2/token`, {
    grant_type: 'authorization_code',
    code: callback.get('code')!,
    client_id: org.app!.clientId,
    client_secret: org.app!.clientSecret,
    redirect_uri: CALLBACK,
    code_verifier: verifier,
  })
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.text}`)
  return res.json as Tokens
}

/** Calls the REST API of the org with a bearer token; returns status, headers and parsed body. */
export async function api(
  tokens: Tokens,
  path: string,
  init: RequestInit & { version?: string } = {},
  // Response JSON varies by endpoint and tests assert on it field by field.
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; headers: Headers; body: any }> {
  const url = path.startsWith('http')
    ? path
    : `${tokens.instance_url}/services/data/v${init.version ?? '59.0'}${path}`
  const res = await fetch(url, {
    ...init,
    headers: {
      authorization: `Bearer ${tokens.access_token}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
  })
  const text = await res.text()
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // HTML or empty bodies stay text
  }
  return { status: res.status, headers: res.headers, body }
}

/** GET query with the SOQL URL-encoded as a real client does. */
export function soql(tokens: Tokens, q: string, all = false, headers: HeadersInit = {}) {
  return api(tokens, `/${all ? 'queryAll' : 'query'}?q=${encodeURIComponent(q)}`, { headers })
}
