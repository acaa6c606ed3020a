// The sandbox's world: orgs (data, users, limits), connected apps, and how their URLs are formed.

import { ApiUsage } from './api-usage.ts'
import { type Clock, toSecond } from './clock.ts'
import { generateOrgData } from './data/generator.ts'
import { IdMinter, orgIdSpace } from './data/ids.ts'
import { randomToken } from './data/random.ts'
import { OrgData, type OrgDataSnapshot } from './store.ts'

export type OrgKind = 'production' | 'sandbox'

export interface OrgState {
  id: string
  name: string
  kind: OrgKind
  /** My Domain name; the instance URL is `<base>/instance/<myDomain>`. */
  myDomain: string
  data: OrgData
  adminUserId: string
  usage: ApiUsage
  sessionTimeoutMs: number
  /** Serves query pages smaller than asked for, as Salesforce may for wide rows. */
  batchSizeCap: number | null
  createdAt: number
  /** Requests attributed to this org, by endpoint name. */
  requestsByEndpoint: Map<string, number>
  /** REST calls counted against the daily allowance, by endpoint name. */
  apiCallsByEndpoint: Map<string, number>
}

export interface ConnectedApp {
  name: string
  clientId: string
  clientSecret: string
  /** Org that owns the app; its admin is the default user on the approval page. */
  orgId: string
  callbackUrls: string[]
  /** Scopes the app may grant when `scope` is omitted or to intersect with the request. */
  scopes: string[]
  rotateRefreshTokens: boolean
  /** null: follow the sandbox-wide setting. */
  autoApprove: boolean | null
  requirePkce: boolean
  requireSecret: boolean
  requireSecretForRefresh: boolean
}

export interface CreateOrgOptions {
  name?: string
  kind?: OrgKind
  myDomain?: string
  accounts?: number
  contacts?: number
  leads?: number
  /** Seed of the data generator (default: the sandbox seed + org number). */
  seed?: number
  /** DailyApiRequests allowance (default 15,000, a Developer Edition's). */
  apiLimit?: number
  /** Access-token lifetime (default 2 hours). */
  sessionTimeoutSeconds?: number
  batchSizeCap?: number
  /** Extra users besides the admin (owners of records). Default 2. */
  extraUsers?: number
  /** The connected app registered with the org; false registers none. */
  app?: RegisterAppOptions | false
}

export interface RegisterAppOptions {
  orgId?: string
  name?: string
  clientId?: string
  clientSecret?: string
  callbackUrls?: string[]
  scopes?: string[]
  rotateRefreshTokens?: boolean
  autoApprove?: boolean | null
  requirePkce?: boolean
  requireSecret?: boolean
  requireSecretForRefresh?: boolean
}

/**
 * An org as JSON: what outlives a restart. API usage is kept as one count at the time of the
 * snapshot (it then ages out of the 24-hour window as a whole); per-endpoint counters start afresh.
 */
export interface OrgSnapshot {
  id: string
  name: string
  kind: OrgKind
  myDomain: string
  adminUserId: string
  apiLimit: number
  apiUsed: number
  sessionTimeoutMs: number
  batchSizeCap: number | null
  createdAt: number
  data: OrgDataSnapshot
}

/** The world as JSON: orgs, their data and connected apps, and how many orgs were made. */
export interface StateSnapshot {
  orgCount: number
  orgs: OrgSnapshot[]
  apps: ConnectedApp[]
}

export const DEFAULT_CALLBACK = 'http://localhost:3000/oauth/callback'
const USER_NAMES: Array<[string, string]> = [
  ['Ada', 'Admin'],
  ['Sam', 'Seller'],
  ['Riley', 'Rep'],
  ['Morgan', 'Manager'],
  ['Casey', 'Closer'],
]

export class SandboxState {
  readonly orgs = new Map<string, OrgState>()
  readonly apps = new Map<string, ConnectedApp>()
  #orgMinter: IdMinter
  #orgCount = 0

