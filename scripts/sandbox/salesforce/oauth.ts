// OAuth 2.0 web-server flow endpoints: authorize (page + redirect), token, revoke, userinfo, identity URL.

import { normalizeId } from './data/ids.ts'
import { randomToken } from './data/random.ts'
import type { Host, RequestNote, SandboxEnv } from './env.ts'
import { formatDateTime } from './format.ts'
import { bearerToken, formParams, json, oauthError } from './http.ts'
import { approvalPage, errorPage } from './oauth-pages.ts'
import type { ConnectedApp, OrgState } from './state.ts'
import type { AccessToken, Grant, PendingAuthorization } from './tokens.ts'

const PENDING_TTL = 10 * 60_000
const REFRESH_SCOPES = ['refresh_token', 'offline_access']

export async function handleOAuth(
  req: Request,
  url: URL,
  path: string,
  host: Host,
  env: SandboxEnv,
  note: RequestNote,
): Promise<Response> {
  switch (path) {
    case '/services/oauth2/authorize':
      note.endpoint = 'oauth.authorize'
      return req.method === 'POST'
        ? await submitApproval(req, url, host, env, note)
        : authorize(url, host, env, note)
    case '/services/oauth2/token':
      note.endpoint = 'oauth.token'
      return await token(req, url, host, env, note)
    case '/services/oauth2/revoke':
      note.endpoint = 'oauth.revoke'
      return await revoke(req, url, env, note)
    case '/services/oauth2/userinfo':
      note.endpoint = 'oauth.userinfo'
      return userinfo(req, url, env, note)
  }
  const id = /^\/id\/([A-Za-z0-9]{15,18})\/([A-Za-z0-9]{15,18})\/?$/.exec(path)
  if (id) {
    note.endpoint = 'identity'
    return identity(req, url, id[1], id[2], env, note)
  }
  return errorPage('not_found', 'URL No Longer Exists', 404)
}

// --- authorize ---

function authorize(url: URL, host: Host, env: SandboxEnv, note: RequestNote): Response {
  const p = url.searchParams
  const app = env.state.apps.get(p.get('client_id') ?? '')
  if (!app) return errorPage('invalid_client_id', 'client identifier invalid')
  note.orgId = host.org?.id ?? null
  const redirectUri = p.get('redirect_uri') ?? ''
  // Exact string match against the registered callback URLs (no prefix or query tolerance).
  if (!app.callbackUrls.includes(redirectUri)) {
    return errorPage('redirect_uri_mismatch', 'redirect_uri must match configuration')
  }
  const state = p.get('state')
  const fail = (error: string, description: string) =>
    redirectTo(redirectUri, { error, error_description: description, state })
  if (p.get('response_type') !== 'code') {
    return fail('unsupported_response_type', 'response type not supported')
  }
  const challenge = p.get('code_challenge')
  if (app.requirePkce && !challenge) {
    return fail('invalid_request', 'missing required code challenge')
  }
  // Salesforce does not document code_challenge_method; S256 is what it applies when absent.
  const method = p.get('code_challenge_method') ?? 'S256'
  if (method !== 'S256' && method !== 'plain') {
    return fail('invalid_request', 'invalid code challenge method')
  }
  const requested = (p.get('scope') ?? '').split(/[\s+]+/).filter(Boolean)
  const scopes = requested.length === 0
    ? app.scopes
    : requested.filter((s) => app.scopes.includes(s))
  const now = env.clock.now()
  const pending: PendingAuthorization = {
    id: randomToken(18),
    clientId: app.clientId,
    redirectUri,
    state,
    scopes,
    codeChallenge: challenge,
    codeChallengeMethod: method,
    family: host.family,
    orgId: host.org?.id ?? null,
    expiresAt: now + PENDING_TTL,
  }
  env.tokens.pending.set(pending.id, pending)
  const eligible = eligibleUsers(pending, env)
  const hint = p.get('login_hint')
  const user = hint
    ? eligible.find((u) => u.username.toLowerCase() === hint.toLowerCase())
    : defaultUser(app, pending, env)
  if (p.get('immediate') === 'true') {
    if (user && env.tokens.activeGrants(app.clientId, user.id).length > 0) {
      return approve(pending, user, env)
    }
    return fail('immediate_unsuccessful', 'immediate unsuccessful')
  }
  const autoApprove = app.autoApprove ?? env.options.autoApprove
  if (autoApprove && user) return approve(pending, user, env)
  return page(pending, app, host, eligible.map((u) => u.username), user?.username ?? hint)
}

