// The HubSpot sandbox's world: portals (accounts), apps, CRM records with a lagging search index,
// contact→company associations, merges, GDPR deletes, and the change events webhooks carry.

import type { Clock } from '../salesforce/clock.ts'
import { createRandom } from '../salesforce/data/random.ts'
import { generateRecords } from './data.ts'

export const OBJECT_TYPES = ['contacts', 'companies'] as const
export type ObjectType = typeof OBJECT_TYPES[number]

/** The singular used in webhook subscription types (`contact.creation`) and error messages. */
export const SINGULAR: Record<ObjectType, 'contact' | 'company'> = {
  contacts: 'contact',
  companies: 'company',
}

/**
 * The property that holds the modification time: contacts use `lastmodifieddate` (and also carry
 * `hs_lastmodifieddate`), companies only `hs_lastmodifieddate` (facts §0 trap 4).
 */
export const MODIFIED_PROPERTY: Record<ObjectType, string> = {
  contacts: 'lastmodifieddate',
  companies: 'hs_lastmodifieddate',
}

/** Archived records stay listable with `archived=true` this long, then vanish (facts §5). */
export const ARCHIVE_RETENTION_MS = 90 * 86_400_000

export type Properties = Record<string, string | null>

/** What search sees of a record: the state it had when the index caught up with it. */
export interface IndexedVersion {
  properties: Properties
  updatedAt: number
}

export interface HubRecord {
  /** Numeric, as a string (as HubSpot's JSON gives it). */
  id: string
  type: ObjectType
  properties: Properties
  createdAt: number
  updatedAt: number
  archivedAt: number | null
  /** Versions waiting to become searchable, oldest first (see `SearchIndex`). */
  pending: Array<{ visibleAt: number; version: IndexedVersion }>
  indexed: IndexedVersion | null
}

export interface Portal {
  portalId: number
  name: string
  timeZone: string
  /** How long after a change search starts returning it (facts §0 trap 3). */
  searchLagMs: number
  /** Requests per rolling 10 s (110 for an OAuth app, facts §7). */
  burstLimit: number
  /** Search requests per rolling second (5, facts §4.2). */
  searchPerSecond: number
  /** Requests per day, reset at midnight in the portal's time zone. */
  dailyLimit: number
  records: Record<ObjectType, Map<string, HubRecord>>
  /** Merged-away id → the id it was merged into (a read of the old id follows it). */
  mergedInto: Map<string, string>
  /** contact id → company ids. */
  contactCompanies: Map<string, Set<string>>
  /** Records with versions not yet searchable. */
  unindexed: Set<HubRecord>
  /** Archived records, so the 90-day purge need not scan live ones. */
  archived: Set<HubRecord>
  /** Bumped on every insert/removal, so the id-ordered views can be cached. */
  version: number
  users: Array<{ id: number; email: string }>
}

export interface App {
  appId: number
  name: string
  clientId: string
  clientSecret: string
  redirectUris: string[]
  /** Required scopes: the authorize URL's `scope` must name exactly these (facts §0 trap 15). */
  scopes: string[]
  optionalScopes: string[]
  /** The webhook target URL, or null for no deliveries. */
  webhookUrl: string | null
  /** Subscribed event types (`contact.creation`, `company.propertyChange`, ...). */
  subscriptions: string[]
  /** Approve authorize requests without a page (null: the sandbox's setting). */
  autoApprove: boolean | null
}

/** One CRM change, as webhooks report it (before an app and subscription are attached). */
export interface ChangeEvent {
  portalId: number
  occurredAt: number
  subscriptionType: string
  objectId: number
  changeSource: string
  propertyName?: string
  propertyValue?: string
  primaryObjectId?: number
  mergedObjectIds?: number[]
  newObjectId?: number
  numberOfPropertiesMoved?: number
  fromObjectId?: number
  toObjectId?: number
  associationType?: string
  associationRemoved?: boolean
}

export interface CreatePortalOptions {
  name?: string
  portalId?: number
  contacts?: number
  companies?: number
  seed?: number
  timeZone?: string
  searchLagMs?: number
  burstLimit?: number
  searchPerSecond?: number
  dailyLimit?: number
}

export interface RegisterAppOptions {
  name?: string
  clientId?: string
  clientSecret?: string
  redirectUris?: string[]
  scopes?: string[]
  optionalScopes?: string[]
  webhookUrl?: string | null
  subscriptions?: string[]
  autoApprove?: boolean | null
}

