// The control API over HTTP under /__sandbox/ (JSON in, JSON out), mirroring HubSpotControl.

import { controlRouter, type Handler } from '../salesforce/control-http.ts'
import type { FaultSpec, LatencySpec } from '../salesforce/faults.ts'
import { logFilterFrom } from '../salesforce/request-log.ts'
import type { HubSpotControl } from './control.ts'
import type { HubSpotFaultKind } from './faults.ts'
import type { ChangeOptions, ObjectType, Properties } from './state.ts'

type Body = Record<string, unknown>

/** The shared change options a body may carry: `at` (ISO or ms), `visibleAfterMs`, `source`. */
function changeOptions(b: Body): ChangeOptions {
  return {
    at: b.at === undefined ? undefined : typeof b.at === 'number' ? b.at : Date.parse(String(b.at)),
    visibleAfterMs: b.visibleAfterMs as number | undefined,
    source: b.source as string | undefined,
  }
}

function list<T>(b: Body, key: string): T[] {
  if (!Array.isArray(b[key])) throw new Error(`${key} must be an array`)
  return b[key] as T[]
}

export function createControlHttp(c: HubSpotControl): (req: Request) => Promise<Response> {
  const P = '/portals/(\\d+)'
  const R = `${P}/records/(contacts|companies)`
  const type = (m: RegExpExecArray) => m[2] as ObjectType
  const routes: Array<[string, RegExp, Handler]> = [
    ['GET', /^\/$/, () => ({
      urls: c.urls,
      portals: c.listPortals(),
      now: new Date(c.now()).toISOString(),
    })],
    ['POST', /^\/reset$/, () => (c.reset(), { ok: true })],
    ['POST', /^\/clock\/advance$/, (_m, b) => ({
      now: new Date(c.advanceClock(Number(b.ms ?? 0) + Number(b.seconds ?? 0) * 1000))
        .toISOString(),
    })],
    ['GET', /^\/portals$/, () => c.listPortals()],
    ['POST', /^\/portals$/, (_m, b) => c.createPortal(b)],
    ['GET', new RegExp(`^${P}$`), (m) => c.getPortal(Number(m[1]))],
    ['PATCH', new RegExp(`^${P}$`), (m, b) => c.updatePortal(Number(m[1]), b)],
    ['POST', new RegExp(`^${P}/expire-access-tokens$`), (m) => ({
      expired: c.expireAccessTokens(Number(m[1])),
    })],
    ['POST', new RegExp(`^${P}/kill-grants$`), (m, b) => ({
      killed: c.killGrants(Number(m[1]), b.clientId as string | undefined),
    })],
    ['POST', new RegExp(`^${P}/gdpr-delete$`), (m, b) => ({
      ids: c.gdprDelete(Number(m[1]), list<string>(b, 'ids'), changeOptions(b)),
    })],
    ['POST', new RegExp(`^${P}/associations$`), (m, b) => {
      const fn = b.remove === true ? c.dissociate : c.associate
      fn(Number(m[1]), String(b.contactId), String(b.companyId), changeOptions(b))
      return { ok: true }
    }],
    ['GET', new RegExp(`^${R}$`), (m, _b, url) => ({
      ids: c.listIds(Number(m[1]), type(m), {
        archived: url.searchParams.get('archived') === 'true',
      }),
    })],
    ['GET', new RegExp(`^${R}/(\\d+)$`), (m) => c.getRecord(Number(m[1]), type(m), m[3])],
    ['POST', new RegExp(`^${R}$`), (m, b) => ({
      ids: c.createRecords(Number(m[1]), type(m), list<Properties>(b, 'records'), changeOptions(b)),
    })],
    ['PATCH', new RegExp(`^${R}$`), (m, b) =>
      c.updateRecords(
        Number(m[1]),
        type(m),
        list<{ id: string; properties: Properties }>(b, 'records'),
        changeOptions(b),
      )],
    ['POST', new RegExp(`^${R}/touch$`), (m, b) =>
      c.touchRecords(Number(m[1]), type(m), {
        ...changeOptions(b),
        ids: b.ids as string[] | undefined,
        count: b.count as number | undefined,
        properties: b.properties as Properties | undefined,
      })],
    ['POST', new RegExp(`^${R}/archive$`), (m, b) => ({
      ids: c.archiveRecords(Number(m[1]), type(m), list<string>(b, 'ids'), changeOptions(b)),
    })],
    ['POST', new RegExp(`^${R}/restore$`), (m, b) => ({
      ids: c.restoreRecords(Number(m[1]), type(m), list<string>(b, 'ids'), changeOptions(b)),
    })],
    ['POST', new RegExp(`^${R}/merge$`), (m, b) =>
      c.mergeRecords(
        Number(m[1]),
        type(m),
        String(b.primaryId),
        String(b.mergedId),
        changeOptions(b),
      )],
    ['POST', /^\/apps$/, (_m, b) => c.registerApp(b)],
    ['GET', /^\/apps\/([^/]+)$/, (m) => c.getApp(m[1])],
    ['PATCH', /^\/apps\/([^/]+)$/, (m, b) => c.updateApp(m[1], b)],
    ['GET', /^\/faults$/, () => ({ faults: c.listFaults() })],
    ['POST', /^\/faults$/, (_m, b) => c.injectFault(b as unknown as FaultSpec<HubSpotFaultKind>)],
    ['DELETE', /^\/faults$/, () => (c.clearFaults(), { ok: true })],
    ['DELETE', /^\/faults\/([^/]+)$/, (m) => ({ removed: c.removeFault(m[1]) })],
    ['POST', /^\/latency$/, (_m, b) => c.addLatency(b as unknown as LatencySpec)],
    ['DELETE', /^\/latency$/, () => (c.clearLatency(), { ok: true })],
    ['GET', /^\/requests$/, (_m, _b, url) => {
      const requests = c.requests(logFilterFrom(url.searchParams, 'portalId'))
      return { count: requests.length, lastSeq: c.lastRequestSeq(), requests }
    }],
    ['DELETE', /^\/requests$/, () => (c.clearRequests(), { ok: true })],
    ['POST', /^\/webhooks\/deliver$/, async () => ({ deliveries: await c.deliverWebhooks() })],
    ['GET', /^\/webhooks$/, () => ({
      pending: c.pendingWebhooks(),
      deliveries: c.webhookDeliveries(),
    })],
  ]

  return controlRouter(routes, /^\/(portals|apps|faults|latency)$/)
}