async function submitApproval(
  req: Request,
  url: URL,
  host: Host,
  env: SandboxEnv,
  note: RequestNote,
) {
  const form = await formParams(req, url)
  const pending = env.tokens.pending.get(form.get('request_id') ?? '')
  if (!pending || pending.expiresAt <= env.clock.now()) {
    return errorPage('invalid_request', 'this authorization request has expired; start again')
  }
  const app = env.state.apps.get(pending.clientId)!
  note.orgId = host.org?.id ?? null
  if (form.get('action') === 'deny') {
    env.tokens.pending.delete(pending.id)
    return redirectTo(pending.redirectUri, {
      error: 'access_denied',
      error_description: 'end-user denied authorization',
      state: pending.state,
    })
  }
  const eligible = eligibleUsers(pending, env)
  const username = form.get('username') ?? ''
  const user = eligible.find((u) => u.username.toLowerCase() === username.toLowerCase())
  if (!user) {
    return page(
      pending,
      app,
      host,
      eligible.map((u) => u.username),
      username,
      "Please check your username and password. If you still can't log in, contact your Salesforce administrator.",
    )
  }
  return approve(pending, user, env)
}

interface LoginUser {
  id: string
  username: string
  org: OrgState
}

/** Users who can log in through this host: its org only on a My Domain, else its org family. */
function eligibleUsers(pending: PendingAuthorization, env: SandboxEnv): LoginUser[] {
  const out: LoginUser[] = []
  for (const org of env.state.orgs.values()) {
    if (pending.orgId ? org.id !== pending.orgId : org.kind !== pending.family) continue
    for (const u of org.data.visible('User')) {
      if (u.values.IsActive) out.push({ id: u.id, username: u.values.Username as string, org })
    }
  }
  return out
}

function defaultUser(
  app: ConnectedApp,
  pending: PendingAuthorization,
  env: SandboxEnv,
): LoginUser | undefined {
  // Connected apps are global: users of any org may authorize one. The default login is the
  // admin of the app's own org, else the admin of the first org this host serves.
  const eligible = eligibleUsers(pending, env)
  const admins = new Set([...env.state.orgs.values()].map((o) => o.adminUserId))
  const home = env.state.orgs.get(app.orgId)
  return eligible.find((u) => u.id === home?.adminUserId) ?? eligible.find((u) => admins.has(u.id))
}

function page(
  pending: PendingAuthorization,
  app: ConnectedApp,
  host: Host,
  usernames: string[],
  selected: string | null | undefined,
  error?: string,
): Response {
  return approvalPage({
    requestId: pending.id,
    appName: app.name,
    hostLabel: host.kind === 'instance'
      ? `${host.org!.myDomain} (My Domain)`
      : host.kind === 'test'
      ? 'test.salesforce.com (sandbox)'
      : 'login.salesforce.com',
    scopes: pending.scopes,
    usernames,
    selected: selected ?? null,
    error,
    action: `${host.base}/services/oauth2/authorize`,
  })
}

function approve(pending: PendingAuthorization, user: LoginUser, env: SandboxEnv): Response {
  env.tokens.pending.delete(pending.id)
  const code = env.tokens.newCode({
    clientId: pending.clientId,
    userId: user.id,
    orgId: user.org.id,
    redirectUri: pending.redirectUri,
    scopes: pending.scopes,
    codeChallenge: pending.codeChallenge,
    codeChallengeMethod: pending.codeChallengeMethod,
    family: user.org.kind,
    expiresAt: env.clock.now() + env.options.authCodeTtlMs,
  })
  return redirectTo(pending.redirectUri, { code: code.code, state: pending.state })
}

function redirectTo(target: string, params: Record<string, string | null>): Response {
  const url = new URL(target)
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v)
  return new Response(null, { status: 302, headers: { location: url.href } })
}

// --- token ---