  constructor(readonly clock: Clock, private readonly seed: number) {
    this.#orgMinter = new IdMinter('00D', '5g')
  }

  /** Rebuilds an empty world (used by reset). */
  clear(): void {
    this.orgs.clear()
    this.apps.clear()
    this.#orgMinter = new IdMinter('00D', '5g')
    this.#orgCount = 0
  }

  snapshot(): StateSnapshot {
    return {
      orgCount: this.#orgCount,
      orgs: [...this.orgs.values()].map((org) => ({
        id: org.id,
        name: org.name,
        kind: org.kind,
        myDomain: org.myDomain,
        adminUserId: org.adminUserId,
        apiLimit: org.usage.max,
        apiUsed: org.usage.used(this.clock.now()),
        sessionTimeoutMs: org.sessionTimeoutMs,
        batchSizeCap: org.batchSizeCap,
        createdAt: org.createdAt,
        data: org.data.snapshot(),
      })),
      apps: [...this.apps.values()].map((app) => ({ ...app })),
    }
  }

  /** Replaces the world with `snapshot`; org ids minted afterwards continue its sequence. */
  restore(snapshot: StateSnapshot): void {
    this.clear()
    for (let i = 0; i < snapshot.orgCount; i++) this.#orgMinter.mint()
    this.#orgCount = snapshot.orgCount
    for (const saved of snapshot.orgs) {
      const usage = new ApiUsage(saved.apiLimit)
      usage.set(this.clock.now(), saved.apiUsed)
      this.orgs.set(saved.id, {
        id: saved.id,
        name: saved.name,
        kind: saved.kind,
        myDomain: saved.myDomain,
        data: OrgData.restore(saved.data, () => this.clock.now()),
        adminUserId: saved.adminUserId,
        usage,
        sessionTimeoutMs: saved.sessionTimeoutMs,
        batchSizeCap: saved.batchSizeCap,
        createdAt: saved.createdAt,
        requestsByEndpoint: new Map(),
        apiCallsByEndpoint: new Map(),
      })
    }
    for (const app of snapshot.apps) this.apps.set(app.clientId, { ...app })
  }

  createOrg(opts: CreateOrgOptions = {}): { org: OrgState; app: ConnectedApp | null } {
    const n = ++this.#orgCount
    const now = this.clock.now()
    const kind = opts.kind ?? 'production'
    const name = opts.name ?? `Sandbox Org ${n}`
    const baseDomain = opts.myDomain ?? slug(name)
    const myDomain = kind === 'sandbox' && !opts.myDomain ? `${baseDomain}--dev` : baseDomain
    if (this.orgByDomain(myDomain)) {
      throw new Error(`an org with My Domain '${myDomain}' already exists`)
    }
    // Pod characters and the org number: no two orgs share a user or record id (up to MAX_ORGS).
    const pod = orgIdSpace(n)
    const id = this.#orgMinter.mint()
    const data = new OrgData(pod, () => this.clock.now(), toSecond(now))
    const created = toSecond(now - 400 * 86_400_000)
    const users: string[] = []
    const extra = opts.extraUsers ?? 2
    for (let i = 0; i <= extra; i++) {
      const [first, last] = USER_NAMES[i % USER_NAMES.length]
      const local = `${first}.${last}${i >= USER_NAMES.length ? i : ''}`.toLowerCase()
      const username = `${local}@${myDomain.replace(/--.*/, '')}.example.com${
        kind === 'sandbox' ? '.dev' : ''
      }`
      const rec = data.insert('User', {
        Username: username,
        FirstName: first,
        LastName: last,
        Alias: (first[0] + last).slice(0, 8).toLowerCase(),
        Email: `${local}@${myDomain.replace(/--.*/, '')}.example.com`,
        CompanyName: name,
        IsActive: true,
        TimeZoneSidKey: 'GMT',
        LocaleSidKey: 'en_US',
        LanguageLocaleKey: 'en_US',
        CreatedDate: created,
        LastModifiedDate: created,
        SystemModstamp: created,
      }, { at: created })
      users.push(rec.id)
    }
    const org: OrgState = {
      id,
      name,
      kind,
      myDomain,
      data,
      adminUserId: users[0],
      usage: new ApiUsage(opts.apiLimit ?? 15_000),
      sessionTimeoutMs: (opts.sessionTimeoutSeconds ?? 7200) * 1000,
      batchSizeCap: opts.batchSizeCap ?? null,
      createdAt: toSecond(now),
      requestsByEndpoint: new Map(),
      apiCallsByEndpoint: new Map(),
    }
    this.orgs.set(id, org)
    if ((opts.accounts ?? 0) + (opts.contacts ?? 0) + (opts.leads ?? 0) > 0) {
      generateOrgData(data, {
        seed: opts.seed ?? this.seed * 1000 + n,
        accounts: opts.accounts ?? Math.max(1, Math.ceil((opts.contacts ?? 0) / 10)),
        contacts: opts.contacts ?? 0,
        leads: opts.leads ?? 0,
        now,
        userIds: users,
      })
    }
    const app = opts.app === false ? null : this.registerApp({ ...opts.app, orgId: id })
    return { org, app }
  }

