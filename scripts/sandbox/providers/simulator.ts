// The provider simulator as a fetch handler: `/<real host>/<path>` is routed to the provider
// serving that host (OAuth endpoints first, then its API), faults and the request log wrap
// every call, and `/__simulator/` is the control API.

import { createClock } from '../salesforce/clock.ts'
import { PROVIDERS } from './config.ts'
import type { Routed, SimContext, SimOptions } from './context.ts'
import { createControl, requiresPkce, type SimulatorControl } from './control.ts'
import { createControlHttp } from './control-http.ts'
import { ProviderFaults } from './faults.ts'
import { handleApi } from './api.ts'
import { compileTemplate, matchTemplate, type Template, toResponse } from './http.ts'
import { accessToken, authorizeToken, requestToken } from './oauth1.ts'
import { authorize, revoke, token } from './oauth2.ts'
import type { ProviderQuirks } from './quirks.ts'
import { ProviderRequestLog, redact } from './request-log.ts'
import { type Client, World } from './world.ts'

export interface ProviderSimulatorOptions {
  /** The simulator's own base URL (what `npm start` prints); set by the server once listening. */
  baseUrl?: string
  /** Seed for ids, tokens and data (default 7). */
  seed?: number
  /** Start of the simulator's clock (default: now). */
  now?: number | string
  /** Approve authorize requests without the consent page (default false; clients may override). */
  autoApprove?: boolean
  /** Authorization code lifetime (default 600 s). */
  codeTtlSeconds?: number
  /** Accounts seeded per provider (default `acme` and `globex`). */
  accounts?: string[]
  /** Records seeded per account (default 7). */
  itemsPerAccount?: number
  /**
   * Redirect URIs of the default client each provider gets at start and reset
   * (`sim-<provider>-client-id` / `sim-<provider>-client-secret`); default none registered.
   */
  callbackUrls?: (provider: string) => string[]
}

export interface ProviderSimulator {
  fetch(req: Request): Promise<Response>
  control: SimulatorControl
}

/** One route of the table: a URL template and what serves it. */
interface Route {
  provider: ProviderQuirks
  template: Template
  prefix: boolean
  /** What faults aimed at `token` or `api` calls match. */
  kind: 'token' | 'api' | 'other'
  serve(ctx: SimContext, routed: Routed, req: Request, rest: string): Promise<Response>
}

function routesOf(p: ProviderQuirks): Route[] {
  const exact = (url: string, serve: Route['serve'], kind: Route['kind'] = 'other'): Route => ({
    provider: p,
    template: compileTemplate(url),
    prefix: false,
    kind,
    serve,
  })
  const routes: Route[] = []
  for (const q of [p.auth, p.oauthVariant]) {
    if (q?.kind === 'oauth2') {
      routes.push(exact(q.authorizeUrl, (c, r, req) => authorize(c, r, q, req)))
      routes.push(exact(q.tokenUrl, (c, r, req) => token(c, r, q, req), 'token'))
      if (q.revoke) {
        const rq = q.revoke
        routes.push(exact(rq.url, (c, r, req) => revoke(c, r, rq, req)))
      }
    } else if (q?.kind === 'oauth1') {
      routes.push(exact(q.requestTokenUrl, (c, r, req) => requestToken(c, r, req), 'token'))
      routes.push(exact(q.authorizeUrl, (c, r, req) => authorizeToken(c, r, q, req)))
      routes.push(exact(q.accessTokenUrl, (c, r, req) => accessToken(c, r, req), 'token'))
      if (q.revoke) {
        const rq = q.revoke
        routes.push(exact(rq.url, (c, r, req) => revoke(c, r, rq, req)))
      }
    }
  }
  routes.push({
    provider: p,
    template: compileTemplate(p.api.base, true),
    prefix: true,
    kind: 'api',
    serve: (c, r, req, rest) => handleApi(c, r, rest, req),
  })
  return routes
}

/** Exact OAuth endpoints before API prefixes: HubSpot's token URL lives on its API host. */
const ROUTES: Route[] = PROVIDERS.flatMap(routesOf).sort((a, b) =>
  Number(a.prefix) - Number(b.prefix)
)

export const PROVIDER_IDS: readonly string[] = PROVIDERS.map((p) => p.id)

