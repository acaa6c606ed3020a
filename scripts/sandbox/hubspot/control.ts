// The control API (TypeScript side): portals and apps, record changes with one shared timestamp,
// merges and GDPR deletes, token expiry and killed grants, faults, the request log, the clock,
// webhook delivery, reset. Nothing here is logged or rate limited.

import type { Clock } from '../salesforce/clock.ts'
import type {
  FaultInfo,
  Faults,
  FaultSpec,
  LatencyInfo,
  LatencySpec,
} from '../salesforce/faults.ts'
import type { LogFilter, LoggedRequest, RequestLog } from '../salesforce/request-log.ts'
import type { HubSpotFaultKind } from './faults.ts'
import type { RateLimits } from './limits.ts'
import type { TokenStore } from './oauth.ts'
import {
  type App,
  type ChangeOptions,
  type CreatePortalOptions,
  iso,
  OBJECT_TYPES,
  type ObjectType,
  type Portal,
  type Properties,
  type RegisterAppOptions,
  type SandboxState,
} from './state.ts'
import type { Delivery, WebhookEvent, Webhooks } from './webhooks.ts'
import type { Urls } from './sandbox.ts'

export interface PortalInfo extends
  Pick<
    Portal,
    | 'portalId'
    | 'name'
    | 'timeZone'
    | 'searchLagMs'
    | 'burstLimit'
    | 'searchPerSecond'
    | 'dailyLimit'
  > {
  counts: Record<ObjectType, number>
  archivedCounts: Record<ObjectType, number>
}

export interface AppInfo extends App {
  /** The install URL's base (app.hubspot.com) and token endpoint (api.hubapi.com). */
  authorizeUrl: string
  tokenUrl: string
}

export interface RecordInfo {
  id: string
  properties: Properties
  createdAt: string
  updatedAt: string
  archivedAt: string | null
  /** Whether search returns the current version yet. */
  searchable: boolean
  companyIds?: string[]
}

export interface TouchOptions extends ChangeOptions {
  /** Which records (default: the first `count` live ones in id order). */
  ids?: string[]
  count?: number
  /** Properties to set on each (default: none, a modification-date-only touch). */
  properties?: Properties
}

export interface HubSpotControl {
  readonly urls: Urls
  setBaseUrl(url: string): void
  now(): number
  advanceClock(ms: number): number
  reset(): void

  createPortal(opts?: CreatePortalOptions & { app?: RegisterAppOptions | false }): PortalInfo & {
    app: AppInfo | null
  }
  listPortals(): PortalInfo[]
  getPortal(portalId: number): PortalInfo
  updatePortal(
    portalId: number,
    changes:
      & Partial<
        Pick<Portal, 'searchLagMs' | 'burstLimit' | 'searchPerSecond' | 'dailyLimit' | 'timeZone'>
      >
      & { dailyUsed?: number },
  ): PortalInfo
  registerApp(opts?: RegisterAppOptions): AppInfo
  getApp(clientId: string): AppInfo
  updateApp(clientId: string, changes: RegisterAppOptions): AppInfo

  createRecords(
    portalId: number,
    type: ObjectType,
    records: Properties[],
    opts?: ChangeOptions,
  ): string[]
  updateRecords(
    portalId: number,
    type: ObjectType,
    records: Array<{ id: string; properties: Properties }>,
    opts?: ChangeOptions,
  ): { ids: string[]; at: string }
  /** One bulk update: every record gets the same modification millisecond (trap 2). */
  touchRecords(
    portalId: number,
    type: ObjectType,
    opts?: TouchOptions,
  ): { ids: string[]; at: string }
  archiveRecords(portalId: number, type: ObjectType, ids: string[], opts?: ChangeOptions): string[]
  restoreRecords(portalId: number, type: ObjectType, ids: string[], opts?: ChangeOptions): string[]
  mergeRecords(
    portalId: number,
    type: ObjectType,
    primaryId: string,
    mergedId: string,
    opts?: ChangeOptions,
  ): RecordInfo
  gdprDelete(portalId: number, ids: string[], opts?: ChangeOptions): string[]
  associate(portalId: number, contactId: string, companyId: string, opts?: ChangeOptions): void
  dissociate(portalId: number, contactId: string, companyId: string, opts?: ChangeOptions): void
  getRecord(portalId: number, type: ObjectType, id: string): RecordInfo | null
  listIds(portalId: number, type: ObjectType, opts?: { archived?: boolean }): string[]

