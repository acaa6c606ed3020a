// The HubSpot sandbox as a fetch handler: one function per real host (app.hubspot.com for the
// install page, api.hubapi.com for OAuth tokens and the CRM), faults and latency, rate limits,
// the request log, webhooks, and the control API under /__sandbox/.

import { type Clock, createClock } from '../salesforce/clock.ts'
import { sleep } from '../salesforce/sandbox.ts'
import { Faults, severedResponse } from '../salesforce/faults.ts'
import { redactedPath, RequestLog } from '../salesforce/request-log.ts'
import { createControl, type HubSpotControl } from './control.ts'
import { createControlHttp } from './control-http.ts'
import { matchApiRoute } from './crm.ts'
import { HUBSPOT_FAULT_KINDS, type HubSpotFaultKind, hubspotFaultResponse } from './faults.ts'
import { apiError, html } from './http.ts'
import { RateLimits } from './limits.ts'
import {
  accessTokenInfo,
  authorize,
  handleAuthorize,
  handleToken,
  type OAuthEnv,
  refreshTokenInfo,
  revokeByForm,
  revokeRefreshToken,
  TokenStore,
} from './oauth.ts'
import { type CreatePortalOptions, type RegisterAppOptions, SandboxState } from './state.ts'
import { Webhooks, type WebhookSend } from './webhooks.ts'

/** The real hosts the sandbox stands in for. */
export const HUBSPOT_HOSTS = { app: 'app.hubspot.com', api: 'api.hubapi.com' } as const
export type HubSpotHost = typeof HUBSPOT_HOSTS[keyof typeof HUBSPOT_HOSTS]

export interface PortalSeed extends CreatePortalOptions {
  /** An app registered with the portal created (false or absent: none). */
  app?: RegisterAppOptions | false
}

export interface HubSpotSandboxOptions {
  /**
   * The sandbox's own base URL: `<base>/app` stands for https://app.hubspot.com and `<base>/api`
   * for https://api.hubapi.com. startHubSpotSandbox sets it to the listening address.
   */
  baseUrl?: string
  /** Seed for generated data (default 1). */
  seed?: number
  /** Start time of the sandbox clock (default: now). */
  now?: number | string
  /**
   * Stop the clock: time moves only by `control.advanceClock`, so token lifetimes, rate windows
   * and search lag are exact in tests (default false: it runs at wall-clock speed).
   */
  freezeClock?: boolean
  /** Approve installs without the consent page (default false; apps may override). */
  autoApprove?: boolean
  /** Portals created at start and again on reset. */
  portals?: PortalSeed[]
  /** How webhooks are sent (default: the global fetch); tests may deliver in process. */
  webhookFetch?: WebhookSend
  /** Request log entries kept (default 100,000). */
  logLimit?: number
}

export interface HubSpotSandbox {
  /** Serves `<base>/app/…`, `<base>/api/…`, `/__sandbox/…`, or URLs on the real hosts. */
  fetch(req: Request): Promise<Response>
  /**
   * Serves one real host: `req`'s path is the path on that host (e.g. `/crm/v3/objects/contacts`).
   * A generic provider simulator can delegate HubSpot's hosts here.
   */
  handleHost(host: HubSpotHost, req: Request): Promise<Response>
  control: HubSpotControl
  /** Releases hung requests; call before shutting a server down. */
  close(): void
}

export interface Urls {
  base: string
  app: string
  api: string
}

