// HubSpot OAuth: the install (authorize) page on app.hubspot.com, and on api.hubapi.com the token
// endpoint (30-minute access tokens, refresh tokens that never rotate), token metadata, revoke,
// and the bearer check every API call goes through (facts §1).

import { randomToken } from '../salesforce/data/random.ts'
import type { Clock } from '../salesforce/clock.ts'
import { apiError, bearer, escapeHtml, html, json, oauthError } from './http.ts'
import type { App, Portal, SandboxState } from './state.ts'

export const ACCESS_TOKEN_TTL_MS = 30 * 60_000
const AUTH_CODE_TTL_MS = 10 * 60_000

interface AuthCode {
  code: string
  clientId: string
  portalId: number
  userId: number
  redirectUri: string
  challenge: string | null
  challengeMethod: string
  scopes: string[]
  expiresAt: number
}

/** An install of an app in a portal: its one refresh token (it never rotates). */
export interface Grant {
  refreshToken: string
  clientId: string
  portalId: number
  userId: number
  scopes: string[]
  /** Revoked by DELETE of the refresh token: refreshing fails, issued access tokens live on. */
  revoked: boolean
}

export interface AccessToken {
  token: string
  refreshToken: string
  clientId: string
  portalId: number
  userId: number
  scopes: string[]
  expiresAt: number
}

export class TokenStore {
  codes = new Map<string, AuthCode>()
  grants = new Map<string, Grant>()
  access = new Map<string, AccessToken>()

  clear(): void {
    this.codes.clear()
    this.grants.clear()
    this.access.clear()
  }

  /** Whether the app is installed in the portal (a live grant), so webhooks reach it. */
  installed(clientId: string, portalId: number): boolean {
    for (const g of this.grants.values()) {
      if (g.clientId === clientId && g.portalId === portalId && !g.revoked) return true
    }
    return false
  }

  /** The portal a bearer token belongs to, without checking it (for logs and fault scoping). */
  portalOf(req: Request): number | null {
    const t = bearer(req)
    return t ? this.access.get(t)?.portalId ?? null : null
  }

  /** Expires every access token of a portal now (the next call gets 401 EXPIRED_AUTHENTICATION). */
  expireAccessTokens(portalId: number, now: number): number {
    let n = 0
    for (const a of this.access.values()) {
      if (a.portalId === portalId && a.expiresAt > now) {
        a.expiresAt = now
        n++
      }
    }
    return n
  }

  /** Uninstall: the grant and every access token of it die at once. */
  killGrants(portalId: number, clientId?: string): number {
    let n = 0
    for (const g of this.grants.values()) {
      if (g.portalId !== portalId || (clientId && g.clientId !== clientId)) continue
      this.grants.delete(g.refreshToken)
      n++
      for (const a of this.access.values()) {
        if (a.refreshToken === g.refreshToken) this.access.delete(a.token)
      }
    }
    return n
  }
}

export interface OAuthEnv {
  state: SandboxState
  tokens: TokenStore
  clock: Clock
  autoApprove: boolean
}

const misconfigured = (why: string) =>
  html(
    `<!doctype html><title>Authorization failed</title><h1>Authorization failed because this application is misconfigured</h1><p>${
      escapeHtml(why)
    }</p>`,
    400,
  )

/** `GET|POST /oauth/authorize` and the account-pinned `/oauth/<portalId>/authorize`. */
export async function handleAuthorize(req: Request, env: OAuthEnv): Promise<Response> {
  const url = new URL(req.url)
  const params = new URLSearchParams(url.search)
  const pinned = /^\/oauth\/(\d+)\/authorize$/.exec(url.pathname)?.[1]
  const app = env.state.apps.get(params.get('client_id') ?? '')
  if (!app) return misconfigured('Unknown client_id.')
  const redirectUri = params.get('redirect_uri') ?? ''
  if (!app.redirectUris.includes(redirectUri)) {
    return misconfigured('The redirect_uri does not match any redirect URL of the app.')
  }
  // Scopes are space-separated and must be exactly the app's required scopes (trap 15); HubSpot
  // says so on its own page, never at the callback.
  const asked = new Set((params.get('scope') ?? '').split(/\s+/).filter(Boolean))
  const required = new Set(app.scopes)
  if (asked.size !== required.size || [...asked].some((s) => !required.has(s))) {
    return misconfigured("The scopes in the install URL do not match the app's required scopes.")
  }
  const optional = (params.get('optional_scope') ?? '').split(/\s+/).filter((s) =>
    s && app.optionalScopes.includes(s)
  )
  const challenge = params.get('code_challenge')
  const method = params.get('code_challenge_method') ?? 'plain'
  if (challenge && method !== 'S256' && method !== 'plain') {
    return misconfigured('Unsupported code_challenge_method.')
  }
  const portals = pinned
    ? [env.state.portals.get(Number(pinned))].filter((p): p is Portal => !!p)
    : [...env.state.portals.values()]
  if (!portals.length) return misconfigured('No account to install the app in.')

  const state = params.get('state')
  const back = (extra: Record<string, string>) => {
    const target = new URL(redirectUri)
    for (const [k, v] of Object.entries(extra)) target.searchParams.set(k, v)
    if (state !== null) target.searchParams.set('state', state)
    return new Response(null, { status: 302, headers: { location: target.toString() } })
  }
  let portal = portals[0]
  if (req.method === 'POST') {
    const form = new URLSearchParams(await req.text())
    if (form.get('decision') !== 'allow') {
      return back({ error: 'access_denied', error_description: 'The user denied the install.' })
    }
    portal = portals.find((p) => String(p.portalId) === form.get('portalId')) ?? portal
  } else if (!(app.autoApprove ?? env.autoApprove)) {
    return consentPage(app, portals, [...asked, ...optional])
  }
  const code = crypto.randomUUID()
  env.tokens.codes.set(code, {
    code,
    clientId: app.clientId,
    portalId: portal.portalId,
    userId: portal.users[0].id,
    redirectUri,
    challenge,
    challengeMethod: method,
    scopes: [...new Set([...app.scopes, ...optional])],
    expiresAt: env.clock.now() + AUTH_CODE_TTL_MS,
  })
  return back({ code })
}