  registerApp(opts: RegisterAppOptions): ConnectedApp {
    const orgId = opts.orgId ?? [...this.orgs.keys()][0]
    if (!orgId || !this.orgs.has(orgId)) throw new Error(`unknown org ${opts.orgId}`)
    // Consumer keys look like `3MVG9...` followed by ~80 URL-safe characters.
    const clientId = opts.clientId ?? `3MVG9${randomToken(60).replace(/[-_]/g, 'A')}`
    if (this.apps.has(clientId)) throw new Error(`client id already registered`)
    const app: ConnectedApp = {
      name: opts.name ?? 'Sandbox Connected App',
      clientId,
      clientSecret: opts.clientSecret ?? randomToken(48).replace(/[-_]/g, '0').toUpperCase(),
      orgId,
      callbackUrls: opts.callbackUrls ?? [DEFAULT_CALLBACK],
      // No `openid`: the sandbox issues no id_token, so it does not grant that scope.
      scopes: opts.scopes ?? ['api', 'refresh_token', 'offline_access', 'id', 'profile', 'email'],
      rotateRefreshTokens: opts.rotateRefreshTokens ?? false,
      autoApprove: opts.autoApprove ?? null,
      requirePkce: opts.requirePkce ?? false,
      requireSecret: opts.requireSecret ?? true,
      requireSecretForRefresh: opts.requireSecretForRefresh ?? true,
    }
    this.apps.set(clientId, app)
    return app
  }

  updateApp(
    clientId: string,
    changes: Omit<RegisterAppOptions, 'clientId' | 'orgId'>,
  ): ConnectedApp {
    const app = this.apps.get(clientId)
    if (!app) throw new Error(`unknown client id`)
    for (const [k, v] of Object.entries(changes)) {
      if (v !== undefined) (app as unknown as Record<string, unknown>)[k] = v
    }
    return app
  }

  org(orgId: string): OrgState {
    const org = this.orgs.get(orgId) ??
      [...this.orgs.values()].find((o) => o.id.slice(0, 15) === orgId)
    if (!org) throw new Error(`unknown org ${orgId}`)
    return org
  }

  orgByDomain(myDomain: string): OrgState | undefined {
    for (const org of this.orgs.values()) if (org.myDomain === myDomain) return org
    return undefined
  }

  /** Finds the org and user record for a user id. */
  userById(userId: string): { org: OrgState; id: string } | undefined {
    for (const org of this.orgs.values()) {
      if (org.data.get('User', userId)) return { org, id: org.data.get('User', userId)!.id }
    }
    return undefined
  }
}

function slug(name: string): string {
  return name.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(
    /[^a-z0-9]+/g,
    '-',
  )
    .replace(/^-|-$/g, '') || 'org'
}