async function token(
  req: Request,
  url: URL,
  host: Host,
  env: SandboxEnv,
  note: RequestNote,
): Promise<Response> {
  if (req.method !== 'POST') return oauthError('invalid_request', 'must use HTTP POST')
  const form = await formParams(req, url)
  const grantType = form.get('grant_type')
  // Salesforce reads only a form-encoded body: a JSON body, or one without that content type,
  // leaves it no grant_type, which it answers like an unknown one (not `invalid_request`).
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    return oauthError('unsupported_grant_type', 'grant type not supported')
  }
  let clientId = form.get('client_id')
  let clientSecret = form.get('client_secret')
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '')
  if (basic) {
    const decoded = safeAtob(basic[1])
    const colon = decoded?.indexOf(':') ?? -1
    if (decoded && colon > 0) {
      clientId = decodeURIComponent(decoded.slice(0, colon))
      clientSecret = decodeURIComponent(decoded.slice(colon + 1))
    }
  }
  const app = env.state.apps.get(clientId ?? '')
  if (!app) return oauthError('invalid_client_id', 'client identifier invalid')
  const secretRequired = grantType === 'authorization_code'
    ? app.requireSecret
    : app.requireSecretForRefresh
  if (
    (clientSecret !== null && clientSecret !== app.clientSecret) ||
    (secretRequired && clientSecret === null)
  ) {
    return oauthError('invalid_client', 'invalid client credentials')
  }
  return grantType === 'authorization_code'
    ? await exchangeCode(form, app, host, env, note)
    : await refresh(form, app, host, env, note)
}

async function exchangeCode(
  form: URLSearchParams,
  app: ConnectedApp,
  host: Host,
  env: SandboxEnv,
  note: RequestNote,
): Promise<Response> {
  const now = env.clock.now()
  const code = env.tokens.codes.get(form.get('code') ?? '')
  if (!code || code.used || code.expiresAt <= now) {
    return oauthError('invalid_grant', 'invalid authorization code')
  }
  note.orgId = code.orgId
  if (
    code.clientId !== app.clientId || code.redirectUri !== form.get('redirect_uri') ||
    !sameFamily(host, code.family, code.orgId)
  ) {
    return oauthError('invalid_grant', 'authentication failure')
  }
  if (code.codeChallenge !== null) {
    const verifier = form.get('code_verifier')
    if (
      !verifier || !(await verifierMatches(verifier, code.codeChallenge, code.codeChallengeMethod))
    ) {
      return oauthError('invalid_grant', 'invalid code verifier')
    }
  }
  code.used = true
  const org = env.state.org(code.orgId)
  let refreshToken: string | undefined
  let grant: Grant | null = null
  if (code.scopes.some((s) => REFRESH_SCOPES.includes(s))) {
    grant = env.tokens.newGrant({
      clientId: app.clientId,
      userId: code.userId,
      orgId: code.orgId,
      scopes: code.scopes,
      family: code.family,
      createdAt: now,
    })
    refreshToken = env.tokens.issueRefreshToken(grant)
    evictOldApprovals(app, code.userId, env)
  }
  const session = newSession(app, org, code.userId, grant, env)
  return json(await tokenBody(app, org, session, code.scopes, env, refreshToken))
}

async function refresh(
  form: URLSearchParams,
  app: ConnectedApp,
  host: Host,
  env: SandboxEnv,
  note: RequestNote,
): Promise<Response> {
  const expired = () => oauthError('invalid_grant', 'expired access/refresh token')
  const rt = env.tokens.refreshTokens.get(form.get('refresh_token') ?? '')
  const grant = rt ? env.tokens.grants.get(rt.grantId) : undefined
  if (!rt || !grant || grant.clientId !== app.clientId) return expired()
  note.orgId = grant.orgId
  if (grant.revoked) return expired()
  if (rt.rotated) {
    // Reuse of a rotated refresh token: Salesforce revokes the whole grant (facts §1.8).
    env.tokens.revokeGrant(grant)
    return expired()
  }
  if (!sameFamily(host, grant.family, grant.orgId)) {
    return oauthError('invalid_grant', 'authentication failure')
  }
  const org = env.state.org(grant.orgId)
  const user = org.data.get('User', grant.userId)
  if (!user || !user.values.IsActive) return oauthError('invalid_grant', 'inactive user')
  const refreshToken = app.rotateRefreshTokens ? env.tokens.issueRefreshToken(grant) : undefined
  const session = newSession(app, org, grant.userId, grant, env)
  return json(await tokenBody(app, org, session, grant.scopes, env, refreshToken))
}