export const DEFAULT_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.schemas.contacts.read',
  'crm.schemas.companies.read',
]

export const DEFAULT_SUBSCRIPTIONS = OBJECT_TYPES.flatMap((t) =>
  ['creation', 'deletion', 'propertyChange', 'merge', 'associationChange', 'restore'].map((e) =>
    `${SINGULAR[t]}.${e}`
  )
).concat('contact.privacyDeletion')

/** HubSpot's ISO form with milliseconds (facts §0 trap 13: precision varies; we always send ms). */
export const iso = (ms: number) => new Date(ms).toISOString()

export class SandboxState {
  portals = new Map<number, Portal>()
  apps = new Map<string, App>()
  #nextPortalId = 62515
  #nextAppId = 4001
  #nextUserId = 9001
  /** One id sequence for every record of every portal: a tenant mix-up shows as a 404. */
  #nextRecordId = 1001
  #listeners: Array<(e: ChangeEvent) => void> = []

  constructor(readonly clock: Clock, readonly seed: number) {}

  onChange(listener: (e: ChangeEvent) => void): void {
    this.#listeners.push(listener)
  }

  #emit(e: ChangeEvent): void {
    for (const l of this.#listeners) l(e)
  }

  clear(): void {
    this.portals.clear()
    this.apps.clear()
  }

  createPortal(o: CreatePortalOptions = {}): Portal {
    const portalId = o.portalId ?? this.#nextPortalId++
    if (this.portals.has(portalId)) throw new Error(`portal ${portalId} exists`)
    const name = o.name ?? `Portal ${portalId}`
    const portal: Portal = {
      portalId,
      name,
      timeZone: o.timeZone ?? 'US/Eastern',
      searchLagMs: o.searchLagMs ?? 5_000,
      burstLimit: o.burstLimit ?? 110,
      searchPerSecond: o.searchPerSecond ?? 5,
      dailyLimit: o.dailyLimit ?? 250_000,
      records: { contacts: new Map(), companies: new Map() },
      mergedInto: new Map(),
      contactCompanies: new Map(),
      unindexed: new Set(),
      archived: new Set(),
      version: 0,
      users: [{
        id: this.#nextUserId++,
        email: `admin@${name.toLowerCase().replace(/[^a-z0-9]+/g, '') || 'portal'}.example`,
      }],
    }
    this.portals.set(portalId, portal)
    const rnd = createRandom((o.seed ?? this.seed) * 7919 + portalId)
    const { companies, contacts } = generateRecords(rnd, o.companies ?? 0, o.contacts ?? 0)
    const companyIds = this.createRecords(portalId, 'companies', companies, {
      source: 'IMPORT',
      silent: true,
      searchable: true,
    })
    // A contact's primary company is also its `associatedcompanyid` property, as HubSpot keeps it.
    const companyOf = (c: (typeof contacts)[number]) =>
      c.company !== null && companyIds.length ? companyIds[c.company % companyIds.length] : null
    const contactIds = this.createRecords(
      portalId,
      'contacts',
      contacts.map((c) => {
        const company = companyOf(c)
        return company === null ? c.properties : { ...c.properties, associatedcompanyid: company }
      }),
      { source: 'IMPORT', silent: true, searchable: true },
    )
    contacts.forEach((c, i) => {
      const company = companyOf(c)
      if (company !== null) this.associate(portalId, contactIds[i], company, { silent: true })
    })
    return portal
  }

  portal(portalId: number | string): Portal {
    const p = this.portals.get(Number(portalId))
    if (!p) throw new Error(`no portal ${portalId}`)
    return p
  }

  registerApp(o: RegisterAppOptions = {}): App {
    const appId = this.#nextAppId++
    const app: App = {
      appId,
      name: o.name ?? `App ${appId}`,
      clientId: o.clientId ?? crypto.randomUUID(),
      clientSecret: o.clientSecret ?? crypto.randomUUID(),
      redirectUris: o.redirectUris ?? [],
      scopes: o.scopes ?? DEFAULT_SCOPES,
      optionalScopes: o.optionalScopes ?? [],
      webhookUrl: o.webhookUrl ?? null,
      subscriptions: o.subscriptions ?? DEFAULT_SUBSCRIPTIONS,
      autoApprove: o.autoApprove ?? null,
    }
    if (this.apps.has(app.clientId)) throw new Error(`app ${app.clientId} exists`)
    this.apps.set(app.clientId, app)
    return app
  }