function consentPage(app: App, portals: Portal[], scopes: string[]): Response {
  const options = portals.map((p) =>
    `<option value="${p.portalId}">${escapeHtml(p.name)} (${p.portalId})</option>`
  ).join('')
  // The form posts to this same URL, so the query string (client_id, scope, ...) comes along.
  return html(
    `<!doctype html><title>Connect ${escapeHtml(app.name)}</title>
<h1>${escapeHtml(app.name)} wants to access your HubSpot account</h1>
<p>Scopes: ${escapeHtml(scopes.join(', '))}</p>
<form method="post"><label>Account <select name="portalId">${options}</select></label>
<button name="decision" value="allow">Connect app</button>
<button name="decision" value="deny">Cancel</button></form>`,
  )
}

/** `POST /oauth/v1/token` (form body or, as v1 allowed, query) and `/oauth/2026-03/token` (body only). */
export async function handleToken(req: Request, env: OAuthEnv, bodyOnly: boolean) {
  const url = new URL(req.url)
  const p = bodyOnly ? new URLSearchParams() : new URLSearchParams(url.search)
  const type = (req.headers.get('content-type') ?? '').toLowerCase()
  if (type.includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(await req.text())) p.set(k, v)
  }
  const grantType = p.get('grant_type')
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    return oauthError('BAD_GRANT_TYPE', 'missing or invalid grant_type', 'unsupported_grant_type')
  }
  const app = env.state.apps.get(p.get('client_id') ?? '')
  if (!app) return oauthError('BAD_CLIENT_ID', 'missing or unknown client id', 'invalid_client')
  if (p.get('client_secret') !== app.clientSecret) {
    return oauthError('BAD_CLIENT_SECRET', 'missing or invalid client secret', 'invalid_client')
  }
  const now = env.clock.now()
  let grant: Grant
  if (grantType === 'authorization_code') {
    const code = env.tokens.codes.get(p.get('code') ?? '')
    if (!code || code.clientId !== app.clientId || code.expiresAt <= now) {
      return oauthError('BAD_AUTH_CODE', 'missing or unknown auth code', 'invalid_grant')
    }
    if (p.get('redirect_uri') !== code.redirectUri) {
      return oauthError(
        'BAD_REDIRECT_URI',
        'redirect_uri does not match initial redirect_uri',
        'invalid_grant',
      )
    }
    if (code.challenge && !(await verifierMatches(p.get('code_verifier'), code))) {
      return oauthError(
        'BAD_AUTH_CODE',
        'code_verifier does not match the code challenge',
        'invalid_grant',
      )
    }
    // Single use, whatever happens next.
    env.tokens.codes.delete(code.code)
    grant = {
      refreshToken: `na1-${crypto.randomUUID().slice(0, 4)}-${crypto.randomUUID()}`,
      clientId: app.clientId,
      portalId: code.portalId,
      userId: code.userId,
      scopes: code.scopes,
      revoked: false,
    }
    env.tokens.grants.set(grant.refreshToken, grant)
  } else {
    const found = env.tokens.grants.get(p.get('refresh_token') ?? '')
    if (!found || found.revoked || found.clientId !== app.clientId) return badRefreshToken(400)
    grant = found
  }
  const access: AccessToken = {
    // HubSpot's tokens are opaque and vary in length up to ~300 characters (facts §1.2).
    token: `C${randomToken(90)}`,
    refreshToken: grant.refreshToken,
    clientId: app.clientId,
    portalId: grant.portalId,
    userId: grant.userId,
    scopes: grant.scopes,
    expiresAt: now + ACCESS_TOKEN_TTL_MS,
  }
  env.tokens.access.set(access.token, access)
  return json({
    token_type: 'bearer',
    // The same refresh token on every refresh: HubSpot's do not rotate.
    refresh_token: grant.refreshToken,
    access_token: access.token,
    expires_in: ACCESS_TOKEN_TTL_MS / 1000,
    hub_id: grant.portalId,
    scopes: grant.scopes,
  })
}

