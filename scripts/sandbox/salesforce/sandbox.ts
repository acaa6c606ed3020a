// The sandbox as a fetch handler: host routing, latency and faults, request log, and the control API.

import { createClock } from './clock.ts'
import { createControl, type SandboxControl } from './control.ts'
import { createControlHttp } from './control-http.ts'
import { classify } from './endpoints.ts'
import {
  type Host,
  type RequestNote,
  type ResolvedOptions,
  type SandboxEnv,
  SandboxUrls,
} from './env.ts'
import { type FaultInfo, faultResponse, Faults, severedResponse } from './faults.ts'
import { html } from './http.ts'
import { handleOAuth } from './oauth.ts'
import { restoreSnapshot, type SandboxSnapshot, takeSnapshot } from './persistence.ts'
import { QueryCursors } from './query.ts'
import { redactedPath, RequestLog } from './request-log.ts'
import { handleRest } from './rest.ts'
import { type CreateOrgOptions, SandboxState } from './state.ts'
import { TokenStore } from './tokens.ts'

export interface SalesforceSandboxOptions {
  /**
   * Public base URL the sandbox advertises (instance_url, identity URLs). startSalesforceSandbox
   * sets it to the listening address unless given.
   */
  baseUrl?: string
  /** Seed for generated data (default 1). */
  seed?: number
  /** Start time of the sandbox clock (default: now). */
  now?: number | string
  /** Approve authorize requests without showing the page (default false; apps may override). */
  autoApprove?: boolean
  /** Orgs created at start and again on reset. */
  orgs?: CreateOrgOptions[]
  /**
   * A saved world to start from instead of creating `orgs` (see persistence.ts). The connected
   * apps that `orgs` configure still follow the configuration: secret, callback URLs and name
   * are updated, and an app missing from the snapshot is registered on its org.
   */
  restore?: SandboxSnapshot
  /** Approvals per user per app before the oldest is revoked (default 5; 0 = unlimited). */
  maxApprovalsPerUser?: number
  /** Authorization code lifetime (default 15 minutes). */
  authCodeTtlSeconds?: number
  /** Query locator lifetime after last use (default 2 days, facts §2.3). */
  queryLocatorTtlSeconds?: number
  /** Max SOQL length (default 100,000 characters). */
  maxSoqlLength?: number
  /** Max request URI length (default 16,384 bytes); longer gets 414. */
  maxUriLength?: number
  minApiVersion?: number
  maxApiVersion?: number
  /** Request log entries kept (default 100,000). */
  logLimit?: number
}

export interface SalesforceSandbox {
  fetch(req: Request): Promise<Response>
  control: SandboxControl
  /** The world and tokens as they stand, for persistence.ts to write. */
  snapshot(): SandboxSnapshot
  /** Releases hung requests; call before shutting a server down. */
  close(): void
}