/** A code or refresh token only works on the login host family (or My Domain) that issued it. */
function sameFamily(host: Host, family: string, orgId: string): boolean {
  return host.kind === 'instance' ? host.org!.id === orgId : host.family === family
}

async function verifierMatches(
  verifier: string,
  challenge: string,
  method: 'S256' | 'plain',
): Promise<boolean> {
  // RFC 7636 allows `~`, Salesforce rejects it (facts §1.5).
  if (verifier.includes('~') || !/^[A-Za-z0-9\-._]+$/.test(verifier)) return false
  if (method === 'plain') return verifier === challenge
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)),
  )
  return base64url(digest) === challenge
}

/** Five approvals per user per app; a sixth silently revokes the oldest (facts §0.20). */
function evictOldApprovals(app: ConnectedApp, userId: string, env: SandboxEnv): void {
  const max = env.options.maxApprovalsPerUser
  if (max <= 0) return
  const active = env.tokens.activeGrants(app.clientId, userId)
  for (const g of active.slice(0, Math.max(0, active.length - max))) env.tokens.revokeGrant(g)
}

function newSession(
  app: ConnectedApp,
  org: OrgState,
  userId: string,
  grant: Grant | null,
  env: SandboxEnv,
): AccessToken {
  const now = env.clock.now()
  env.tokens.prune(now)
  return env.tokens.issueAccessToken({
    clientId: app.clientId,
    userId,
    orgId: org.id,
    grantId: grant?.id ?? null,
    issuedAt: now,
    expiresAt: now + org.sessionTimeoutMs,
  }, org.id.slice(0, 15))
}

/** The token response: no expires_in, issued_at in ms, signature over id + issued_at (facts §1.7). */
async function tokenBody(
  app: ConnectedApp,
  org: OrgState,
  session: AccessToken,
  scopes: string[],
  env: SandboxEnv,
  refreshToken?: string,
): Promise<Record<string, string>> {
  const id = identityUrl(org, session.userId, env)
  const issuedAt = String(session.issuedAt)
  return {
    access_token: session.token,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    signature: await hmacBase64(app.clientSecret, id + issuedAt),
    scope: scopes.join(' '),
    instance_url: env.urls.instanceUrl(org),
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  }
}

export function identityUrl(org: OrgState, userId: string, env: SandboxEnv): string {
  return `${env.urls.loginBase(org.kind)}/id/${org.id}/${userId}`
}

// --- revoke ---

async function revoke(
  req: Request,
  url: URL,
  env: SandboxEnv,
  note: RequestNote,
): Promise<Response> {
  const form = await formParams(req, url)
  const value = form.get('token') ?? ''
  const access = env.tokens.accessTokens.get(value)
  if (access) {
    note.orgId = access.orgId
    access.revoked = true
    return new Response(null, { status: 200 })
  }
  const rt = env.tokens.refreshTokens.get(value)
  const grant = rt && env.tokens.grants.get(rt.grantId)
  if (grant) {
    note.orgId = grant.orgId
    env.tokens.revokeGrant(grant)
    return new Response(null, { status: 200 })
  }
  return oauthError('invalid_token', 'invalid token')
}

// --- identity ---

function badToken(): Response {
  // The identity service answers 403, not 401, for a dead token (facts §1.11).
  return new Response('Bad_OAuth_Token', {
    status: 403,
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
  })
}

