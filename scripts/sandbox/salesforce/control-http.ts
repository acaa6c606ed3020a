// The control API over HTTP under /__sandbox/ (JSON in, JSON out), mirroring SandboxControl.

import type { SandboxControl } from './control.ts'
import type { FaultSpec, LatencySpec } from './faults.ts'
import { json } from './http.ts'
import { logFilterFrom } from './request-log.ts'

export type Handler = (m: RegExpExecArray, body: Record<string, unknown>, url: URL) => unknown

export function createControlHttp(control: SandboxControl): (req: Request) => Promise<Response> {
  const c = control
  const routes: Array<[string, RegExp, Handler]> = [
    ['GET', /^\/$/, () => ({
      baseUrl: c.baseUrl,
      loginUrls: { production: c.loginUrl('production'), sandbox: c.loginUrl('sandbox') },
      orgs: c.listOrgs(),
      now: new Date(c.now()).toISOString(),
    })],
    ['POST', /^\/reset$/, () => (c.reset(), { ok: true })],
    ['POST', /^\/clock\/advance$/, (_m, b) => {
      c.advanceClock(Number(b.ms ?? 0) + Number(b.seconds ?? 0) * 1000)
      return { now: new Date(c.now()).toISOString() }
    }],
    ['GET', /^\/orgs$/, () => c.listOrgs()],
    ['POST', /^\/orgs$/, (_m, b) => c.createOrg(b)],
    ['GET', /^\/orgs\/([^/]+)$/, (m) => c.getOrg(m[1])],
    ['PATCH', /^\/orgs\/([^/]+)$/, (m, b) => c.updateOrg(m[1], b)],
    ['GET', /^\/orgs\/([^/]+)\/counters$/, (m) => c.counters(m[1])],
    ['POST', /^\/orgs\/([^/]+)\/objects$/, (m, b) => c.defineObject(m[1], b as never)],
    ['DELETE', /^\/orgs\/([^/]+)\/objects\/([^/]+)$/, (m) => {
      c.removeObject(m[1], m[2])
      return { ok: true }
    }],
    [
      'POST',
      /^\/orgs\/([^/]+)\/objects\/([^/]+)\/fields$/,
      (m, b) => c.defineField(m[1], m[2], b as never),
    ],
    [
      'DELETE',
      /^\/orgs\/([^/]+)\/objects\/([^/]+)\/fields\/([^/]+)$/,
      (m) => c.removeField(m[1], m[2], m[3]),
    ],
    ['POST', /^\/orgs\/([^/]+)\/objects\/([^/]+)\/fields\/([^/]+)\/visibility$/, (m, b) => {
      c.setFieldVisible(m[1], m[2], m[3], b.visible !== false, {
        userIds: b.userIds as string[] | undefined,
      })
      return { ok: true }
    }],
    [
      'POST',
      /^\/orgs\/([^/]+)\/expire-access-tokens$/,
      (m) => ({ expired: c.expireAccessTokens(m[1]) }),
    ],
    [
      'POST',
      /^\/orgs\/([^/]+)\/revoke-refresh-tokens$/,
      (m) => ({ revoked: c.revokeRefreshTokens(m[1]) }),
    ],
    [
      'POST',
      /^\/orgs\/([^/]+)\/expire-query-locators$/,
      (m) => ({ expired: c.expireQueryLocators(m[1]) }),
    ],
    ['POST', /^\/orgs\/([^/]+)\/recycle-bin\/empty$/, (m) => ({ purged: c.emptyRecycleBin(m[1]) })],
    ['POST', /^\/orgs\/([^/]+)\/delete-log\/truncate$/, (m, b) => ({
      dropped: c.truncateDeleteLog(m[1], b.before as string | undefined),
    })],
    [
      'POST',
      /^\/orgs\/([^/]+)\/records\/([^/]+)\/hard-delete$/,
      (m, b) => ({ ids: c.hardDeleteRecords(m[1], m[2], b.ids as string[]) }),
    ],
    ['GET', /^\/orgs\/([^/]+)\/records\/([^/]+)\/purged$/, (m) => ({
      ids: c.listPurgedIds(m[1], m[2]),
    })],
    ['POST', /^\/orgs\/([^/]+)\/users\/([^/]+)\/(activate|deactivate)$/, (m) => {
      c.setUserActive(m[1], m[2], m[3] === 'activate')
      return { ok: true }
    }],
    ['GET', /^\/orgs\/([^/]+)\/records\/([^/]+)$/, (m, _b, url) => ({
      ids: c.listIds(m[1], m[2], {
        includeDeleted: url.searchParams.get('includeDeleted') === 'true',
      }),
    })],
    ['GET', /^\/orgs\/([^/]+)\/records\/([^/]+)\/([^/]+)$/, (m) => c.getRecord(m[1], m[2], m[3])],
    ['POST', /^\/orgs\/([^/]+)\/records\/([^/]+)$/, (m, b) => ({
      ids: c.insertRecords(m[1], m[2], records(b), {
        systemModstamp: b.systemModstamp as string | undefined,
        visibleAfterMs: b.visibleAfterMs as number | undefined,
      }),
    })],
    ['POST', /^\/orgs\/([^/]+)\/records\/([^/]+)\/late$/, (m, b) => ({
      ids: c.insertLateRecords(m[1], m[2], records(b), {
        secondsAgo: Number(b.secondsAgo ?? 300),
        visibleAfterMs: b.visibleAfterMs as number | undefined,
      }),
    })],
    ['PATCH', /^\/orgs\/([^/]+)\/records\/([^/]+)$/, (m, b) => ({
      ids: c.updateRecords(m[1], m[2], records(b), { systemOnly: b.systemOnly === true }),
    })],
    ['POST', /^\/orgs\/([^/]+)\/records\/([^/]+)\/touch$/, (m, b) => c.touchRecords(m[1], m[2], b)],
    [
      'POST',
      /^\/orgs\/([^/]+)\/records\/([^/]+)\/delete$/,
      (m, b) => ({ ids: c.deleteRecords(m[1], m[2], b.ids as string[]) }),
    ],
    ['POST', /^\/orgs\/([^/]+)\/records\/(Task|Event)\/archive$/, (m, b) => ({
      ids: c.archiveActivities(m[1], m[2] as 'Task' | 'Event', b.ids as string[]),
    })],
    ['POST', /^\/orgs\/([^/]+)\/records\/([^/]+)\/merge$/, (m, b) => {
      c.mergeRecords(m[1], m[2], b.masterId as string, b.loserIds as string[])
      return { ok: true }
    }],
    ['POST', /^\/apps$/, (_m, b) => c.registerApp(b)],
    ['GET', /^\/apps\/([^/]+)$/, (m) => c.getApp(m[1])],
    ['PATCH', /^\/apps\/([^/]+)$/, (m, b) => c.updateApp(m[1], b)],
    ['GET', /^\/faults$/, () => ({ faults: c.listFaults() })],
    ['POST', /^\/faults$/, (_m, b) => c.injectFault(b as unknown as FaultSpec)],
    ['DELETE', /^\/faults$/, () => (c.clearFaults(), { ok: true })],
    ['DELETE', /^\/faults\/([^/]+)$/, (m) => ({ removed: c.removeFault(m[1]) })],
    ['POST', /^\/latency$/, (_m, b) => c.addLatency(b as unknown as LatencySpec)],
    ['DELETE', /^\/latency$/, () => (c.clearLatency(), { ok: true })],
    ['GET', /^\/requests$/, (_m, _b, url) => {
      const requests = c.requests(logFilterFrom(url.searchParams, 'orgId'))
      return { count: requests.length, lastSeq: c.lastRequestSeq(), requests }
    }],
    ['DELETE', /^\/requests$/, () => (c.clearRequests(), { ok: true })],
  ]

  return controlRouter(routes, /^\/(orgs|apps|faults|latency)$/)
}

