// OAuth 2.0 as each provider speaks it: authorize (validated before the consent page), the token
// endpoint (request format, client authentication, PKCE, code exchange, refresh with the
// provider's rotation), and revocation.

import { rfcTokenError } from './config.ts'
import { startConsent, submitConsent } from './consent.ts'
import type { Routed, SimContext } from './context.ts'
import {
  accountParam,
  basicCredentials,
  bearerToken,
  compileTemplate,
  type ParsedBody,
  readBody,
  redirect,
  requestParams,
  s256,
  toResponse,
} from './http.ts'
import { errorPage } from './pages.ts'
import type {
  IssuedTokens,
  OAuth2Quirks,
  OAuthErrorCode,
  Reply,
  RevokeQuirks,
  TokenErrorContext,
} from './quirks.ts'
import type { Client, Grant } from './world.ts'

export async function authorize(
  ctx: SimContext,
  routed: Routed,
  q: OAuth2Quirks,
  req: Request,
): Promise<Response> {
  routed.note.endpoint = 'oauth.authorize'
  if (req.method === 'POST') return await submitConsent(ctx, routed, req)
  const p = routed.realUrl.searchParams
  const name = routed.provider.displayName
  const client = ctx.world.clients.get(p.get('client_id') ?? '')
  // A wrong client or redirect URI is shown on the provider's page, never redirected to.
  if (!client || client.provider !== routed.provider.id) {
    return errorPage(name, `Unknown client_id for ${name}.`)
  }
  const redirectUri = p.get('redirect_uri') ??
    (client.redirectUris.length === 1 ? client.redirectUris[0] : null)
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
    return errorPage(name, 'redirect_uri does not match a URL registered for this app.')
  }
  const state = p.get('state')
  const fail = (error: string, description: string) =>
    redirect(redirectUri, { error, error_description: description, state })
  const responseType = p.get('response_type')
  if (responseType !== null && responseType !== 'code') {
    return fail('unsupported_response_type', `response_type must be 'code'`)
  }
  for (const [param, wanted] of Object.entries(q.authorizeRequires ?? {})) {
    const got = p.get(param)
    if (!got || (wanted !== null && got !== wanted)) {
      return fail('invalid_request', `${param} must be '${wanted ?? 'set'}'`)
    }
  }
  const scopes = splitScopes(p.get('scope'), q.scopeSeparator)
  const userScopes = splitScopes(p.get('user_scope'), q.scopeSeparator)
  if (!scopes || !userScopes) {
    const other = q.scopeSeparator === ',' ? 'spaces' : 'commas'
    return fail('invalid_scope', `scopes are separated by '${q.scopeSeparator}', not ${other}`)
  }
  let challenge: string | null = null
  let challengeMethod: string | null = null
  if (q.pkce === 'S256') {
    challenge = p.get('code_challenge')
    challengeMethod = challenge ? (p.get('code_challenge_method') ?? 'plain') : null
    if (challengeMethod !== null && challengeMethod !== 'S256' && challengeMethod !== 'plain') {
      return fail('invalid_request', 'code_challenge_method must be S256 or plain')
    }
    if (!challenge && client.requirePkce) {
      return fail('invalid_request', 'code_challenge is required')
    }
  }
  return startConsent(
    ctx,
    routed,
    {
      provider: routed.provider.id,
      clientId: client.clientId,
      host: routed.realUrl.host,
      redirectUri,
      state,
      scopes,
      userScopes,
      challenge,
      challengeMethod,
      params: Object.fromEntries(p),
    },
    client,
    p.get('login_hint'),
  )
}

/** Scopes split by the provider's separator; null when the other separator was used. */
function splitScopes(raw: string | null, separator: ' ' | ','): string[] | null {
  if (!raw) return []
  const wrong = separator === ',' ? /\s/ : /,/
  const parts = raw.split(separator).map((s) => s.trim()).filter(Boolean)
  return parts.some((s) => wrong.test(s)) ? null : parts
}

class TokenError extends Error {
  constructor(readonly code: OAuthErrorCode, description: string) {
    super(description)
  }
}

