// The control API for tests and demos (TypeScript): orgs, apps, data changes, token expiry, faults, logs.

import { toSecond } from './clock.ts'
import { normalizeId } from './data/ids.ts'
import { commitDelete, planCreate, planUpdate } from './dml.ts'
import type { SandboxEnv } from './env.ts'
import type { FaultInfo, Faults, FaultSpec, LatencyInfo, LatencySpec } from './faults.ts'
import { formatDateTime, parseDateTimeInput } from './format.ts'
import type { LogFilter, LoggedRequest, RequestLog } from './request-log.ts'
import type { CustomFieldSpec, CustomObjectSpec } from './org-schema.ts'
import type { FieldType, SObjectDef } from './schema.ts'
import { readField } from './soql/evaluate.ts'
import { toJson } from './soql/project.ts'
import type {
  ConnectedApp,
  CreateOrgOptions,
  OrgKind,
  OrgState,
  RegisterAppOptions,
} from './state.ts'

export interface UserInfo {
  id: string
  username: string
  name: string
  email: string
  active: boolean
}

export interface AppInfo {
  name: string
  clientId: string
  clientSecret: string
  orgId: string
  callbackUrls: string[]
  scopes: string[]
  rotateRefreshTokens: boolean
  autoApprove: boolean | null
  requirePkce: boolean
  requireSecret: boolean
  requireSecretForRefresh: boolean
}

export interface OrgInfo {
  orgId: string
  name: string
  kind: OrgKind
  myDomain: string
  /** What the token response's instance_url will say. */
  instanceUrl: string
  /** Login host to configure in a client for this org (production or sandbox login). */
  loginUrl: string
  users: UserInfo[]
  apps: string[]
  counts: Record<string, number>
  apiUsage: { used: number; max: number }
  sessionTimeoutSeconds: number
  batchSizeCap: number | null
}

export interface CreatedOrg extends OrgInfo {
  /** The admin user: the default login on the approval page. */
  user: UserInfo
  app: AppInfo | null
}

/** Record values for control writes; datetimes may be ISO strings or epoch ms. */
export type RecordInput = Record<string, unknown>

export interface InsertOptions {
  /** SystemModstamp for every inserted record (older than now models a late commit). */
  systemModstamp?: string | number
  /** Keep the records invisible for this long (they appear later with their older stamp). */
  visibleAfterMs?: number
  userId?: string
}

export interface UpdateOptions {
  /** A system/automated update: SystemModstamp moves, LastModifiedDate does not. */
  systemOnly?: boolean
  systemModstamp?: string | number
}

export interface TouchOptions {
  /** Records to touch; default: the first `count` live records in creation order. */
  ids?: string[]
  count?: number
  /** Field changes applied to every touched record (default none: a pure stamp bump). */
  changes?: RecordInput
  systemOnly?: boolean
}

/** An object as the control API reports it after a schema change. */
export interface ObjectInfo {
  name: string
  keyPrefix: string
  custom: boolean
  fields: Array<{ name: string; type: FieldType; custom: boolean }>
}

export interface OrgCounters {
  orgId: string
  apiUsage: { used: number; max: number }
  /** Every request attributed to the org, by endpoint. */
  requestsByEndpoint: Record<string, number>
  /** REST calls counted against the daily allowance, by endpoint. */
  apiCallsByEndpoint: Record<string, number>
}