/**
 * Serves control routes under /__sandbox/: a JSON body in, the handler's result (awaited) out as
 * JSON, 201 when `created` matches a POST's path, 400 with the message when a handler throws,
 * 404 when no route matches. Shared with the HubSpot sandbox.
 */
export function controlRouter(
  routes: Array<[string, RegExp, Handler]>,
  created: RegExp,
): (req: Request) => Promise<Response> {
  return async (req: Request) => {
    const url = new URL(req.url)
    const sub = url.pathname.replace(/^\/__sandbox/, '') || '/'
    for (const [method, pattern, handler] of routes) {
      const m = pattern.exec(sub)
      if (!m || method !== req.method) continue
      let body: Record<string, unknown> = {}
      if (req.method !== 'GET' && req.method !== 'DELETE') {
        const text = await req.text()
        if (text) {
          try {
            body = JSON.parse(text)
          } catch {
            return json({ error: 'body must be JSON' }, 400)
          }
        }
      }
      try {
        const out = await handler(m, body, url)
        return json(out ?? null, req.method === 'POST' && created.test(sub) ? 201 : 200)
      } catch (e) {
        return json({ error: e instanceof Error ? e.message : String(e) }, 400)
      }
    }
    return json({ error: `no control route ${req.method} ${sub}` }, 404)
  }
}

function records(b: Record<string, unknown>): Record<string, unknown>[] {
  if (!Array.isArray(b.records)) throw new Error('records must be an array')
  return b.records as Record<string, unknown>[]
}