export async function token(
  ctx: SimContext,
  routed: Routed,
  q: OAuth2Quirks,
  req: Request,
): Promise<Response> {
  routed.note.endpoint = 'oauth.token'
  const body = await readBody(req)
  const params = requestParams(routed.realUrl, body)
  const grantType = params.get('grant_type') ??
    (q.grantTypeOptional ? 'authorization_code' : '')
  const answer = (reply: Reply) => toResponse(asForm(q, req, reply))
  try {
    if (req.method !== 'POST') throw new TokenError('invalid_request', 'use POST')
    checkFormat(q, body)
    const client = authenticate(ctx, routed, q, req, params)
    for (const [param, wanted] of Object.entries(q.tokenRequires ?? {})) {
      if (params.get(param) !== wanted) {
        throw new TokenError('invalid_request', `${param}=${wanted} is required`)
      }
    }
    let issued: IssuedTokens
    if (grantType === 'authorization_code') {
      issued = await exchangeCode(ctx, q, client, params, accountParam(routed.params))
    } else if (grantType === 'refresh_token') {
      issued = refresh(ctx, q, client, params, accountParam(routed.params))
    } else {
      throw new TokenError('unsupported_grant_type', `grant_type '${grantType}' is not supported`)
    }
    routed.note.endpoint = grantType === 'refresh_token' ? 'oauth.refresh' : 'oauth.token'
    routed.note.account = issued.account.key
    return answer({
      status: 200,
      headers: { 'cache-control': 'no-store' },
      body: q.tokenResponse(issued),
    })
  } catch (e) {
    if (!(e instanceof TokenError)) throw e
    const ectx: TokenErrorContext = { grantType, description: e.message }
    return answer((q.tokenError ?? rfcTokenError)(e.code, ectx))
  }
}

/** GitHub answers `a=b&c=d` unless the request says `Accept: application/json`. */
function asForm(q: OAuth2Quirks, req: Request, reply: Reply): Reply {
  const accept = req.headers.get('accept') ?? ''
  if (!q.formResponseUnlessAcceptJson || accept.includes('json') || !reply.body) return reply
  const form = new URLSearchParams()
  for (const [k, v] of Object.entries(reply.body as Record<string, unknown>)) {
    if (v !== undefined && v !== null) form.set(k, String(v))
  }
  return {
    ...reply,
    headers: {
      ...reply.headers,
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    },
    body: form.toString(),
  }
}

function checkFormat(q: OAuth2Quirks, body: ParsedBody): void {
  const ok = q.tokenFormat === 'either'
    ? body.format === 'form' || body.format === 'json'
    : body.format === q.tokenFormat
  if (!ok) {
    const wanted = q.tokenFormat === 'json'
      ? 'a JSON body'
      : q.tokenFormat === 'form'
      ? 'an application/x-www-form-urlencoded body'
      : 'a form or JSON body'
    throw new TokenError('invalid_request', `the token request must have ${wanted}`)
  }
}

/** Client authentication where the provider takes it: a Basic header, body fields, or either. */
function authenticate(
  ctx: SimContext,
  routed: Routed,
  q: Pick<OAuth2Quirks, 'clientAuth'>,
  req: Request,
  params: URLSearchParams,
): Client {
  const basic = basicCredentials(req)
  const inBody = params.has('client_secret')
  if (q.clientAuth === 'basic' && !basic) {
    throw new TokenError('invalid_client', 'client credentials must be sent with HTTP Basic')
  }
  if (q.clientAuth === 'body' && (basic || !inBody)) {
    throw new TokenError('invalid_client', 'client_id and client_secret must be in the body')
  }
  if (basic && inBody) {
    throw new TokenError('invalid_request', 'use one client authentication method')
  }
  const [id, secret] = basic ?? [params.get('client_id') ?? '', params.get('client_secret') ?? '']
  const client = ctx.world.clients.get(id)
  if (!client || client.provider !== routed.provider.id || client.clientSecret !== secret) {
    throw new TokenError('invalid_client', 'client authentication failed')
  }
  if (basic && params.has('client_id') && params.get('client_id') !== id) {
    throw new TokenError('invalid_client', 'client_id does not match the Basic credentials')
  }
  return client
}