export interface SandboxControl {
  readonly baseUrl: string
  /** Changes the advertised base URL (the server sets it once it knows its port). */
  setBaseUrl(url: string): void
  loginUrl(kind?: OrgKind): string
  createOrg(opts?: CreateOrgOptions): CreatedOrg
  listOrgs(): OrgInfo[]
  getOrg(orgId: string): OrgInfo
  updateOrg(
    orgId: string,
    changes: {
      apiLimit?: number
      apiUsed?: number
      sessionTimeoutSeconds?: number
      batchSizeCap?: number | null
    },
  ): OrgInfo
  registerApp(opts: RegisterAppOptions): AppInfo
  getApp(clientId: string): AppInfo
  updateApp(clientId: string, changes: Omit<RegisterAppOptions, 'clientId' | 'orgId'>): AppInfo
  setUserActive(orgId: string, userId: string, active: boolean): void
  /** Creates a custom object (`Foo__c`) with Name, owner and system fields plus `fields`. */
  defineObject(orgId: string, spec: CustomObjectSpec): ObjectInfo
  /** Deletes a custom object and its records: SOQL on it becomes INVALID_TYPE. */
  removeObject(orgId: string, name: string): void
  /** Adds a custom field (`Bar__c`) to a standard or custom object. */
  defineField(orgId: string, object: string, spec: CustomFieldSpec): ObjectInfo
  /** Deletes a custom field and its values: SOQL naming it becomes INVALID_FIELD. */
  removeField(orgId: string, object: string, field: string): ObjectInfo
  /**
   * Field-level security: hides a field from `userIds` (default every user) or shows it again.
   * Hidden fields are absent from those users' describe and refused in their SOQL.
   */
  setFieldVisible(
    orgId: string,
    object: string,
    field: string,
    visible: boolean,
    opts?: { userIds?: string[] },
  ): void
  insertRecords(orgId: string, type: string, records: RecordInput[], opts?: InsertOptions): string[]
  /** Records that commit late: visible now (or after `visibleAfterMs`) with a stamp `secondsAgo` old. */
  insertLateRecords(
    orgId: string,
    type: string,
    records: RecordInput[],
    opts: { secondsAgo: number; visibleAfterMs?: number },
  ): string[]
  updateRecords(orgId: string, type: string, records: RecordInput[], opts?: UpdateOptions): string[]
  /** One bulk update: every touched record gets the same SystemModstamp. */
  touchRecords(
    orgId: string,
    type: string,
    opts: TouchOptions,
  ): { ids: string[]; systemModstamp: string }
  /**
   * Archives Tasks or Events (Salesforce does it to old activities): IsArchived becomes true,
   * `query` stops returning them and `queryAll` still does. Stamps do not move.
   */
  archiveActivities(orgId: string, type: 'Task' | 'Event', ids: string[]): string[]
  deleteRecords(orgId: string, type: string, ids: string[]): string[]
  mergeRecords(orgId: string, type: string, masterId: string, loserIds: string[]): void
  emptyRecycleBin(orgId: string): number
  /** Hard delete: the records vanish from every query at once; the delete log still names them. */
  hardDeleteRecords(orgId: string, type: string, ids: string[]): string[]
  /** Cuts the delete log before `before` (default now): getDeleted's earliestDateAvailable moves there. */
  truncateDeleteLog(orgId: string, before?: string | number): number
  /** Ids purged from the Recycle Bin or hard-deleted (no query returns them). */
  listPurgedIds(orgId: string, type: string): string[]
  getRecord(orgId: string, type: string, id: string): Record<string, unknown> | null
  listIds(orgId: string, type: string, opts?: { includeDeleted?: boolean }): string[]
  countRecords(orgId: string, type: string, opts?: { includeDeleted?: boolean }): number
  expireAccessTokens(orgId: string): number
  revokeRefreshTokens(orgId: string): number
  expireQueryLocators(orgId: string): number
  injectFault(spec: FaultSpec): FaultInfo
  listFaults(): FaultInfo[]
  removeFault(id: string): boolean
  clearFaults(): void
  addLatency(spec: LatencySpec): LatencyInfo
  clearLatency(): void
  requests(filter?: LogFilter): LoggedRequest[]
  /** Sequence number of the newest logged request (use as `sinceSeq`). */
  lastRequestSeq(): number
  clearRequests(): void
  counters(orgId: string): OrgCounters
  now(): number
  advanceClock(ms: number): void
  /** Back to the state the sandbox started in (same seeded orgs, fresh credentials). */
  reset(): void
}

export interface ControlDeps {
  env: SandboxEnv
  faults: Faults
  log: RequestLog
  reset: () => void
}