  expireAccessTokens(portalId: number): number
  /** Uninstall: the refresh token and its access tokens die (refresh: 400 BAD_REFRESH_TOKEN). */
  killGrants(portalId: number, clientId?: string): number

  injectFault(spec: FaultSpec<HubSpotFaultKind>): FaultInfo<HubSpotFaultKind>
  listFaults(): FaultInfo<HubSpotFaultKind>[]
  removeFault(id: string): boolean
  clearFaults(): void
  addLatency(spec: LatencySpec): LatencyInfo
  clearLatency(): void

  requests(filter?: LogFilter): LoggedRequest[]
  lastRequestSeq(): number
  clearRequests(): void

  /** Sends the due webhook events now and returns what was sent. */
  deliverWebhooks(): Promise<Delivery[]>
  pendingWebhooks(): WebhookEvent[]
  webhookDeliveries(): Delivery[]
}

interface ControlDeps {
  state: SandboxState
  tokens: TokenStore
  clock: Clock
  limits: RateLimits
  faults: Faults<HubSpotFaultKind>
  log: RequestLog
  webhooks: Webhooks
  urls: Urls
  reset(): void
}

function objectType(type: string): ObjectType {
  if (!(OBJECT_TYPES as readonly string[]).includes(type)) {
    throw new Error(`unknown object type '${type}' (contacts or companies)`)
  }
  return type as ObjectType
}