/**
 * `hostAccount`: the account a subdomain token URL names (Zendesk, BambooHR, Workday); a code or
 * refresh token of another account is not valid there.
 */
async function exchangeCode(
  ctx: SimContext,
  q: OAuth2Quirks,
  client: Client,
  params: URLSearchParams,
  hostAccount: string | null,
): Promise<IssuedTokens> {
  const w = ctx.world
  const code = w.codes.get(params.get('code') ?? '')
  const elsewhere = hostAccount !== null && code?.accountKey !== hostAccount
  if (!code || code.clientId !== client.clientId || elsewhere) {
    throw new TokenError('invalid_grant', 'the authorization code is invalid')
  }
  if (code.used) {
    // A replayed code revokes what it issued (RFC 6749 §4.1.2).
    if (code.grantId) w.killGrant(code.grantId)
    throw new TokenError('invalid_grant', 'the authorization code was already used')
  }
  if (ctx.now() > code.expiresAt) {
    throw new TokenError('invalid_grant', 'the authorization code has expired')
  }
  const sent = params.get('redirect_uri')
  const skipped = sent === null && q.redirectUriOptional
  if (code.redirectUri !== null && !skipped && sent !== code.redirectUri) {
    throw new TokenError('redirect_uri_mismatch', 'redirect_uri does not match the authorize call')
  }
  if (code.challenge) {
    const verifier = params.get('code_verifier')
    if (!verifier) throw new TokenError('invalid_grant', 'code_verifier is required')
    const computed = code.challengeMethod === 'S256' ? await s256(verifier) : verifier
    if (computed !== code.challenge) {
      throw new TokenError('invalid_grant', 'code_verifier does not match the code_challenge')
    }
  }
  code.used = true
  const account = w.account(client.provider, code.accountKey)!
  const firstGrant = ![...w.grants.values()].some((g) =>
    g.clientId === client.clientId && g.accountKey === account.key
  )
  const grant: Grant = {
    id: w.secret('grant_', 16),
    provider: client.provider,
    clientId: client.clientId,
    accountKey: account.key,
    scopes: code.scopes,
    userScopes: code.userScopes,
    authorizeParams: code.authorizeParams,
    alive: true,
    createdAt: ctx.now(),
  }
  w.grants.set(grant.id, grant)
  code.grantId = grant.id
  const ttl = { params, client, grant }
  const wantsRefresh = q.refresh !== 'none' &&
    (q.issuesRefreshToken?.({ ...ttl, firstGrant }) ?? true)
  const expiresIn = q.accessTtl(ttl)
  // Slack: bot scopes get the top-level (bot) token, user scopes a user token under authed_user.
  const userPrefix = { tokenPrefix: { ...q.tokenPrefix, access: q.tokenPrefix.user ?? '' } }
  const userOnly = grant.scopes.length === 0 && grant.userScopes.length > 0
  return {
    accessToken: mintAccess(ctx, userOnly && q.tokenPrefix.user ? userPrefix : q, grant, expiresIn),
    refreshToken: wantsRefresh ? mintRefresh(ctx, q, grant) : null,
    expiresIn,
    userAccessToken: grant.scopes.length && grant.userScopes.length
      ? mintAccess(ctx, userPrefix, grant, expiresIn)
      : null,
    scopes: grant.scopes,
    userScopes: grant.userScopes,
    grant,
    account,
    client,
    grantType: 'authorization_code',
  }
}

