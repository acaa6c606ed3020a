// OAuth 1.0a as Trello speaks it: a signed request for a request token, the person's approval,
// a signed exchange for the access token, and HMAC-SHA1 signatures verified per RFC 5849 §3.4.

import { startConsent, submitConsent } from './consent.ts'
import type { Routed, SimContext } from './context.ts'
import { type ParsedBody, readBody, toResponse } from './http.ts'
import { errorPage } from './pages.ts'
import type { OAuth1Quirks } from './quirks.ts'
import type { Client } from './world.ts'

/** RFC 5849 §3.6: percent-encode everything but the unreserved characters. */
export function oauthEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/** The `Authorization: OAuth k="v", ...` parameters, percent-decoded. */
export function oauthHeaderParams(req: Request): Array<[string, string]> | null {
  const header = req.headers.get('authorization') ?? ''
  if (!/^OAuth\s/i.test(header)) return null
  const out: Array<[string, string]> = []
  for (const m of header.slice(6).matchAll(/([\w-]+)="([^"]*)"/g)) {
    if (m[1] === 'realm') continue
    out.push([decodeURIComponent(m[1]), decodeURIComponent(m[2])])
  }
  return out
}

/** RFC 5849 §3.4.1: the signature base string for a request URL and its parameters. */
export function signatureBaseString(
  method: string,
  url: URL,
  params: Array<[string, string]>,
): string {
  const base = `${url.protocol}//${url.host.toLowerCase()}${url.pathname}`
  const normalized = params
    .filter(([k]) => k !== 'oauth_signature')
    .map(([k, v]) => [oauthEncode(k), oauthEncode(v)])
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  return [method.toUpperCase(), oauthEncode(base), oauthEncode(normalized)].join('&')
}

export async function hmacSha1(key: string, text: string): Promise<string> {
  const k = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(key),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  )
  const sig = await crypto.subtle.sign('HMAC', k, new TextEncoder().encode(text))
  return btoa(String.fromCharCode(...new Uint8Array(sig)))
}

export interface SignedRequest {
  client: Client
  oauth: Map<string, string>
}

/**
 * Verifies an OAuth 1.0a HMAC-SHA1 signature. The client may have signed the real URL
 * (https://trello.com/1/...) or the simulator URL it actually called: both are accepted, so a
 * client that rewrites hosts before or after signing works. Throws a message on failure.
 */
export async function verifySignature(
  ctx: SimContext,
  routed: Routed,
  req: Request,
  body: ParsedBody,
  tokenSecret: (token: string) => string | null,
): Promise<SignedRequest> {
  const header = oauthHeaderParams(req)
  const query = [...routed.realUrl.searchParams]
  const form = body.format === 'form' ? [...body.params] : []
  const oauthParams = header ?? [...query, ...form].filter(([k]) => k.startsWith('oauth_'))
  const oauth = new Map(oauthParams)
  const client = ctx.world.clients.get(oauth.get('oauth_consumer_key') ?? '')
  if (!client || client.provider !== routed.provider.id) throw new Error('invalid consumer key')
  if (oauth.get('oauth_signature_method') !== 'HMAC-SHA1') {
    throw new Error('oauth_signature_method must be HMAC-SHA1')
  }
  if (!oauth.get('oauth_nonce') || !oauth.get('oauth_timestamp')) {
    throw new Error('oauth_nonce and oauth_timestamp are required')
  }
  const nonce = `${client.clientId}:${oauth.get('oauth_timestamp')}:${oauth.get('oauth_nonce')}`
  if (ctx.world.nonces.has(nonce)) throw new Error('nonce already used')
  const token = oauth.get('oauth_token')
  const secret = token ? tokenSecret(token) : ''
  if (secret === null) throw new Error('invalid token')
  const all = [...(header ?? []), ...query, ...form]
  const key = `${oauthEncode(client.clientSecret)}&${oauthEncode(secret)}`
  const given = oauth.get('oauth_signature') ?? ''
  for (const url of [routed.realUrl, routed.ownUrl]) {
    if (await hmacSha1(key, signatureBaseString(req.method, url, all)) === given) {
      ctx.world.nonces.add(nonce)
      return { client, oauth }
    }
  }
  throw new Error('invalid signature')
}

const formReply = (fields: Record<string, string>) =>
  toResponse({
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  })

const unauthorized = (message: string) => toResponse({ status: 401, body: message })