export function createSalesforceSandbox(options: SalesforceSandboxOptions = {}): SalesforceSandbox {
  const start = options.now === undefined
    ? undefined
    : typeof options.now === 'number'
    ? options.now
    : Date.parse(options.now)
  const clock = createClock(start)
  const resolved: ResolvedOptions = {
    autoApprove: options.autoApprove ?? false,
    maxApprovalsPerUser: options.maxApprovalsPerUser ?? 5,
    authCodeTtlMs: (options.authCodeTtlSeconds ?? 15 * 60) * 1000,
    locatorTtlMs: (options.queryLocatorTtlSeconds ?? 2 * 86_400) * 1000,
    maxSoqlLength: options.maxSoqlLength ?? 100_000,
    maxUriLength: options.maxUriLength ?? 16_384,
    minApiVersion: options.minApiVersion ?? 20,
    maxApiVersion: options.maxApiVersion ?? 65,
    seed: options.seed ?? 1,
  }
  const env: SandboxEnv = {
    state: new SandboxState(clock, resolved.seed),
    tokens: new TokenStore(),
    clock,
    options: resolved,
    urls: new SandboxUrls(options.baseUrl ?? 'http://localhost:54330'),
    cursors: new QueryCursors(),
  }
  const faults = new Faults()
  const log = new RequestLog(options.logLimit)
  const closing = new AbortController()

  const seedOrgs = () => {
    for (const o of options.orgs ?? []) env.state.createOrg(o)
  }
  const reset = () => {
    env.state.clear()
    env.tokens.clear()
    env.cursors.clear()
    faults.clear()
    log.clear()
    seedOrgs()
  }
  /** Brings the configured apps of a restored world in line with the configuration. */
  const applyConfiguredApps = () => {
    for (const o of options.orgs ?? []) {
      if (!o.app || !o.app.clientId) continue
      const { clientId, orgId: _, ...settings } = o.app
      if (env.state.apps.has(clientId)) {
        env.state.updateApp(clientId, settings)
        continue
      }
      const org = [...env.state.orgs.values()].find((org) =>
        o.myDomain ? org.myDomain === o.myDomain : org.name === o.name
      )
      if (org) env.state.registerApp({ ...o.app, orgId: org.id })
    }
  }
  if (options.restore) {
    restoreSnapshot(env, options.restore)
    applyConfiguredApps()
  } else {
    seedOrgs()
  }
  const control = createControl({ env, faults, log, reset })
  const controlHttp = createControlHttp(control)

  async function fetch(req: Request): Promise<Response> {
    const url = new URL(req.url)
    if (url.pathname === '/__sandbox' || url.pathname.startsWith('/__sandbox/')) {
      return await controlHttp(req)
    }
    const started = performance.now()
    const host = resolveHost(url.pathname, env)
    const note: RequestNote = {
      endpoint: host ? classify(req.method, host.path) : 'unknown',
      orgId: host?.host.org?.id ?? null,
      counted: false,
    }
    let fault: FaultInfo | null = null
    let res: Response
    if (!host) {
      res = html('<h1>URL No Longer Exists</h1>', 404)
    } else if (url.pathname.length + url.search.length > resolved.maxUriLength) {
      // Salesforce's edge rejects long URIs before the API sees them (facts §2.5).
      res = html('<h1>Bad Message 414</h1><pre>reason: URI Too Long</pre>', 414)
    } else {
      const target = { path: host.path, method: req.method, orgId: note.orgId }
      const delay = faults.delayFor(target)
      if (delay > 0) await sleep(delay, closing.signal)
      fault = faults.take(target)
      res = await respond(req, url, host.host, host.path, note, fault)
    }
    // The server's clock, as Salesforce's Date header gives it: clients measure the lookback of
    // a read from it (a reply that already has one keeps it).
    if (!res.headers.has('date')) res.headers.set('date', new Date(clock.now()).toUTCString())
    const entry = log.add({
      at: new Date(clock.now()).toISOString(),
      method: req.method,
      path: redactedPath(url),
      host: host?.host.kind ?? 'unknown',
      orgId: note.orgId,
      endpoint: note.endpoint,
      status: res.status,
      durationMs: Math.round(performance.now() - started),
      counted: note.counted,
      fault: fault?.kind ?? null,
    })
    const org = note.orgId ? env.state.orgs.get(note.orgId) : undefined
    if (org) {
      org.requestsByEndpoint.set(
        entry.endpoint,
        (org.requestsByEndpoint.get(entry.endpoint) ?? 0) + 1,
      )
      if (note.counted) {
        org.apiCallsByEndpoint.set(
          entry.endpoint,
          (org.apiCallsByEndpoint.get(entry.endpoint) ?? 0) + 1,
        )
      }
    }
    return res
  }

  async function respond(
    req: Request,
    url: URL,
    host: Host,
    path: string,
    note: RequestNote,
    fault: FaultInfo | null,
  ): Promise<Response> {
    if (fault) {
      switch (fault.kind) {
        case 'hang':
          // Never answers: held until the client gives up or the sandbox closes.
          await new Promise<void>((resolve) => {
            const done = () => resolve()
            if (req.signal.aborted || closing.signal.aborted) return resolve()
            req.signal.addEventListener('abort', done, { once: true })
            closing.signal.addEventListener('abort', done, { once: true })
          })
          return severedResponse(null, null, 0)
        case 'drop':
          return severedResponse(null, null, 0)
        case 'truncate': {
          const full = await dispatch(req, url, host, path, note)
          const body = new Uint8Array(await full.arrayBuffer())
          return severedResponse(full, body, Math.floor(body.length / 2))
        }
        default:
          return faultResponse(fault)
      }
    }
    return await dispatch(req, url, host, path, note)
  }

  function dispatch(
    req: Request,
    url: URL,
    host: Host,
    path: string,
    note: RequestNote,
  ): Promise<Response> | Response {
    if (path.startsWith('/services/oauth2/') || path.startsWith('/id/')) {
      return handleOAuth(req, url, path, host, env, note)
    }
    if (path === '/services/data' || path.startsWith('/services/data/')) {
      return handleRest(req, url, path, host, env, note)
    }
    return html('<h1>URL No Longer Exists</h1>', 404)
  }

  return {
    fetch,
    control,
    snapshot: () => takeSnapshot(env),
    close: () => closing.abort(),
  }
}

/** Splits `/test/...` and `/instance/<myDomain>/...` off the path (see SandboxUrls). */
function resolveHost(pathname: string, env: SandboxEnv): { host: Host; path: string } | null {
  const { urls, state } = env
  if (pathname === '/test' || pathname.startsWith('/test/')) {
    return {
      host: { kind: 'test', family: 'sandbox', org: null, base: urls.loginBase('sandbox') },
      path: pathname.slice(5) || '/',
    }
  }
  const m = /^\/instance\/([^/]+)(\/.*)?$/.exec(pathname)
  if (m) {
    const org = state.orgByDomain(m[1])
    if (!org) return null
    return {
      host: { kind: 'instance', family: org.kind, org, base: urls.instanceUrl(org) },
      path: m[2] ?? '/',
    }
  }
  return {
    host: { kind: 'login', family: 'production', org: null, base: urls.base },
    path: pathname,
  }
}

/** Waits `ms`, or less when `signal` aborts (the sandbox closing). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const t = setTimeout(() => {
      signal.removeEventListener('abort', stop)
      resolve()
    }, ms)
    const stop = () => {
      clearTimeout(t)
      resolve()
    }
    signal.addEventListener('abort', stop, { once: true })
  })
}