function identity(
  req: Request,
  url: URL,
  orgIdIn: string,
  userIdIn: string,
  env: SandboxEnv,
  note: RequestNote,
) {
  const session = env.tokens.session(bearerToken(req, url) ?? '', env.clock.now())
  if (!session) return badToken()
  note.orgId = session.orgId
  const org = env.state.org(session.orgId)
  if (normalizeId(orgIdIn) !== org.id) return badToken()
  const userId = normalizeId(userIdIn)
  const user = userId ? org.data.get('User', userId) : undefined
  if (!user) {
    return new Response('Bad_Id', {
      status: 404,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    })
  }
  const version = url.searchParams.get('version')
  const v = version === 'latest' ? `${env.options.maxApiVersion}.0` : version ?? '{version}'
  const u = user.values
  const instance = env.urls.instanceUrl(org)
  return json({
    id: identityUrl(org, user.id, env),
    asserted_user: session.userId === user.id,
    user_id: user.id,
    organization_id: org.id,
    username: u.Username,
    nick_name: (u.Username as string).split('@')[0],
    display_name: `${u.FirstName} ${u.LastName}`,
    email: u.Email,
    email_verified: true,
    first_name: u.FirstName,
    last_name: u.LastName,
    timezone: u.TimeZoneSidKey,
    photos: {
      picture: `${instance}/profilephoto/005/F`,
      thumbnail: `${instance}/profilephoto/005/T`,
    },
    active: u.IsActive,
    user_type: 'STANDARD',
    language: u.LanguageLocaleKey,
    locale: u.LocaleSidKey,
    utcOffset: 0,
    last_modified_date: formatDateTime(u.LastModifiedDate as number),
    is_app_installed: true,
    urls: apiUrls(instance, v, org.id, user.id),
  })
}

function userinfo(req: Request, url: URL, env: SandboxEnv, note: RequestNote): Response {
  const session = env.tokens.session(bearerToken(req, url) ?? '', env.clock.now())
  if (!session) return badToken()
  note.orgId = session.orgId
  const org = env.state.org(session.orgId)
  const u = org.data.get('User', session.userId)!.values
  const instance = env.urls.instanceUrl(org)
  return json({
    sub: identityUrl(org, session.userId, env),
    user_id: session.userId,
    organization_id: org.id,
    preferred_username: u.Username,
    nickname: (u.Username as string).split('@')[0],
    name: `${u.FirstName} ${u.LastName}`,
    email: u.Email,
    email_verified: true,
    given_name: u.FirstName,
    family_name: u.LastName,
    zoneinfo: u.TimeZoneSidKey,
    photos: {
      picture: `${instance}/profilephoto/005/F`,
      thumbnail: `${instance}/profilephoto/005/T`,
    },
    profile: `${instance}/${session.userId}`,
    picture: `${instance}/profilephoto/005/F`,
    address: {},
    is_salesforce_integration_user: false,
    urls: apiUrls(instance, '{version}', org.id, session.userId),
    active: u.IsActive,
    user_type: 'STANDARD',
    language: u.LanguageLocaleKey,
    locale: u.LocaleSidKey,
    utcOffset: 0,
    updated_at: formatDateTime(u.LastModifiedDate as number),
    is_app_installed: true,
  })
}

function apiUrls(
  instance: string,
  v: string,
  orgId: string,
  userId: string,
): Record<string, string> {
  const data = `${instance}/services/data/v${v}`
  return {
    enterprise: `${instance}/services/Soap/c/${v}/${orgId}`,
    metadata: `${instance}/services/Soap/m/${v}/${orgId}`,
    partner: `${instance}/services/Soap/u/${v}/${orgId}`,
    rest: `${data}/`,
    sobjects: `${data}/sobjects/`,
    search: `${data}/search/`,
    query: `${data}/query/`,
    recent: `${data}/recent/`,
    tooling_soap: `${instance}/services/Soap/T/${v}/${orgId}`,
    tooling_rest: `${data}/tooling/`,
    profile: `${instance}/${userId}`,
    feeds: `${data}/chatter/feeds`,
    groups: `${data}/chatter/groups`,
    users: `${data}/chatter/users`,
    feed_items: `${data}/chatter/feed-items`,
    feed_elements: `${data}/chatter/feed-elements`,
    custom_domain: instance,
  }
}

// --- crypto helpers ---

async function hmacBase64(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const sig = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message)),
  )
  return btoa(String.fromCharCode(...sig))
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(
    /=+$/,
    '',
  )
}

function safeAtob(text: string): string | null {
  try {
    return atob(text)
  } catch {
    return null
  }
}