export function createHubSpotSandbox(options: HubSpotSandboxOptions = {}): HubSpotSandbox {
  const start = options.now === undefined
    ? undefined
    : typeof options.now === 'number'
    ? options.now
    : Date.parse(options.now)
  const clock = options.freezeClock ? frozenClock(start ?? Date.now()) : createClock(start)
  const state = new SandboxState(clock, options.seed ?? 1)
  const tokens = new TokenStore()
  const oauth: OAuthEnv = { state, tokens, clock, autoApprove: options.autoApprove ?? false }
  const limits = new RateLimits()
  const faults = new Faults<HubSpotFaultKind>(HUBSPOT_FAULT_KINDS)
  const log = new RequestLog(options.logLimit)
  const webhooks = new Webhooks(
    state,
    tokens,
    clock,
    options.webhookFetch ?? ((url, init) => globalThis.fetch(url, init)),
  )
  const closing = new AbortController()
  const base = (options.baseUrl ?? 'http://localhost:54332').replace(/\/$/, '')
  const urls: Urls = { base, app: `${base}/app`, api: `${base}/api` }

  const seedPortals = () => {
    for (const { app, ...p } of options.portals ?? []) {
      state.createPortal(p)
      if (app) state.registerApp(app)
    }
  }
  seedPortals()
  const control = createControl({
    state,
    tokens,
    clock,
    limits,
    faults,
    log,
    webhooks,
    urls,
    reset() {
      state.clear()
      tokens.clear()
      limits.clear()
      faults.clear()
      log.clear()
      webhooks.clear()
      seedPortals()
    },
  })
  const controlHttp = createControlHttp(control)

  async function handleHost(host: HubSpotHost, req: Request): Promise<Response> {
    const started = performance.now()
    const url = new URL(req.url)
    const path = url.pathname
    const portalId = tokens.portalOf(req)
    const endpoint = classify(host, req.method, path)
    const target = { path, method: req.method, orgId: portalId === null ? null : String(portalId) }
    const delay = faults.delayFor(target)
    if (delay > 0) await sleep(delay, closing.signal)
    const fault = faults.take(target)
    let res: Response
    if (!fault) {
      res = await dispatch(host, req, url)
    } else if (fault.kind === 'hang') {
      await new Promise<void>((resolve) => {
        if (req.signal.aborted || closing.signal.aborted) return resolve()
        req.signal.addEventListener('abort', () => resolve(), { once: true })
        closing.signal.addEventListener('abort', () => resolve(), { once: true })
      })
      res = severedResponse(null, null, 0)
    } else if (fault.kind === 'drop') {
      res = severedResponse(null, null, 0)
    } else if (fault.kind === 'truncate') {
      const full = await dispatch(host, req, url)
      const body = new Uint8Array(await full.arrayBuffer())
      res = severedResponse(full, body, Math.floor(body.length / 2))
    } else {
      res = hubspotFaultResponse(fault, portalId)
    }
    log.add({
      at: new Date(clock.now()).toISOString(),
      method: req.method,
      path: redactTokenPath(redactedPath(url)),
      host: host === HUBSPOT_HOSTS.app ? 'app' : 'api',
      // The portal of the token used, or of the install an OAuth call made.
      orgId: portalId === null ? null : String(portalId),
      endpoint,
      status: res.status,
      durationMs: Math.round(performance.now() - started),
      counted: res.headers.has('X-HubSpot-RateLimit-Remaining'),
      fault: fault?.kind ?? null,
    })
    // The sandbox's clock, as HubSpot's Date header gives its own (clients time their reads by
    // it); an answer that already says is left alone.
    if (!res.headers.has('date')) {
      try {
        res.headers.set('date', new Date(clock.now()).toUTCString())
      } catch {
        // Immutable headers (a severed response): no date, as a cut connection has none.
      }
    }
    return res
  }

  async function dispatch(host: HubSpotHost, req: Request, url: URL): Promise<Response> {
    const path = url.pathname
    if (host === HUBSPOT_HOSTS.app) {
      if (/^\/oauth\/(\d+\/)?authorize$/.test(path) && ['GET', 'POST'].includes(req.method)) {
        return await handleAuthorize(req, oauth)
      }
      return html('<h1>Page not found</h1>', 404)
    }
    const tokenInfo = /^\/oauth\/v1\/(access|refresh)-tokens\/([^/]+)$/.exec(path)
    if (tokenInfo) {
      const token = decodeURIComponent(tokenInfo[2])
      if (tokenInfo[1] === 'access' && req.method === 'GET') return accessTokenInfo(token, oauth)
      if (tokenInfo[1] === 'refresh' && req.method === 'GET') return refreshTokenInfo(token, oauth)
      if (tokenInfo[1] === 'refresh' && req.method === 'DELETE') {
        return revokeRefreshToken(token, oauth)
      }
    }
    if (req.method === 'POST' && path === '/oauth/v1/token') {
      return await handleToken(req, oauth, false)
    }
    if (req.method === 'POST' && /^\/oauth\/(v3|\d{4}-\d{2})\/token$/.test(path)) {
      return await handleToken(req, oauth, true)
    }
    if (req.method === 'POST' && /^\/oauth\/(v3|\d{4}-\d{2})\/token\/revoke$/.test(path)) {
      return await revokeByForm(req, oauth)
    }
    const route = matchApiRoute(req.method, path)
    if (!route) return apiError(404, 'OBJECT_NOT_FOUND', `No route for ${req.method} ${path}`)
    const auth = authorize(req, oauth, route.scope)
    if (!auth.ok) return auth.response
    const portal = state.portals.get(auth.token.portalId)
    if (!portal) {
      return apiError(401, 'INVALID_AUTHENTICATION', 'The account of this token is gone.')
    }
    const appId = state.apps.get(auth.token.clientId)?.appId ?? 0
    const verdict = limits.admit(portal, appId, route.search, clock.now())
    if (!verdict.ok) return verdict.response
    const res = await route.handle({ req, url, params: [], portal, state, now: clock.now() })
    for (const [k, v] of Object.entries(verdict.headers)) res.headers.set(k, v)
    return res
  }

  async function fetch(req: Request): Promise<Response> {
    const url = new URL(req.url)
    if (url.pathname === '/__sandbox' || url.pathname.startsWith('/__sandbox/')) {
      return await controlHttp(req)
    }
    if (url.hostname === HUBSPOT_HOSTS.app || url.hostname === HUBSPOT_HOSTS.api) {
      return await handleHost(url.hostname, req)
    }
    // The provider simulator's addressing (`/<real host>/<path>`, what PROVIDER_SIMULATOR_URL
    // rewrites to): code under test reaches this sandbox as it would the simulator.
    const hosted = /^\/(app\.hubspot\.com|api\.hubapi\.com)(\/.*)?$/.exec(url.pathname)
    if (hosted) {
      const host = hosted[1] as HubSpotHost
      const inner = new URL(`https://${host}${hosted[2] ?? '/'}${url.search}`)
      return await handleHost(host, new Request(inner, req))
    }
    const m = /^\/(app|api)(\/.*)?$/.exec(url.pathname)
    if (!m) {
      return html(
        '<h1>Not found</h1><p>Use /app/… (app.hubspot.com) or /api/… (api.hubapi.com).</p>',
        404,
      )
    }
    const host = m[1] === 'app' ? HUBSPOT_HOSTS.app : HUBSPOT_HOSTS.api
    // The host's own view of the request: its path without the sandbox's prefix.
    const inner = new URL(`https://${host}${m[2] ?? '/'}${url.search}`)
    return await handleHost(host, new Request(inner, req))
  }

  return { fetch, handleHost, control, close: () => closing.abort() }
}

/** A clock that stands still until advanced. */
function frozenClock(at: number): Clock {
  return { now: () => at, advance: (ms) => void (at += ms) }
}

/** The request log's endpoint name for a call. */
function classify(host: HubSpotHost, method: string, path: string): string {
  if (host === HUBSPOT_HOSTS.app) return path.endsWith('/authorize') ? 'oauth.authorize' : 'unknown'
  if (/^\/oauth\/v1\/access-tokens\//.test(path)) return 'oauth.access-token-info'
  if (/^\/oauth\/v1\/refresh-tokens\//.test(path)) {
    return method === 'DELETE' ? 'oauth.revoke' : 'oauth.refresh-token-info'
  }
  if (/^\/oauth\/[^/]+\/token$/.test(path)) return 'oauth.token'
  if (/^\/oauth\/[^/]+\/token\/revoke$/.test(path)) return 'oauth.revoke'
  return matchApiRoute(method, path)?.endpoint ?? 'unknown'
}

/** Tokens travel in the path of the token-info and revoke calls: never log them. */
function redactTokenPath(path: string): string {
  return path.replace(/^(\/oauth\/v1\/(?:access|refresh)-tokens\/)[^/?]+/, '$1[redacted]')
}