function refresh(
  ctx: SimContext,
  q: OAuth2Quirks,
  client: Client,
  params: URLSearchParams,
  hostAccount: string | null,
): IssuedTokens {
  const w = ctx.world
  if (q.refresh === 'none') {
    throw new TokenError('unsupported_grant_type', 'this provider has no refresh tokens')
  }
  const presented = params.get('refresh_token') ?? ''
  const stored = w.refreshTokens.get(presented)
  const grant = stored ? w.grants.get(stored.grantId) : undefined
  const elsewhere = hostAccount !== null && grant?.accountKey !== hostAccount
  if (!stored || !grant || grant.clientId !== client.clientId || elsewhere) {
    throw new TokenError('invalid_grant', 'the refresh token is invalid')
  }
  if (!stored.alive || !grant.alive) {
    throw new TokenError('invalid_grant', 'the refresh token is expired or revoked')
  }
  const account = w.account(client.provider, grant.accountKey)!
  const expiresIn = q.accessTtl({ params, client, grant })
  let refreshToken = presented
  if (q.refresh === 'rotating' || q.refresh === 'reissued') {
    if (q.refresh === 'rotating') stored.alive = false
    refreshToken = mintRefresh(ctx, q, grant)
  }
  return {
    accessToken: mintAccess(ctx, q, grant, expiresIn),
    refreshToken,
    expiresIn,
    userAccessToken: null,
    scopes: grant.scopes,
    userScopes: grant.userScopes,
    grant,
    account,
    client,
    grantType: 'refresh_token',
  }
}

export function mintAccess(
  ctx: SimContext,
  q: Pick<OAuth2Quirks, 'tokenPrefix'>,
  grant: Grant,
  ttl: number | null,
): string {
  const t = ctx.world.secret(q.tokenPrefix.access, 48)
  ctx.world.accessTokens.set(t, {
    grantId: grant.id,
    expiresAt: ttl === null ? null : ctx.now() + ttl * 1000,
    alive: true,
  })
  return t
}

export function mintRefresh(
  ctx: SimContext,
  q: Pick<OAuth2Quirks, 'tokenPrefix'>,
  grant: Grant,
): string {
  const t = ctx.world.secret(q.tokenPrefix.refresh, 48)
  ctx.world.refreshTokens.set(t, { grantId: grant.id, alive: true })
  return t
}

/**
 * Revocation: finds the token (path, body field, query or Bearer), checks the client where the
 * endpoint wants one, and kills the grant. Unknown tokens succeed quietly (RFC 7009 §2.2).
 */
export async function revoke(
  ctx: SimContext,
  routed: Routed,
  r: RevokeQuirks,
  req: Request,
): Promise<Response> {
  routed.note.endpoint = 'oauth.revoke'
  const body = await readBody(req)
  const params = requestParams(routed.realUrl, body)
  const w = ctx.world
  if (r.clientAuth !== 'none') {
    try {
      const client = authenticate(ctx, routed, { clientAuth: r.clientAuth }, req, params)
      if (routed.params.client_id && routed.params.client_id !== client.clientId) {
        return toResponse({ status: 404, body: { message: 'Not Found' } })
      }
    } catch (e) {
      if (!(e instanceof TokenError)) throw e
      return toResponse(rfcTokenError(e.code, { grantType: '', description: e.message }))
    }
  }
  const presented = r.token === 'path'
    ? routed.params.token
    : r.token === 'bearer'
    ? bearerToken(req)
    : params.get(r.token.field) ?? bearerToken(req)
  if (!presented) {
    return toResponse(rfcTokenError('invalid_request', { grantType: '', description: 'no token' }))
  }
  const found = w.accessTokens.get(presented) ?? w.refreshTokens.get(presented)
  const grant = found ? w.grants.get(found.grantId) : undefined
  if (r.token === 'bearer' && (!found || !found.alive || !grant?.alive)) {
    // Revoking with a Bearer token needs a valid one, as any API call does.
    return toResponse(routed.provider.api.error('invalid', {
      retryAfterSeconds: 0,
      resetAt: 0,
      now: ctx.now(),
    }))
  }
  if (grant) {
    routed.note.account = grant.accountKey
    w.killGrant(grant.id, r.keepAccessTokens)
  }
  return toResponse(r.reply)
}

/** Compiled once per quirk entry: the OAuth endpoints a provider serves. */
export function oauth2Templates(q: OAuth2Quirks) {
  return {
    authorize: compileTemplate(q.authorizeUrl),
    token: compileTemplate(q.tokenUrl),
    revoke: q.revoke ? compileTemplate(q.revoke.url) : null,
  }
}