export async function requestToken(ctx: SimContext, routed: Routed, req: Request) {
  routed.note.endpoint = 'oauth1.request_token'
  const body = await readBody(req)
  let signed: SignedRequest
  try {
    signed = await verifySignature(ctx, routed, req, body, () => null)
  } catch (e) {
    return unauthorized((e as Error).message)
  }
  const callback = signed.oauth.get('oauth_callback') ?? ''
  if (!callback || (callback !== 'oob' && !signed.client.redirectUris.includes(callback))) {
    return unauthorized('oauth_callback must be a registered callback URL')
  }
  const token = ctx.world.secret('', 32)
  const secret = ctx.world.secret('', 32)
  ctx.world.requestTokens.set(token, {
    clientId: signed.client.clientId,
    secret,
    callback,
    verifier: null,
    accountKey: null,
    scopes: [],
    expiration: null,
    used: false,
  })
  return formReply({
    oauth_token: token,
    oauth_token_secret: secret,
    oauth_callback_confirmed: 'true',
  })
}

export async function authorizeToken(
  ctx: SimContext,
  routed: Routed,
  q: OAuth1Quirks,
  req: Request,
) {
  routed.note.endpoint = 'oauth1.authorize'
  if (req.method === 'POST') return await submitConsent(ctx, routed, req)
  const p = routed.realUrl.searchParams
  const token = p.get('oauth_token') ?? ''
  const rt = ctx.world.requestTokens.get(token)
  const name = routed.provider.displayName
  if (!rt || rt.used) return errorPage(name, 'Invalid or expired request token.')
  const scopes = (p.get('scope') ?? 'read').split(q.scopeSeparator).map((s) => s.trim())
  if (scopes.some((s) => !/^[a-z]+$/.test(s))) {
    return errorPage(name, `scope must be a comma-separated list (read,write,account).`)
  }
  rt.scopes = scopes
  rt.expiration = p.get('expiration')
  const client = ctx.world.clients.get(rt.clientId)!
  return startConsent(
    ctx,
    routed,
    {
      provider: routed.provider.id,
      clientId: client.clientId,
      host: routed.realUrl.host,
      redirectUri: rt.callback,
      state: null,
      scopes,
      userScopes: [],
      challenge: null,
      challengeMethod: null,
      params: Object.fromEntries(p),
      requestToken: token,
    },
    client,
    p.get('login_hint'),
  )
}

const EXPIRATIONS: Record<string, number | null> = {
  never: null,
  '1hour': 3600,
  '1day': 86400,
  '30days': 30 * 86400,
}

export async function accessToken(ctx: SimContext, routed: Routed, req: Request) {
  routed.note.endpoint = 'oauth1.access_token'
  const w = ctx.world
  const body = await readBody(req)
  let signed: SignedRequest
  try {
    signed = await verifySignature(
      ctx,
      routed,
      req,
      body,
      (t) => w.requestTokens.get(t)?.secret ?? null,
    )
  } catch (e) {
    return unauthorized((e as Error).message)
  }
  const token = signed.oauth.get('oauth_token')!
  const rt = w.requestTokens.get(token)!
  if (rt.used || rt.clientId !== signed.client.clientId || !rt.accountKey) {
    return unauthorized('invalid token')
  }
  if (!rt.verifier || signed.oauth.get('oauth_verifier') !== rt.verifier) {
    return unauthorized('invalid verifier')
  }
  rt.used = true
  routed.note.account = rt.accountKey
  const grant = {
    id: w.secret('grant_', 16),
    provider: routed.provider.id,
    clientId: rt.clientId,
    accountKey: rt.accountKey,
    scopes: rt.scopes,
    userScopes: [],
    authorizeParams: { expiration: rt.expiration ?? '' },
    alive: true,
    createdAt: ctx.now(),
  }
  w.grants.set(grant.id, grant)
  // Trello's default expiration is 30 days; `expiration=never` makes a token that never expires.
  const expiration = rt.expiration && rt.expiration in EXPIRATIONS ? rt.expiration : '30days'
  const ttl = EXPIRATIONS[expiration]
  const access = w.secret('ATTA', 60)
  const secret = w.secret('', 32)
  w.accessTokens.set(access, {
    grantId: grant.id,
    expiresAt: ttl === null ? null : ctx.now() + ttl * 1000,
    alive: true,
    secret,
  })
  return formReply({ oauth_token: access, oauth_token_secret: secret })
}
