// The control API over HTTP under /__simulator/ (JSON in, JSON out), mirroring SimulatorControl.

import type { SimulatorControl } from './control.ts'
import type { ProviderFaultSpec } from './faults.ts'
import { toResponse } from './http.ts'
import type { ProviderLogFilter } from './request-log.ts'

type Handler = (m: RegExpExecArray, body: Record<string, unknown>, url: URL) => unknown

const optionalString = (v: unknown) => (typeof v === 'string' ? v : undefined)

export function createControlHttp(c: SimulatorControl): (req: Request) => Promise<Response> {
  const routes: Array<[string, RegExp, Handler]> = [
    ['GET', /^\/$/, () => ({
      baseUrl: c.baseUrl,
      now: new Date(c.now()).toISOString(),
      providers: c.providers(),
    })],
    ['POST', /^\/reset$/, () => (c.reset(), { ok: true })],
    ['POST', /^\/clock\/advance$/, (_m, b) => {
      c.advanceClock(Number(b.ms ?? 0) + Number(b.seconds ?? 0) * 1000)
      return { now: new Date(c.now()).toISOString() }
    }],
    ['GET', /^\/providers$/, () => c.providers()],
    ['GET', /^\/providers\/([^/]+)$/, (m) => c.provider(m[1])],
    ['POST', /^\/providers\/([^/]+)\/clients$/, (m, b) => c.registerClient(m[1], b)],
    ['GET', /^\/clients\/([^/]+)$/, (m) => c.client(decodeURIComponent(m[1]))],
    ['PATCH', /^\/clients\/([^/]+)$/, (m, b) => c.updateClient(decodeURIComponent(m[1]), b)],
    ['POST', /^\/providers\/([^/]+)\/accounts$/, (m, b) =>
      c.createAccount(m[1], {
        key: String(b.key ?? ''),
        name: optionalString(b.name),
        items: typeof b.items === 'number' ? b.items : undefined,
      })],
    ['GET', /^\/providers\/([^/]+)\/accounts\/([^/]+)$/, (m) => c.account(m[1], m[2])],
    ['GET', /^\/providers\/([^/]+)\/accounts\/([^/]+)\/items$/, (m) => c.items(m[1], m[2])],
    ['POST', /^\/providers\/([^/]+)\/accounts\/([^/]+)\/api-keys$/, (m) => ({
      apiKey: c.createApiKey(m[1], m[2]),
    })],
    [
      'POST',
      /^\/providers\/([^/]+)\/accounts\/([^/]+)\/tokens$/,
      (m, b) =>
        c.issueTokens(m[1], m[2], {
          clientId: optionalString(b.clientId),
          scopes: Array.isArray(b.scopes) ? b.scopes.map(String) : undefined,
          authorizeParams: b.authorizeParams as Record<string, string> | undefined,
          tokenParams: b.tokenParams as Record<string, string> | undefined,
        }),
    ],
    ['POST', /^\/providers\/([^/]+)\/expire-access-tokens$/, (m, b) => ({
      expired: c.expireAccessTokens(m[1], optionalString(b.account)),
    })],
    ['POST', /^\/providers\/([^/]+)\/kill-grants$/, (m, b) => ({
      killed: c.killGrants(m[1], optionalString(b.account)),
    })],
    ['GET', /^\/providers\/([^/]+)\/grants$/, (m) => c.grants(m[1])],
    ['POST', /^\/providers\/([^/]+)\/reset-credentials$/, (m, b) => ({
      reset: c.resetCredentials(m[1], optionalString(b.account)),
    })],
    ['GET', /^\/faults$/, () => ({ faults: c.listFaults() })],
    ['POST', /^\/faults$/, (_m, b) => c.injectFault(b as unknown as ProviderFaultSpec)],
    ['DELETE', /^\/faults$/, () => (c.clearFaults(), { ok: true })],
    ['GET', /^\/requests$/, (_m, _b, url) => {
      const p = url.searchParams
      const filter: ProviderLogFilter = {
        provider: p.get('provider') ?? undefined,
        endpoint: p.get('endpoint') ?? undefined,
        account: p.get('account') ?? undefined,
        sinceSeq: p.has('sinceSeq') ? Number(p.get('sinceSeq')) : undefined,
      }
      const requests = c.requests(filter)
      return { count: requests.length, lastSeq: c.lastRequestSeq(), requests }
    }],
    ['DELETE', /^\/requests$/, () => (c.clearRequests(), { ok: true })],
  ]

  return async (req: Request) => {
    const url = new URL(req.url)
    const sub = url.pathname.replace(/^\/__simulator/, '') || '/'
    for (const [method, pattern, handler] of routes) {
      const m = pattern.exec(sub)
      if (!m || method !== req.method) continue
      let body: Record<string, unknown> = {}
      if (req.method !== 'GET' && req.method !== 'DELETE') {
        const text = await req.text()
        try {
          body = text ? JSON.parse(text) : {}
        } catch {
          return toResponse({ status: 400, body: { error: 'body must be JSON' } })
        }
      }
      try {
        const created = req.method === 'POST' &&
          /\/(clients|accounts|api-keys|tokens)$|^\/faults$/.test(sub)
        return toResponse({ status: created ? 201 : 200, body: handler(m, body, url) ?? null })
      } catch (e) {
        return toResponse({
          status: 400,
          body: { error: e instanceof Error ? e.message : String(e) },
        })
      }
    }
    return toResponse({ status: 404, body: { error: `no control route ${req.method} ${sub}` } })
  }
}