export function createProviderSimulator(opts: ProviderSimulatorOptions = {}): ProviderSimulator {
  const start = typeof opts.now === 'string' ? Date.parse(opts.now) : opts.now
  const clock = createClock(start)
  const options: SimOptions = {
    autoApprove: opts.autoApprove ?? false,
    codeTtlSeconds: opts.codeTtlSeconds ?? 600,
  }
  const seed = opts.seed ?? 7
  const ctx: SimContext = { world: seedWorld(), options, now: () => clock.now() }
  const faults = new ProviderFaults()
  const log = new ProviderRequestLog()
  let baseUrl = opts.baseUrl ?? 'http://127.0.0.1:54331'

  function seedWorld(): World {
    const world = new World(seed)
    const keys = opts.accounts ?? World.defaultKeys(2)
    for (const p of PROVIDERS) {
      for (const key of keys) {
        world.addAccount(p.id, { key }, opts.itemsPerAccount ?? 7, clock.now())
      }
      const callbacks = opts.callbackUrls?.(p.id) ?? []
      if (callbacks.length > 0) {
        world.clients.set(`sim-${p.id}-client-id`, defaultClient(p, callbacks))
      }
    }
    return world
  }

  const control = createControl({
    ctx,
    faults,
    log,
    clock,
    baseUrl: () => baseUrl,
    setBaseUrl: (url) => (baseUrl = url.replace(/\/$/, '')),
    reset: () => {
      ctx.world = seedWorld()
      faults.clear()
      log.clear()
    },
  })
  const controlHttp = createControlHttp(control)

  async function serve(req: Request): Promise<Response> {
    const own = new URL(req.url)
    if (own.pathname === '/__simulator' || own.pathname.startsWith('/__simulator/')) {
      return await controlHttp(req)
    }
    // `/<host>/<path>`: anything but a plain host name matches no route (404 below).
    const m = /^\/([a-z0-9.-]+)(\/.*)?$/i.exec(own.pathname)
    const host = m?.[1].toLowerCase() ?? ''
    const path = m?.[2] ?? '/'
    const realUrl = new URL(`https://${host || 'unknown.invalid'}${path}${own.search}`)
    let route: Route | undefined
    let match: ReturnType<typeof matchTemplate> = null
    for (const r of ROUTES) {
      match = matchTemplate(r.template, host, path)
      if (match) {
        route = r
        break
      }
    }
    const note = { endpoint: 'unknown', account: null as string | null }
    const started = ctx.now()
    let response: Response
    let fault: string | null = null
    let body: { clientAuth: string | null; format: string | null } = {
      clientAuth: null,
      format: null,
    }
    if (!route || !match) {
      response = toResponse({
        status: 404,
        body: { error: 'not_found', message: `The simulator serves no ${host} ${path}` },
      })
    } else {
      const routed: Routed = {
        provider: route.provider,
        realUrl,
        ownUrl: own,
        params: match.params,
        note,
        publicUrl: control.simulatorUrl,
      }
      const endpoint = route.kind
      const tripped = faults.take({ provider: route.provider.id, endpoint, path })
      if (endpoint === 'token') body = describeTokenRequest(req)
      if (tripped) {
        fault = tripped.id
        note.endpoint = endpoint === 'api' ? 'api' : 'oauth.token'
        const retryAfterSeconds = tripped.retryAfterSeconds ?? 2
        const kind = tripped.kind === '429'
          ? 'rate-limited'
          : tripped.kind === '503'
          ? 'unavailable'
          : 'expired'
        response = toResponse(route.provider.api.error(kind, {
          retryAfterSeconds,
          resetAt: Math.floor(started / 1000) + retryAfterSeconds,
          now: started,
        }))
      } else {
        try {
          response = await route.serve(ctx, routed, req, match.rest)
        } catch (e) {
          // A simulator bug or an input it cannot parse: a 500 the test sees and the log keeps.
          response = toResponse({
            status: 500,
            body: { error: 'simulator_error', message: e instanceof Error ? e.message : String(e) },
          })
        }
      }
    }
    const w = ctx.world
    log.add({
      at: new Date(started).toISOString(),
      provider: route?.provider.id ?? null,
      host,
      method: req.method,
      path: redact(
        realUrl,
        (s) =>
          w.accessTokens.has(s) || w.refreshTokens.has(s) || w.codes.has(s) ||
          w.requestTokens.has(s),
      ),
      endpoint: note.endpoint,
      account: note.account,
      status: response.status,
      fault,
      ...body,
    })
    return response
  }

  return { fetch: serve, control }
}

/** How a token request authenticated the client and encoded its body (for the request log). */
function describeTokenRequest(req: Request) {
  const auth = req.headers.get('authorization') ?? ''
  const type = (req.headers.get('content-type') ?? '').toLowerCase()
  return {
    clientAuth: /^basic /i.test(auth) ? 'basic' : /^oauth /i.test(auth) ? 'oauth1' : 'body',
    format: type.includes('json') ? 'json' : type.includes('form') ? 'form' : type || null,
  }
}

/** The client each provider has at start when callback URLs are configured. */
export function defaultClient(p: ProviderQuirks, redirectUris: string[]): Client {
  return {
    provider: p.id,
    clientId: `sim-${p.id}-client-id`,
    clientSecret: `sim-${p.id}-client-secret`,
    redirectUris,
    requirePkce: requiresPkce(p),
    autoApprove: null,
    tokenRotation: false,
  }
}

export type { SimulatorControl }