async function verifierMatches(verifier: string | null, code: AuthCode): Promise<boolean> {
  if (!verifier) return false
  if (code.challengeMethod === 'plain') return verifier === code.challenge
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)),
  )
  const b64url = btoa(String.fromCharCode(...digest)).replaceAll('+', '-').replaceAll('/', '_')
    .replace(/=+$/, '')
  return b64url === code.challenge
}

/** A refresh token that is unknown, revoked or uninstalled (facts §1.2). */
const badRefreshToken = (status: number) =>
  oauthError(
    'BAD_REFRESH_TOKEN',
    'refresh token is invalid, expired or revoked',
    'invalid_grant',
    status,
  )

function portalDomain(env: OAuthEnv, portalId: number): string {
  const p = env.state.portals.get(portalId)
  return `${(p?.name ?? 'portal').toLowerCase().replace(/[^a-z0-9]+/g, '')}.hubspot.com`
}

/** `GET /oauth/v1/access-tokens/:token`: metadata incl. `hub_id` and seconds left (facts §1.3). */
export function accessTokenInfo(token: string, env: OAuthEnv): Response {
  const a = env.tokens.access.get(token)
  const now = env.clock.now()
  if (!a || a.expiresAt <= now) {
    return apiError(404, 'OBJECT_NOT_FOUND', 'The access token was not found or has expired.')
  }
  const app = env.state.apps.get(a.clientId)
  const user = env.state.portals.get(a.portalId)?.users.find((u) => u.id === a.userId)
  return json({
    token: a.token,
    user: user?.email ?? null,
    hub_domain: portalDomain(env, a.portalId),
    scopes: a.scopes,
    hub_id: a.portalId,
    app_id: app?.appId ?? null,
    expires_in: Math.floor((a.expiresAt - now) / 1000),
    user_id: a.userId,
    token_type: 'access',
  })
}

/** `GET /oauth/v1/refresh-tokens/:token`. */
export function refreshTokenInfo(token: string, env: OAuthEnv): Response {
  const g = env.tokens.grants.get(token)
  if (!g || g.revoked) return badRefreshToken(404)
  const user = env.state.portals.get(g.portalId)?.users.find((u) => u.id === g.userId)
  return json({
    token: g.refreshToken,
    user: user?.email ?? null,
    hub_domain: portalDomain(env, g.portalId),
    scopes: g.scopes,
    hub_id: g.portalId,
    client_id: g.clientId,
    user_id: g.userId,
    token_type: 'refresh',
  })
}

/**
 * `DELETE /oauth/v1/refresh-tokens/:token` → 204. Revoking does not uninstall the app and does
 * not kill access tokens already issued; they live out their 30 minutes (facts §1.4).
 */
export function revokeRefreshToken(token: string, env: OAuthEnv): Response {
  const g = env.tokens.grants.get(token)
  if (!g || g.revoked) return badRefreshToken(404)
  g.revoked = true
  return new Response(null, { status: 204 })
}

/** `POST /oauth/2026-03/token/revoke` (token and client credentials in the form body) → 200. */
export async function revokeByForm(req: Request, env: OAuthEnv): Promise<Response> {
  const p = new URLSearchParams(await req.text())
  const app = env.state.apps.get(p.get('client_id') ?? '')
  if (!app || p.get('client_secret') !== app.clientSecret) {
    return oauthError('BAD_CLIENT_ID', 'missing or unknown client id', 'invalid_client', 401)
  }
  const g = env.tokens.grants.get(p.get('token') ?? '')
  // RFC 7009: an unknown token is not an error.
  if (g && g.clientId === app.clientId) g.revoked = true
  return new Response(null, { status: 200 })
}

export type Authorized = { ok: true; token: AccessToken } | { ok: false; response: Response }

/**
 * The bearer check of every API call: 401 `INVALID_AUTHENTICATION` for a missing or unknown
 * token, 401 `EXPIRED_AUTHENTICATION` "expired N second(s) ago" (facts §8), 403
 * `MISSING_SCOPES` when the grant lacks `scope`.
 */
export function authorize(req: Request, env: OAuthEnv, scope: string | null): Authorized {
  const t = bearer(req)
  const a = t ? env.tokens.access.get(t) : undefined
  if (!a) {
    return {
      ok: false,
      response: apiError(
        401,
        'INVALID_AUTHENTICATION',
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      ),
    }
  }
  const now = env.clock.now()
  if (a.expiresAt <= now) {
    const ago = Math.max(1, Math.floor((now - a.expiresAt) / 1000))
    return {
      ok: false,
      response: apiError(
        401,
        'EXPIRED_AUTHENTICATION',
        `The OAuth token used to make this call expired ${ago} second(s) ago.`,
      ),
    }
  }
  if (scope && !a.scopes.includes(scope)) {
    return {
      ok: false,
      response: apiError(
        403,
        'MISSING_SCOPES',
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
        {
          errors: [{
            message: 'One or more of the following scopes are required.',
            context: { requiredGranularScopes: [scope] },
          }],
          links: { scopes: 'https://developers.hubspot.com/scopes' },
        },
      ),
    }
  }
  return { ok: true, token: a }
}