export function createControl({ env, faults, log, reset }: ControlDeps): SandboxControl {
  const { state, tokens, clock, urls } = env
  const orgInfo = (org: OrgState): OrgInfo => orgSummary(org, env)
  const sobject = (orgId: string, type: string): SObjectDef => {
    const def = state.org(orgId).data.schema.find(type)
    if (!def) throw new Error(`unknown sObject type '${type}'`)
    return def
  }
  const objectInfo = (def: SObjectDef): ObjectInfo => ({
    name: def.name,
    keyPrefix: def.keyPrefix,
    custom: def.custom,
    fields: def.fields.map((f) => ({ name: f.name, type: f.type, custom: f.custom })),
  })
  const stamp = (v: string | number | undefined): number | undefined => {
    if (v === undefined) return undefined
    const ms = typeof v === 'number'
      ? v
      : parseDateTimeInput(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
    if (ms === null) throw new Error(`invalid datetime '${v}'`)
    return ms
  }
  const SYSTEM = [
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
    'CreatedById',
    'LastModifiedById',
    'IsDeleted',
  ]

  const insert = (
    orgId: string,
    type: string,
    records: RecordInput[],
    opts: InsertOptions = {},
  ) => {
    const org = state.org(orgId)
    const def = sobject(orgId, type)
    const now = clock.now()
    // Validate everything first so a bad record inserts nothing.
    const planned = records.map((r, i) => {
      const body = Object.fromEntries(Object.entries(r).filter(([k]) => !SYSTEM.includes(k)))
      const plan = planCreate(org.data, def, body)
      if (!plan.ok) {
        throw new Error(
          `record ${i}: ${plan.errors.map((e) => `${e.statusCode}: ${e.message}`).join('; ')}`,
        )
      }
      const system: Record<string, unknown> = {}
      for (const k of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp']) {
        if (r[k] !== undefined) system[k] = toSecond(stamp(r[k] as string | number)!)
      }
      return { ...plan.values, ...system }
    })
    const systemModstamp = stamp(opts.systemModstamp)
    return planned.map((values) => {
      if (systemModstamp !== undefined) {
        values.SystemModstamp ??= toSecond(systemModstamp)
        values.CreatedDate ??= toSecond(Math.min(systemModstamp, now))
        values.LastModifiedDate ??= values.SystemModstamp
      }
      return org.data.insert(def.name, values, {
        at: now,
        userId: opts.userId ?? org.adminUserId,
        visibleAt: opts.visibleAfterMs ? now + opts.visibleAfterMs : now,
      }).id
    })
  }

  return {
    get baseUrl() {
      return urls.base
    },
    setBaseUrl(url) {
      urls.base = url.replace(/\/+$/, '')
    },
    loginUrl: (kind = 'production') => urls.loginBase(kind),
    createOrg(opts = {}) {
      const { org, app } = state.createOrg(opts)
      const info = orgInfo(org)
      return { ...info, user: info.users[0], app: app ? appInfo(app) : null }
    },
    listOrgs: () => [...state.orgs.values()].map(orgInfo),
    getOrg: (orgId) => orgInfo(state.org(orgId)),
    updateOrg(orgId, changes) {
      const org = state.org(orgId)
      if (changes.apiLimit !== undefined) org.usage.max = changes.apiLimit
      if (changes.apiUsed !== undefined) org.usage.set(clock.now(), changes.apiUsed)
      if (changes.sessionTimeoutSeconds !== undefined) {
        org.sessionTimeoutMs = changes.sessionTimeoutSeconds * 1000
      }
      if (changes.batchSizeCap !== undefined) org.batchSizeCap = changes.batchSizeCap
      return orgInfo(org)
    },
    registerApp: (opts) => appInfo(state.registerApp(opts)),
    getApp(clientId) {
      const app = state.apps.get(clientId)
      if (!app) throw new Error('unknown client id')
      return appInfo(app)
    },
    updateApp: (clientId, changes) => appInfo(state.updateApp(clientId, changes)),
    setUserActive(orgId, userId, active) {
      const org = state.org(orgId)
      const user = org.data.get('User', userId)
      if (!user) throw new Error(`unknown user ${userId}`)
      org.data.update('User', user.id, { IsActive: active }, { systemOnly: false })
    },
    defineObject(orgId, spec) {
      const data = state.org(orgId).data
      const def = data.schema.defineObject(spec, clock.now())
      data.syncTables()
      return objectInfo(data.schema.find(def.name)!)
    },
    removeObject(orgId, name) {
      const data = state.org(orgId).data
      data.schema.removeObject(name, clock.now())
      data.syncTables()
    },
    defineField(orgId, object, spec) {
      const data = state.org(orgId).data
      const def = data.schema.defineField(object, spec, clock.now())
      data.syncTables()
      return objectInfo(def)
    },
    removeField(orgId, object, field) {
      const data = state.org(orgId).data
      const removed = data.schema.removeField(object, field, clock.now())
      data.syncTables()
      data.eraseField(removed.def.name, removed.field.name)
      return objectInfo(removed.def)
    },
    setFieldVisible(orgId, object, field, visible, opts = {}) {
      const org = state.org(orgId)
      const userIds = opts.userIds?.map((id) => {
        const user = org.data.get('User', id)
        if (!user) throw new Error(`unknown user ${id}`)
        return user.id
      }) ?? null
      org.data.schema.setFieldVisible(object, field, visible, userIds, clock.now())
    },
    insertRecords: insert,
    insertLateRecords(orgId, type, records, opts) {
      return insert(orgId, type, records, {
        systemModstamp: clock.now() - opts.secondsAgo * 1000,
        visibleAfterMs: opts.visibleAfterMs,
      })
    },
    updateRecords(orgId, type, records, opts = {}) {
      const org = state.org(orgId)
      const def = sobject(orgId, type)
      const now = clock.now()
      const planned = records.map((r, i) => {
        const { Id, ...rest } = r
        const plan = planUpdate(org.data, def, Id, rest)
        if (!plan.ok) {
          throw new Error(
            `record ${i}: ${plan.errors.map((e) => `${e.statusCode}: ${e.message}`).join('; ')}`,
          )
        }
        return { id: plan.id!, values: plan.values }
      })
      return planned.map((p) => {
        org.data.update(def.name, p.id, p.values, {
          at: now,
          systemOnly: opts.systemOnly,
          systemModstamp: stamp(opts.systemModstamp),
          userId: org.adminUserId,
        })
        return p.id
      })
    },
    touchRecords(orgId, type, opts) {
      const org = state.org(orgId)
      const def = sobject(orgId, type)
      const now = toSecond(clock.now())
      let ids = opts.ids?.map((id) => normalizeId(id) ?? id)
      if (!ids) {
        ids = []
        for (const rec of org.data.visible(def.name)) {
          if (ids.length >= (opts.count ?? 0)) break
          if (rec.deletedAt === null) ids.push(rec.id)
        }
      }
      const plan = planUpdate(org.data, def, ids[0] ?? '', opts.changes ?? {})
      if (ids.length > 0 && !plan.ok) throw new Error(plan.errors.map((e) => e.message).join('; '))
      for (const id of ids) {
        org.data.update(def.name, id, plan.ok ? plan.values : {}, {
          at: now,
          systemModstamp: now,
          systemOnly: opts.systemOnly,
          userId: org.adminUserId,
        })
      }
      return { ids, systemModstamp: formatDateTime(now) }
    },
    archiveActivities(orgId, type, ids) {
      const org = state.org(orgId)
      const def = sobject(orgId, type)
      if (def.name !== 'Task' && def.name !== 'Event') {
        throw new Error('only Tasks and Events archive')
      }
      return ids.map((raw) => {
        const rec = org.data.get(def.name, raw)
        if (!rec) throw new Error(`no ${def.name} ${raw}`)
        org.data.update(def.name, rec.id, { IsArchived: true }, {
          systemOnly: true,
          systemModstamp: rec.values.SystemModstamp as number,
        })
        return rec.id
      })
    },
    deleteRecords(orgId, type, ids) {
      const org = state.org(orgId)
      const def = sobject(orgId, type)
      const at = clock.now()
      return ids.map((raw) => {
        const rec = org.data.get(def.name, raw)
        if (!rec) throw new Error(`no ${def.name} ${raw}`)
        if (rec.deletedAt === null) commitDelete(org.data, rec.id, { at, userId: org.adminUserId })
        return rec.id
      })
    },
    mergeRecords(orgId, type, masterId, loserIds) {
      const org = state.org(orgId)
      const def = sobject(orgId, type)
      const master = org.data.get(def.name, masterId)
      if (!master) throw new Error(`no ${def.name} ${masterId}`)
      for (const loser of loserIds) {
        const rec = org.data.get(def.name, loser)
        if (!rec) throw new Error(`no ${def.name} ${loser}`)
        org.data.mergeInto(def.name, master.id, rec.id, { userId: org.adminUserId })
      }
      org.data.update(def.name, master.id, {}, { userId: org.adminUserId })
    },
    emptyRecycleBin: (orgId) => state.org(orgId).data.emptyRecycleBin(),
    hardDeleteRecords(orgId, type, ids) {
      const org = state.org(orgId)
      const def = sobject(orgId, type)
      return ids.map((raw) => {
        const rec = org.data.get(def.name, raw)
        if (!rec) throw new Error(`no ${def.name} ${raw}`)
        org.data.hardDelete(def.name, rec.id)
        return rec.id
      })
    },
    truncateDeleteLog: (orgId, before) =>
      state.org(orgId).data.truncateDeleteLog(stamp(before) ?? clock.now()),
    listPurgedIds(orgId, type) {
      const prefix = sobject(orgId, type).keyPrefix
      return [...state.org(orgId).data.purged].filter((id) => id.startsWith(prefix))
    },
    getRecord(orgId, type, id) {
      const org = state.org(orgId)
      const def = sobject(orgId, type)
      const rec = org.data.get(def.name, id)
      if (!rec) return null
      const out: Record<string, unknown> = {}
      for (const f of def.fields) out[f.name] = toJson(f, readField(def, f, rec))
      return out
    },
    listIds(orgId, type, opts = {}) {
      const ids: string[] = []
      for (const rec of state.org(orgId).data.visible(sobject(orgId, type).name)) {
        if (opts.includeDeleted || rec.deletedAt === null) ids.push(rec.id)
      }
      return ids
    },
    countRecords(orgId, type, opts = {}) {
      let n = 0
      for (const rec of state.org(orgId).data.visible(sobject(orgId, type).name)) {
        if (opts.includeDeleted || rec.deletedAt === null) n++
      }
      return n
    },
    expireAccessTokens(orgId) {
      const org = state.org(orgId)
      const now = clock.now()
      let n = 0
      for (const at of tokens.accessTokens.values()) {
        if (at.orgId === org.id && at.expiresAt > now) {
          at.expiresAt = now
          n++
        }
      }
      return n
    },
    revokeRefreshTokens(orgId) {
      const org = state.org(orgId)
      let n = 0
      for (const g of tokens.grants.values()) {
        if (g.orgId === org.id && !g.revoked) {
          tokens.revokeGrant(g)
          n++
        }
      }
      return n
    },
    expireQueryLocators: (orgId) => env.cursors.expireOrg(state.org(orgId).id),
    injectFault: (spec) => faults.add(spec),
    listFaults: () => faults.list(),
    removeFault: (id) => faults.remove(id),
    clearFaults: () => faults.clear(),
    addLatency: (spec) => faults.addLatency(spec),
    clearLatency: () => faults.clearLatency(),
    requests: (filter) => log.list(filter),
    lastRequestSeq: () => log.lastSeq,
    clearRequests: () => log.clear(),
    counters(orgId) {
      const org = state.org(orgId)
      const now = clock.now()
      return {
        orgId: org.id,
        apiUsage: { used: org.usage.used(now), max: org.usage.max },
        requestsByEndpoint: Object.fromEntries(org.requestsByEndpoint),
        apiCallsByEndpoint: Object.fromEntries(org.apiCallsByEndpoint),
      }
    },
    now: () => clock.now(),
    advanceClock: (ms) => clock.advance(ms),
    reset,
  }
}

export function appInfo(app: ConnectedApp): AppInfo {
  return { ...app, callbackUrls: [...app.callbackUrls], scopes: [...app.scopes] }
}

export function orgSummary(org: OrgState, env: SandboxEnv): OrgInfo {
  const users: UserInfo[] = [...org.data.visible('User')].map((u) => ({
    id: u.id,
    username: u.values.Username as string,
    name: `${u.values.FirstName} ${u.values.LastName}`,
    email: u.values.Email as string,
    active: u.values.IsActive as boolean,
  }))
  const live = (type: string) => {
    let n = 0
    for (const r of org.data.visible(type)) if (r.deletedAt === null) n++
    return n
  }
  return {
    orgId: org.id,
    name: org.name,
    kind: org.kind,
    myDomain: org.myDomain,
    instanceUrl: env.urls.instanceUrl(org),
    loginUrl: env.urls.loginBase(org.kind),
    users,
    apps: [...env.state.apps.values()].filter((a) => a.orgId === org.id).map((a) => a.clientId),
    counts: { Account: live('Account'), Contact: live('Contact'), Lead: live('Lead') },
    apiUsage: { used: org.usage.used(env.clock.now()), max: org.usage.max },
    sessionTimeoutSeconds: org.sessionTimeoutMs / 1000,
    batchSizeCap: org.batchSizeCap,
  }
}
