// Each provider's small API: who am I, one list resource with the provider's pagination, one
// create, and its identity lookups; authenticated the ways the provider accepts (Bearer, OAuth
// 1.0a signature, Basic ISU or API key) and failing in the provider's own error shapes.

import type { Routed, SimContext } from './context.ts'
import {
  accountParam,
  basicCredentials,
  bearerToken,
  readBody,
  requestParams,
  safeDecode,
  toResponse,
} from './http.ts'
import { oauthHeaderParams, verifySignature } from './oauth1.ts'
import type {
  ApiContext,
  ApiErrorContext,
  ApiErrorKind,
  ApiQuirks,
  ListPage,
  ListQuirks,
  Reply,
  RouteQuirks,
} from './quirks.ts'
import type { Account, Grant } from './world.ts'

type Found =
  | { kind: 'route'; route: RouteQuirks; params: Record<string, string> }
  | { kind: 'list'; list: ListQuirks; params: Record<string, string>; continued: boolean }
  | { kind: 'create'; params: Record<string, string> }

/** Matches `/ex/jira/{cloudId}/...` against a path; null when it does not match. */
function matchPath(template: string, path: string): Record<string, string> | null {
  const names: string[] = []
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_a, n) => {
    names.push(n)
    return '([^/]+)'
  })
  const m = new RegExp(`^${pattern}/?$`).exec(path)
  if (!m) return null
  const values = names.map((_n, i) => safeDecode(m[i + 1]))
  if (values.some((v) => v === null)) return null
  return Object.fromEntries(names.map((n, i) => [n, values[i]!]))
}

const methodMatches = (want: string, got: string) => want === 'ANY' || want === got

function findRoute(q: ApiQuirks, method: string, path: string): Found | null {
  for (const route of [q.me, ...(q.routes ?? [])]) {
    const params = methodMatches(route.method, method) ? matchPath(route.path, path) : null
    if (params) return { kind: 'route', route, params }
  }
  if (methodMatches(q.list.method, method)) {
    const params = matchPath(q.list.path, path)
    if (params) return { kind: 'list', list: q.list, params, continued: false }
  }
  if (q.list.continuePath && method === 'POST') {
    const params = matchPath(q.list.continuePath, path)
    if (params) return { kind: 'list', list: q.list, params, continued: true }
  }
  if (q.create.method === method) {
    const params = matchPath(q.create.path, path)
    if (params) return { kind: 'create', params }
  }
  return null
}

/** The provider's answer for a kind of failure; a revoked token is `invalid` unless it says more. */
export function apiError(q: ApiQuirks, kind: ApiErrorKind | 'revoked', c: ApiErrorContext): Reply {
  if (kind === 'revoked') return q.revoked?.(c) ?? q.error('invalid', c)
  return q.error(kind, c)
}

class ApiFailure extends Error {
  constructor(readonly kind: ApiErrorKind | 'revoked', message?: string) {
    super(message)
  }
}

interface Caller {
  account: Account
  grant: Grant | null
  token: string | null
}