  app(clientId: string): App {
    const a = this.apps.get(clientId)
    if (!a) throw new Error(`no app ${clientId}`)
    return a
  }

  updateApp(clientId: string, changes: RegisterAppOptions): App {
    const app = this.app(clientId)
    const { clientId: _, ...rest } = changes
    Object.assign(app, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)))
    return app
  }

  /** Live (not archived) records of a type in id order; cached per portal version. */
  #ordered = new WeakMap<Portal, { version: number; lists: Partial<Record<string, HubRecord[]>> }>()

  ordered(portal: Portal, type: ObjectType, archived: boolean): HubRecord[] {
    if (archived) this.purgeExpiredArchives(portal)
    let cache = this.#ordered.get(portal)
    if (!cache || cache.version !== portal.version) {
      cache = { version: portal.version, lists: {} }
      this.#ordered.set(portal, cache)
    }
    const key = `${type}:${archived}`
    const hit = cache.lists[key]
    if (hit) return hit
    // Ids only grow, so insertion order is id order.
    const list = [...portal.records[type].values()].filter((r) =>
      archived ? r.archivedAt !== null : r.archivedAt === null
    )
    cache.lists[key] = list
    return list
  }

  /** Archived records older than 90 days vanish from the archived listing (facts §5). */
  purgeExpiredArchives(portal: Portal): void {
    const cutoff = this.clock.now() - ARCHIVE_RETENTION_MS
    for (const r of portal.archived) {
      if (r.archivedAt !== null && r.archivedAt < cutoff) this.#remove(portal, r)
    }
  }

  record(portal: Portal, type: ObjectType, id: string): HubRecord | undefined {
    return portal.records[type].get(id)
  }

  createRecords(
    portalId: number,
    type: ObjectType,
    inputs: Properties[],
    opts: ChangeOptions & { searchable?: boolean } = {},
  ): string[] {
    const portal = this.portal(portalId)
    const at = opts.at ?? this.clock.now()
    const ids: string[] = []
    for (const input of inputs) {
      const id = String(this.#nextRecordId++)
      const properties: Properties = { ...clean(input) }
      properties.hs_object_id = id
      properties.createdate = iso(at)
      stampModified(type, properties, at)
      const r: HubRecord = {
        id,
        type,
        properties,
        createdAt: at,
        updatedAt: at,
        archivedAt: null,
        pending: [],
        indexed: null,
      }
      portal.records[type].set(id, r)
      if (opts.searchable) r.indexed = versionOf(r)
      else this.#queueIndex(portal, r, opts.visibleAfterMs)
      ids.push(id)
      if (!opts.silent) {
        this.#emit(event(portal, type, 'creation', id, at, opts.source))
      }
    }
    portal.version++
    return ids
  }

  /**
   * Applies property changes to records. Every changed record gets the same modification time
   * (`at`, default now): a bulk update or import stamps thousands of rows alike (trap 2).
   */
  updateRecords(
    portalId: number,
    type: ObjectType,
    changes: Array<{ id: string; properties?: Properties }>,
    opts: ChangeOptions = {},
  ): { ids: string[]; at: number } {
    const portal = this.portal(portalId)
    const at = opts.at ?? this.clock.now()
    const ids: string[] = []
    for (const { id, properties = {} } of changes) {
      const r = this.#live(portal, type, id)
      const changed = Object.entries(clean(properties)).filter(([k, v]) =>
        !READ_ONLY.has(k) && r.properties[k] !== v
      )
      for (const [k, v] of changed) r.properties[k] = v
      r.updatedAt = at
      stampModified(type, r.properties, at)
      this.#queueIndex(portal, r, opts.visibleAfterMs)
      ids.push(id)
      if (opts.silent) continue
      for (const [k, v] of changed) {
        this.#emit({
          ...event(portal, type, 'propertyChange', id, at, opts.source),
          propertyName: k,
          propertyValue: v ?? '',
        })
      }
    }
    return { ids, at }
  }

  /** Archives (soft-deletes) records: gone from search and lists, listed with `archived=true`. */
  archiveRecords(portalId: number, type: ObjectType, ids: string[], opts: ChangeOptions = {}) {
    const portal = this.portal(portalId)
    const at = opts.at ?? this.clock.now()
    for (const id of ids) {
      const r = this.#live(portal, type, id)
      r.archivedAt = at
      portal.archived.add(r)
      if (!opts.silent) this.#emit(event(portal, type, 'deletion', id, at, opts.source))
    }
    portal.version++
    return ids
  }

  /** Brings archived records back with their ids and a fresh modification time. */
  restoreRecords(portalId: number, type: ObjectType, ids: string[], opts: ChangeOptions = {}) {
    const portal = this.portal(portalId)
    const at = opts.at ?? this.clock.now()
    for (const id of ids) {
      const r = portal.records[type].get(id)
      if (!r || r.archivedAt === null) throw new Error(`${type} ${id} is not archived`)
      r.archivedAt = null
      portal.archived.delete(r)
      r.updatedAt = at
      stampModified(type, r.properties, at)
      this.#queueIndex(portal, r, opts.visibleAfterMs)
      if (!opts.silent) this.#emit(event(portal, type, 'restore', id, at, opts.source))
    }
    portal.version++
    return ids
  }

  /**
   * Merges `mergedId` into `primaryId`: the survivor keeps its id, lists the absorbed id in
   * `hs_merged_object_ids` and gets a new modification time; the absorbed record vanishes
   * (not archived, facts §5) and its associations move to the survivor.
   */
  mergeRecords(
    portalId: number,
    type: ObjectType,
    primaryId: string,
    mergedId: string,
    opts: ChangeOptions = {},
  ): HubRecord {
    if (primaryId === mergedId) throw new Error('cannot merge a record into itself')
    const portal = this.portal(portalId)
    const survivor = this.#live(portal, type, primaryId)
    const absorbed = this.#live(portal, type, mergedId)
    const at = opts.at ?? this.clock.now()
    let moved = 0
    for (const [k, v] of Object.entries(absorbed.properties)) {
      if (READ_ONLY.has(k) || v === null || v === '') continue
      if (survivor.properties[k] === null || survivor.properties[k] === undefined) {
        survivor.properties[k] = v
        moved++
      }
    }
    const merged = [
      ...(survivor.properties.hs_merged_object_ids ?? '').split(';'),
      ...(absorbed.properties.hs_merged_object_ids ?? '').split(';'),
      mergedId,
    ].filter(Boolean)
    survivor.properties.hs_merged_object_ids = merged.join(';')
    survivor.updatedAt = at
    stampModified(type, survivor.properties, at)
    this.#queueIndex(portal, survivor, opts.visibleAfterMs)
    if (type === 'contacts') {
      for (const c of portal.contactCompanies.get(mergedId) ?? []) {
        this.associate(portalId, primaryId, c, { silent: true })
      }
    } else {
      for (const [contact, companies] of portal.contactCompanies) {
        if (companies.has(mergedId)) this.associate(portalId, contact, primaryId, { silent: true })
      }
      // Contacts whose primary company was absorbed now name the survivor (a contact change).
      const primaryOf = [...portal.records.contacts.values()]
        .filter((c) => c.properties.associatedcompanyid === mergedId)
        .map((c) => ({ id: c.id, properties: { associatedcompanyid: primaryId } }))
      if (primaryOf.length) {
        this.updateRecords(portalId, 'contacts', primaryOf, { at, silent: true })
      }
    }
    this.#remove(portal, absorbed)
    portal.mergedInto.set(mergedId, primaryId)
    if (!opts.silent) {
      this.#emit({
        ...event(portal, type, 'merge', primaryId, at, opts.source),
        primaryObjectId: Number(primaryId),
        mergedObjectIds: [Number(mergedId)],
        newObjectId: Number(primaryId),
        numberOfPropertiesMoved: moved,
      })
    }
    return survivor
  }

  /** GDPR delete: the contact is gone everywhere at once, archived listing included. */
  gdprDelete(portalId: number, ids: string[], opts: ChangeOptions = {}): string[] {
    const portal = this.portal(portalId)
    const at = opts.at ?? this.clock.now()
    for (const id of ids) {
      const r = portal.records.contacts.get(id)
      if (!r) throw new Error(`no contact ${id}`)
      this.#remove(portal, r)
      if (!opts.silent) {
        this.#emit(event(portal, 'contacts', 'privacyDeletion', id, at, opts.source))
      }
    }
    return ids
  }

  associate(
    portalId: number,
    contactId: string,
    companyId: string,
    opts: ChangeOptions & { remove?: boolean } = {},
  ): void {
    const portal = this.portal(portalId)
    this.#live(portal, 'contacts', contactId)
    this.#live(portal, 'companies', companyId)
    const set = portal.contactCompanies.get(contactId) ?? new Set<string>()
    if (opts.remove ? !set.delete(companyId) : set.has(companyId)) return
    if (!opts.remove) set.add(companyId)
    if (set.size) portal.contactCompanies.set(contactId, set)
    else portal.contactCompanies.delete(contactId)
    if (opts.silent) return
    const at = opts.at ?? this.clock.now()
    this.#emit({
      ...event(portal, 'contacts', 'associationChange', contactId, at, opts.source),
      fromObjectId: Number(contactId),
      toObjectId: Number(companyId),
      associationType: 'CONTACT_TO_COMPANY',
      associationRemoved: opts.remove === true,
    })
  }

  /** Company ids of a contact, or contact ids of a company (live records only). */
  associated(portal: Portal, from: ObjectType, id: string): string[] {
    if (from === 'contacts') return [...portal.contactCompanies.get(id) ?? []]
    const out: string[] = []
    for (const [contact, companies] of portal.contactCompanies) {
      if (companies.has(id)) out.push(contact)
    }
    return out.sort((a, b) => Number(a) - Number(b))
  }

  /** Makes due index versions searchable; search calls this before reading `indexed`. */
  catchUpIndex(portal: Portal): void {
    const now = this.clock.now()
    for (const r of portal.unindexed) {
      while (r.pending.length && r.pending[0].visibleAt <= now) {
        r.indexed = r.pending.shift()!.version
      }
      if (!r.pending.length) portal.unindexed.delete(r)
    }
  }

  #queueIndex(portal: Portal, r: HubRecord, visibleAfterMs?: number): void {
    const lag = visibleAfterMs ?? portal.searchLagMs
    if (lag <= 0 && !r.pending.length) {
      r.indexed = versionOf(r)
      return
    }
    r.pending.push({ visibleAt: this.clock.now() + lag, version: versionOf(r) })
    portal.unindexed.add(r)
  }

  #live(portal: Portal, type: ObjectType, id: string): HubRecord {
    const r = portal.records[type].get(String(id))
    if (!r || r.archivedAt !== null) throw new Error(`no live ${SINGULAR[type]} ${id}`)
    return r
  }

  #remove(portal: Portal, r: HubRecord): void {
    portal.records[r.type].delete(r.id)
    portal.unindexed.delete(r)
    portal.archived.delete(r)
    if (r.type === 'contacts') portal.contactCompanies.delete(r.id)
    else for (const set of portal.contactCompanies.values()) set.delete(r.id)
    portal.version++
  }
}