export function createControl(d: ControlDeps): HubSpotControl {
  const { state, clock } = d
  const portalInfo = (p: Portal): PortalInfo => {
    const count = (archived: boolean) =>
      Object.fromEntries(
        OBJECT_TYPES.map((t) => [t, state.ordered(p, t, archived).length]),
      ) as Record<ObjectType, number>
    return {
      portalId: p.portalId,
      name: p.name,
      timeZone: p.timeZone,
      searchLagMs: p.searchLagMs,
      burstLimit: p.burstLimit,
      searchPerSecond: p.searchPerSecond,
      dailyLimit: p.dailyLimit,
      counts: count(false),
      archivedCounts: count(true),
    }
  }
  const appInfo = (a: App): AppInfo => ({
    ...a,
    redirectUris: [...a.redirectUris],
    scopes: [...a.scopes],
    optionalScopes: [...a.optionalScopes],
    subscriptions: [...a.subscriptions],
    authorizeUrl: `${d.urls.app}/oauth/authorize`,
    tokenUrl: `${d.urls.api}/oauth/v1/token`,
  })
  const recordInfo = (portalId: number, type: ObjectType, id: string): RecordInfo | null => {
    const p = state.portal(portalId)
    const r = state.record(p, type, id)
    if (!r) return null
    state.catchUpIndex(p)
    return {
      id: r.id,
      properties: { ...r.properties },
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
      archivedAt: r.archivedAt === null ? null : iso(r.archivedAt),
      searchable: r.archivedAt === null && r.indexed?.updatedAt === r.updatedAt,
      ...(type === 'contacts' ? { companyIds: state.associated(p, 'contacts', r.id) } : {}),
    }
  }
  const at = (opts: ChangeOptions = {}) => ({ ...opts, at: opts.at ?? clock.now() })

  return {
    urls: d.urls,
    setBaseUrl(url: string) {
      const base = url.replace(/\/$/, '')
      Object.assign(d.urls, { base, app: `${base}/app`, api: `${base}/api` })
    },
    now: () => clock.now(),
    advanceClock(ms: number) {
      clock.advance(ms)
      return clock.now()
    },
    reset: d.reset,

    createPortal(opts = {}) {
      const { app, ...rest } = opts
      const p = state.createPortal(rest)
      return { ...portalInfo(p), app: app ? appInfo(state.registerApp(app)) : null }
    },
    listPortals: () => [...state.portals.values()].map(portalInfo),
    getPortal: (id) => portalInfo(state.portal(id)),
    updatePortal(id, changes) {
      const p = state.portal(id)
      const { dailyUsed, ...rest } = changes
      Object.assign(p, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)))
      if (dailyUsed !== undefined) d.limits.setDailyUsed(p, clock.now(), dailyUsed)
      return portalInfo(p)
    },
    registerApp: (opts = {}) => appInfo(state.registerApp(opts)),
    getApp: (clientId) => appInfo(state.app(clientId)),
    updateApp: (clientId, changes) => appInfo(state.updateApp(clientId, changes)),

    createRecords: (portalId, type, records, opts) =>
      state.createRecords(Number(portalId), objectType(type), records, at(opts)),
    updateRecords(portalId, type, records, opts) {
      const r = state.updateRecords(Number(portalId), objectType(type), records, at(opts))
      return { ids: r.ids, at: iso(r.at) }
    },
    touchRecords(portalId, type, opts = {}) {
      const t = objectType(type)
      const p = state.portal(portalId)
      const ids = opts.ids ??
        state.ordered(p, t, false).slice(0, opts.count ?? Infinity).map((r) => r.id)
      const r = state.updateRecords(
        p.portalId,
        t,
        ids.map((id) => ({ id, properties: opts.properties ?? {} })),
        at(opts),
      )
      return { ids: r.ids, at: iso(r.at) }
    },
    archiveRecords: (portalId, type, ids, opts) =>
      state.archiveRecords(Number(portalId), objectType(type), ids, at(opts)),
    restoreRecords: (portalId, type, ids, opts) =>
      state.restoreRecords(Number(portalId), objectType(type), ids, at(opts)),
    mergeRecords(portalId, type, primaryId, mergedId, opts) {
      const t = objectType(type)
      state.mergeRecords(Number(portalId), t, primaryId, mergedId, at(opts))
      return recordInfo(Number(portalId), t, primaryId)!
    },
    gdprDelete: (portalId, ids, opts) => state.gdprDelete(Number(portalId), ids, at(opts)),
    associate: (portalId, contactId, companyId, opts) =>
      state.associate(Number(portalId), contactId, companyId, at(opts)),
    dissociate: (portalId, contactId, companyId, opts) =>
      state.associate(Number(portalId), contactId, companyId, { ...at(opts), remove: true }),
    getRecord: (portalId, type, id) => recordInfo(Number(portalId), objectType(type), id),
    listIds: (portalId, type, opts = {}) =>
      state.ordered(state.portal(portalId), objectType(type), opts.archived === true).map((r) =>
        r.id
      ),

    expireAccessTokens: (portalId) => d.tokens.expireAccessTokens(Number(portalId), clock.now()),
    killGrants: (portalId, clientId) => d.tokens.killGrants(Number(portalId), clientId),

    injectFault: (spec) => d.faults.add(spec),
    listFaults: () => d.faults.list(),
    removeFault: (id) => d.faults.remove(id),
    clearFaults: () => d.faults.clear(),
    addLatency: (spec) => d.faults.addLatency(spec),
    clearLatency: () => d.faults.clearLatency(),

    requests: (filter) => d.log.list(filter),
    lastRequestSeq: () => d.log.lastSeq,
    clearRequests: () => d.log.clear(),

    deliverWebhooks: () => d.webhooks.deliver(),
    pendingWebhooks: () => d.webhooks.pending(),
    webhookDeliveries: () => [...d.webhooks.deliveries],
  }
}