export async function handleApi(
  ctx: SimContext,
  routed: Routed,
  rest: string,
  req: Request,
): Promise<Response> {
  const q = routed.provider.api
  const now = ctx.now()
  const fail = (kind: ApiErrorKind | 'revoked', message?: string) =>
    withHeaders(apiError(q, kind, { message, retryAfterSeconds: 0, resetAt: 0, now }), q, now)
  routed.note.endpoint = 'api'
  const found = findRoute(q, req.method, rest || '/')
  if (!found) {
    routed.note.endpoint = 'api.unknown'
    return toResponse(fail('not-found', `no route ${req.method} ${rest}`))
  }
  routed.note.endpoint = found.kind === 'route'
    ? `api.${found.route === q.me ? 'me' : found.route.path}`
    : `api.${found.kind}`
  for (const [header, pattern] of Object.entries(q.requiredHeaders ?? {})) {
    const value = req.headers.get(header)
    if (!value || !pattern.test(value)) {
      return toResponse(fail(
        'bad-request',
        `${header} header failed validation: it should be defined, instead was \`${value}\`.`,
      ))
    }
  }
  const body = await readBody(req)
  try {
    const tokenIn = found.kind === 'route' ? found.route.tokenIn : undefined
    const caller = tokenIn
      ? byToken(ctx, routed, found.params[tokenIn.path] ?? '')
      : await authenticate(ctx, routed, req, body)
    const bound = accountParam(routed.params)
    if (bound !== null && bound !== caller.account.key) throw new ApiFailure('invalid')
    if (found.params.cloudId !== undefined && found.params.cloudId !== caller.account.uuid) {
      throw new ApiFailure('not-found', 'No site with this cloud id is accessible.')
    }
    routed.note.account = caller.account.key
    const params = requestParams(routed.realUrl, body)
    const actx: ApiContext = {
      world: ctx.world,
      account: caller.account,
      grant: caller.grant,
      url: routed.realUrl,
      params,
      body: body.json,
      pathParams: { ...routed.params, ...found.params },
      now,
      token: caller.token,
      publicUrl: routed.publicUrl,
    }
    let reply: Reply
    if (found.kind === 'route') {
      reply = found.route.handle(actx)
    } else if (found.kind === 'list') {
      reply = list(found.list, actx, found.continued, routed.provider.id)
    } else {
      const name = q.create.name(body.json, params)
      if (!name) throw new ApiFailure('bad-request', 'the request body is missing a name')
      reply = q.create.render(ctx.world.addItem(caller.account, name, now), actx)
    }
    return toResponse(withHeaders(reply, q, now))
  } catch (e) {
    if (!(e instanceof ApiFailure)) throw e
    return toResponse(fail(e.kind, e.message || undefined))
  }
}

function withHeaders(reply: Reply, q: ApiQuirks, now: number): Reply {
  return q.headers ? { ...reply, headers: { ...q.headers(now), ...reply.headers } } : reply
}

/** An access token's caller, or why it is refused (invalid/revoked vs. expired). */
function byToken(ctx: SimContext, routed: Routed, token: string): Caller {
  const w = ctx.world
  const stored = w.accessTokens.get(token)
  const grant = stored ? w.grants.get(stored.grantId) : undefined
  if (!stored || !grant || grant.provider !== routed.provider.id) throw new ApiFailure('invalid')
  // A killed grant marks its access tokens dead too, except where revocation leaves them (HubSpot).
  if (!stored.alive) throw new ApiFailure('revoked')
  if (stored.expiresAt !== null && ctx.now() >= stored.expiresAt) throw new ApiFailure('expired')
  return { account: w.account(grant.provider, grant.accountKey)!, grant, token }
}

function byApiKey(ctx: SimContext, routed: Routed, key: string): Caller {
  const account = ctx.world.accountsOf(routed.provider.id).find((a) => a.apiKeys.includes(key))
  if (!account) throw new ApiFailure('invalid')
  return { account, grant: null, token: null }
}