export interface ChangeOptions {
  /** The modification time (default now); one value for a whole bulk change. */
  at?: number
  /** Search sees the change this long after it (default: the portal's lag). */
  visibleAfterMs?: number
  /** Webhook `changeSource` (default `CRM_UI`). */
  source?: string
  /** No webhook events (seeding). */
  silent?: boolean
}

/** Properties HubSpot computes: a write that names them is ignored for them. */
const READ_ONLY = new Set([
  'hs_object_id',
  'createdate',
  'lastmodifieddate',
  'hs_lastmodifieddate',
  'hs_merged_object_ids',
])

function clean(p: Properties | Record<string, unknown>): Properties {
  const out: Properties = {}
  for (const [k, v] of Object.entries(p)) out[k] = v === null || v === undefined ? null : String(v)
  return out
}

function stampModified(type: ObjectType, p: Properties, at: number): void {
  p.hs_lastmodifieddate = iso(at)
  if (type === 'contacts') p.lastmodifieddate = iso(at)
}

function versionOf(r: HubRecord): IndexedVersion {
  return { properties: { ...r.properties }, updatedAt: r.updatedAt }
}

function event(
  portal: Portal,
  type: ObjectType,
  kind: string,
  id: string,
  at: number,
  source = 'CRM_UI',
): ChangeEvent {
  return {
    portalId: portal.portalId,
    occurredAt: at,
    subscriptionType: `${SINGULAR[type]}.${kind}`,
    objectId: Number(id),
    changeSource: source,
  }
}