async function authenticate(
  ctx: SimContext,
  routed: Routed,
  req: Request,
  body: Awaited<ReturnType<typeof readBody>>,
): Promise<Caller> {
  const q = routed.provider.api
  const query = routed.realUrl.searchParams
  for (const credential of q.credentials) {
    switch (credential) {
      case 'bearer': {
        const token = bearerToken(req)
        if (token) return byToken(ctx, routed, token)
        break
      }
      case 'oauth1': {
        if (!oauthHeaderParams(req)) break
        try {
          const signed = await verifySignature(ctx, routed, req, body, (t) => {
            const stored = ctx.world.accessTokens.get(t)
            return stored?.secret ?? null
          })
          return byToken(ctx, routed, signed.oauth.get('oauth_token') ?? '')
        } catch (e) {
          if (e instanceof ApiFailure) throw e
          throw new ApiFailure('invalid')
        }
      }
      case 'trello-key-token': {
        const key = query.get('key')
        const token = query.get('token')
        if (!key || !token) break
        const caller = byToken(ctx, routed, token)
        if (caller.grant?.clientId !== key) throw new ApiFailure('invalid')
        return caller
      }
      case 'basic-isu': {
        const basic = basicCredentials(req)
        if (!basic) break
        const account = ctx.world.account(routed.provider.id, accountParam(routed.params) ?? '')
        if (!account || account.isu.username !== basic[0] || account.isu.password !== basic[1]) {
          throw new ApiFailure('invalid')
        }
        return { account, grant: null, token: null }
      }
      case 'basic-api-key': {
        const basic = basicCredentials(req)
        if (!basic) break
        // BambooHR: `<key>:x`; Zendesk: `<email>/token:<key>`.
        return byApiKey(ctx, routed, basic[0].endsWith('/token') ? basic[1] : basic[0])
      }
      case 'query-api-token': {
        const key = query.get('api_token')
        if (key) return byApiKey(ctx, routed, key)
        break
      }
      case 'header-private-token': {
        const key = req.headers.get('private-token')
        if (key) return byApiKey(ctx, routed, key)
        break
      }
    }
  }
  throw new ApiFailure('invalid')
}

function encodeCursor(provider: string, offset: number, limit: number): string {
  return btoa(`${provider}:${offset}:${limit}`).replaceAll('=', '')
}

function decodeCursor(provider: string, cursor: string): [number, number] | null {
  try {
    const [p, offset, limit] = atob(cursor).split(':')
    const o = Number(offset)
    const l = Number(limit)
    return p === provider && Number.isInteger(o) && o >= 0 && Number.isInteger(l) && l > 0
      ? [o, l]
      : null
  } catch {
    return null
  }
}

function positiveInt(raw: string | null, fallback: number, name: string): number {
  if (raw === null || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) throw new ApiFailure('bad-request', `${name} is not valid`)
  return n
}

/** One page of the account's records, positioned the provider's way. */
function list(l: ListQuirks, ctx: ApiContext, continued: boolean, provider: string): Reply {
  const items = ctx.account.items
  let limit = Math.min(
    l.maxLimit,
    positiveInt(ctx.params.get(l.limitParam), l.defaultLimit, l.limitParam),
  )
  if (limit === 0) throw new ApiFailure('bad-request', `${l.limitParam} must be at least 1`)
  let offset = 0
  const position = continued ? ctx.params.get('cursor') : ctx.params.get(l.positionParam)
  if (l.position === 'none') {
    limit = Math.max(items.length, 1)
  } else if (l.position === 'offset') {
    offset = positiveInt(position, 0, l.positionParam)
  } else if (l.position === 'page') {
    const page = positiveInt(position, 1, l.positionParam)
    if (page < 1) throw new ApiFailure('bad-request', `${l.positionParam} must be at least 1`)
    offset = (page - 1) * limit
  } else if (position) {
    const decoded = decodeCursor(provider, position)
    if (!decoded) throw new ApiFailure('bad-request', `${l.positionParam} is not a valid cursor`)
    ;[offset, limit] = continued ? decoded : [decoded[0], limit]
  } else if (continued) {
    throw new ApiFailure('bad-request', 'cursor is required')
  }
  const end = offset + limit
  const more = end < items.length
  const next = !more
    ? null
    : l.position === 'cursor'
    ? encodeCursor(provider, end, limit)
    : l.position === 'page'
    ? String(Math.floor(offset / limit) + 2)
    : String(end)
  let nextRealUrl: string | null = null
  if (next !== null && !continued) {
    const url = new URL(ctx.url)
    url.searchParams.set(l.positionParam, next)
    if (!url.searchParams.has(l.limitParam) && l.position !== 'cursor') {
      url.searchParams.set(l.limitParam, String(limit))
    }
    nextRealUrl = url.toString()
  }
  const page: ListPage = {
    items: items.slice(offset, end),
    next,
    limit,
    offset,
    total: items.length,
    nextUrl: nextRealUrl && ctx.publicUrl(nextRealUrl),
    nextRealUrl,
  }
  return l.render(page, ctx)
}
