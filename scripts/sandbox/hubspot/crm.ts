// The CRM API of api.hubapi.com for contacts and companies: list (with `after` paging and the
// archived view), read, batch read, search, writes, merge, GDPR delete, properties, associations
// v4 and account info (facts §2–6). Routing returns the scope and endpoint name a call needs;
// the sandbox checks the token and the rate limits before running the handler.

import { apiError, json, jsonBody, objectNotFound, validationError } from './http.ts'
import { DEFAULT_PROPERTIES, describeProperty, PROPERTIES, propertyDef } from './properties.ts'
import { parseSearch, runSearch, SEARCH_RESULT_CAP } from './search.ts'
import {
  type HubRecord,
  type IndexedVersion,
  iso,
  MODIFIED_PROPERTY,
  type ObjectType,
  type Portal,
  type Properties,
  type SandboxState,
  SINGULAR,
} from './state.ts'

export interface CrmContext {
  req: Request
  url: URL
  params: string[]
  portal: Portal
  state: SandboxState
  now: number
}

export interface ApiRoute {
  endpoint: string
  /** The scope the token must carry (null: any valid token). */
  scope: string | null
  /** Counts against the per-second search limit as well. */
  search: boolean
  handle(ctx: CrmContext): Response | Promise<Response>
}

const LIST_MAX = 100
const BATCH_MAX = 100
const ASSOCIATION_BATCH_MAX = 1_000

/** Object type from a path segment: the name or HubSpot's object type id. */
function objectType(segment: string): ObjectType | null {
  if (segment === 'contacts' || segment === 'contact' || segment === '0-1') return 'contacts'
  if (segment === 'companies' || segment === 'company' || segment === '0-2') return 'companies'
  return null
}

/** Date-based paths (`/crm/objects/2026-03/…`) are served as their v3 equivalents. */
function canonicalPath(path: string): string {
  return path
    .replace(/^\/crm\/objects\/\d{4}-\d{2}\//, '/crm/v3/objects/')
    .replace(/^\/crm\/properties\/\d{4}-\d{2}\//, '/crm/v3/properties/')
    .replace(/^\/crm\/associations\/\d{4}-\d{2}\//, '/crm/v4/associations/')
}

type Table = Array<[string, RegExp, string, 'read' | 'write' | 'schema' | null, Handler, boolean?]>
type Handler = (
  ctx: CrmContext,
  type: ObjectType,
  to: ObjectType | null,
) => Response | Promise<Response>

const T = '([^/]+)'
const ROUTES: Table = [
  ['GET', new RegExp(`^/crm/v3/objects/${T}$`), 'crm.list', 'read', list],
  ['POST', new RegExp(`^/crm/v3/objects/${T}$`), 'crm.create', 'write', create],
  ['POST', new RegExp(`^/crm/v3/objects/${T}/search$`), 'crm.search', 'read', search, true],
  ['POST', new RegExp(`^/crm/v3/objects/${T}/batch/read$`), 'crm.batch.read', 'read', batchRead],
  ['POST', new RegExp(`^/crm/v3/objects/${T}/merge$`), 'crm.merge', 'write', merge],
  ['POST', /^\/crm\/v3\/objects\/(contacts|0-1)\/gdpr-delete$/, 'crm.gdpr-delete', 'write', gdpr],
  ['GET', new RegExp(`^/crm/v3/objects/${T}/${T}$`), 'crm.read', 'read', read],
  ['PATCH', new RegExp(`^/crm/v3/objects/${T}/${T}$`), 'crm.update', 'write', update],
  ['DELETE', new RegExp(`^/crm/v3/objects/${T}/${T}$`), 'crm.archive', 'write', archive],
  ['GET', new RegExp(`^/crm/v3/properties/${T}$`), 'properties.list', 'schema', properties],
  ['GET', new RegExp(`^/crm/v3/properties/${T}/${T}$`), 'properties.read', 'schema', property],
  [
    'GET',
    new RegExp(`^/crm/v4/objects/${T}/${T}/associations/${T}$`),
    'associations.list',
    'read',
    associationsOf,
  ],
  [
    'POST',
    new RegExp(`^/crm/v4/associations/${T}/${T}/batch/read$`),
    'associations.batch.read',
    'read',
    associationsBatch,
  ],
  [
    'PUT',
    new RegExp(`^/crm/v4/objects/${T}/${T}/associations/default/${T}/${T}$`),
    'associations.create',
    'write',
    associate,
  ],
  [
    'DELETE',
    new RegExp(`^/crm/v4/objects/${T}/${T}/associations/${T}/${T}$`),
    'associations.delete',
    'write',
    associate,
  ],
  ['GET', /^\/account-info\/v3\/details$/, 'account.details', null, accountDetails],
]

/** The route for a call, or null (404). Throws nothing; unknown object types are 404s too. */
export function matchApiRoute(method: string, rawPath: string): ApiRoute | null {
  const path = canonicalPath(rawPath)
  for (const [m, pattern, endpoint, access, handler, isSearch] of ROUTES) {
    if (m !== method) continue
    const match = pattern.exec(path)
    if (!match) continue
    if (endpoint === 'account.details') {
      return {
        endpoint,
        scope: null,
        search: false,
        handle: (ctx) => handler(ctx, 'contacts', null),
      }
    }
    const type = objectType(match[1])
    if (!type) return null
    // The association routes name the other type in the third segment (or second for batch).
    const toSegment = endpoint === 'associations.batch.read' ? match[2] : match[3]
    const to = endpoint.startsWith('associations') ? objectType(toSegment ?? '') : null
    if (endpoint.startsWith('associations') && (!to || to === type)) return null
    const scope = access === 'schema' ? `crm.schemas.${type}.read` : `crm.objects.${type}.${access}`
    return {
      endpoint,
      scope,
      search: isSearch === true,
      handle: (ctx) => handler({ ...ctx, params: match.slice(1) }, type, to),
    }
  }
  return null
}

/**
 * A record as the API returns it: the requested properties (null when unset; unknown names
 * ignored) plus `hs_object_id`, `createdate` and the modified date, which HubSpot always adds.
 */
function view(
  type: ObjectType,
  r: HubRecord,
  names: string[] | null,
  version: IndexedVersion = r,
) {
  const wanted = names && names.length ? names : DEFAULT_PROPERTIES[type]
  const props: Properties = {}
  for (const n of [...wanted, 'hs_object_id', 'createdate', MODIFIED_PROPERTY[type]]) {
    if (!propertyDef(type, n)) continue
    props[n] = version.properties[n] ?? null
  }
  return {
    id: r.id,
    properties: props,
    createdAt: iso(r.createdAt),
    updatedAt: iso(version.updatedAt),
    archived: r.archivedAt !== null,
    ...(r.archivedAt !== null ? { archivedAt: iso(r.archivedAt) } : {}),
  }
}

function propertyList(url: URL): string[] | null {
  const all = url.searchParams.getAll('properties').flatMap((p) => p.split(',')).map((p) =>
    p.trim()
  ).filter(Boolean)
  return all.length ? all : null
}

function list(ctx: CrmContext, type: ObjectType): Response {
  const q = ctx.url.searchParams
  const limit = q.has('limit') ? Number(q.get('limit')) : 10
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX) {
    return validationError(`limit must be between 1 and ${LIST_MAX}`)
  }
  const archived = q.get('archived') === 'true'
  const records = ctx.state.ordered(ctx.portal, type, archived)
  // `after` is the next record id to return: the listing walks ids in ascending order.
  const after = q.get('after')
  if (after !== null && !/^\d+$/.test(after)) return validationError('after must be a record id')
  const start = after === null ? 0 : lowerBound(records, Number(after))
  const page = records.slice(start, start + limit)
  const next = records[start + limit]
  const names = propertyList(ctx.url)
  return json({
    results: page.map((r) => view(type, r, names)),
    ...(next ? { paging: { next: { after: next.id } } } : {}),
  })
}

function lowerBound(records: HubRecord[], id: number): number {
  let lo = 0
  let hi = records.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (Number(records[mid].id) < id) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** A live record by id; a merged-away id resolves to its survivor (facts §5, reported v3). */
function findLive(ctx: CrmContext, type: ObjectType, id: string): HubRecord | undefined {
  let current = id
  for (let hops = 0; hops < 100; hops++) {
    const r = ctx.state.record(ctx.portal, type, current)
    if (r) return r.archivedAt === null ? r : undefined
    const survivor = ctx.portal.mergedInto.get(current)
    if (!survivor) return undefined
    current = survivor
  }
  return undefined
}

function read(ctx: CrmContext, type: ObjectType): Response {
  const id = ctx.params[1]
  const archived = ctx.url.searchParams.get('archived') === 'true'
  const idProperty = ctx.url.searchParams.get('idProperty')
  let r: HubRecord | undefined
  if (idProperty) {
    r = findByUnique(ctx, type, idProperty, id)
  } else if (archived) {
    const found = ctx.state.record(ctx.portal, type, id)
    r = found?.archivedAt !== null ? found : undefined
  } else {
    r = findLive(ctx, type, id)
  }
  if (!r) return objectNotFound()
  return json(view(type, r, propertyList(ctx.url)))
}

function findByUnique(ctx: CrmContext, type: ObjectType, prop: string, value: string) {
  if (!propertyDef(type, prop)?.hasUniqueValue) return undefined
  const wanted = value.toLowerCase()
  for (const r of ctx.state.ordered(ctx.portal, type, false)) {
    if ((r.properties[prop] ?? '').toLowerCase() === wanted) return r
  }
  return undefined
}

async function batchRead(ctx: CrmContext, type: ObjectType): Promise<Response> {
  const body = await jsonBody(ctx.req)
  if (!body || !Array.isArray(body.inputs)) return validationError('inputs must be an array')
  if (body.inputs.length > BATCH_MAX) {
    return validationError(`Batch input limit is ${BATCH_MAX}`)
  }
  const names = Array.isArray(body.properties) ? body.properties.map(String) : null
  const idProperty = typeof body.idProperty === 'string' ? body.idProperty : null
  const started = iso(ctx.now)
  const results = []
  const missing: string[] = []
  for (const input of body.inputs as Array<{ id?: unknown }>) {
    const id = String(input?.id ?? '')
    // Batch read does not follow merges: an absorbed id is reported missing.
    const r = idProperty
      ? findByUnique(ctx, type, idProperty, id)
      : ctx.state.record(ctx.portal, type, id)
    if (r && r.archivedAt === null) results.push(view(type, r, names))
    else missing.push(id)
  }
  const out = {
    status: 'COMPLETE',
    results,
    startedAt: started,
    completedAt: started,
    ...(missing.length
      ? {
        numErrors: 1,
        errors: [{
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `Could not get some ${
            SINGULAR[type].toUpperCase()
          } objects, they may be deleted or not exist. Check that ids are valid.`,
          context: { ids: missing },
        }],
      }
      : {}),
  }
  return json(out, missing.length ? 207 : 200)
}

async function search(ctx: CrmContext, type: ObjectType): Promise<Response> {
  const body = await jsonBody(ctx.req)
  if (!body) return validationError('Invalid input JSON')
  const req = parseSearch(type, body)
  if (typeof req === 'string') return validationError(req)
  // Paging at or past the 10,000th result is refused outright (facts §0 trap 1).
  if (req.after >= SEARCH_RESULT_CAP) {
    return validationError(
      `Search results are limited to ${SEARCH_RESULT_CAP} total results. Narrow the query (after=${req.after}).`,
    )
  }
  ctx.state.catchUpIndex(ctx.portal)
  const hits = runSearch(type, ctx.portal.records[type].values(), req)
  const end = Math.min(req.after + req.limit, SEARCH_RESULT_CAP, hits.length)
  const page = hits.slice(req.after, end)
  return json({
    total: hits.length,
    results: page.map((h) => view(type, h.record, req.properties, h.version)),
    ...(end < hits.length && req.limit > 0 ? { paging: { next: { after: String(end) } } } : {}),
  })
}

function writable(type: ObjectType, props: unknown): Properties | string {
  if (!props || typeof props !== 'object' || Array.isArray(props)) {
    return 'properties must be an object'
  }
  const out: Properties = {}
  for (const [k, v] of Object.entries(props)) {
    const def = propertyDef(type, k)
    if (!def) return `Property values were not valid: property "${k}" does not exist`
    if (def.readOnly) continue
    out[k] = v === null ? null : String(v)
  }
  return out
}

function emailTaken(ctx: CrmContext, email: string | null | undefined, self?: string) {
  if (!email) return null
  const r = findByUnique(ctx, 'contacts', 'email', email)
  return r && r.id !== self ? r : null
}

/** 409 with the existing id only inside the message, as HubSpot words it (facts §8). */
const conflict = (id: string) =>
  apiError(409, 'CONFLICT', `Contact already exists. Existing ID: ${id}`)

async function create(ctx: CrmContext, type: ObjectType): Promise<Response> {
  const body = await jsonBody(ctx.req)
  const props = writable(type, body?.properties)
  if (typeof props === 'string') return validationError(props)
  if (type === 'contacts') {
    const clash = emailTaken(ctx, props.email)
    if (clash) return conflict(clash.id)
  }
  const [id] = ctx.state.createRecords(ctx.portal.portalId, type, [props], { source: 'API' })
  return json(view(type, ctx.state.record(ctx.portal, type, id)!, Object.keys(props)), 201)
}

async function update(ctx: CrmContext, type: ObjectType): Promise<Response> {
  const r = findLive(ctx, type, ctx.params[1])
  if (!r || r.id !== ctx.params[1]) return objectNotFound()
  const body = await jsonBody(ctx.req)
  const props = writable(type, body?.properties)
  if (typeof props === 'string') return validationError(props)
  if (type === 'contacts' && 'email' in props) {
    const clash = emailTaken(ctx, props.email, r.id)
    if (clash) return conflict(clash.id)
  }
  ctx.state.updateRecords(ctx.portal.portalId, type, [{ id: r.id, properties: props }], {
    source: 'API',
  })
  return json(view(type, r, Object.keys(props)))
}

function archive(ctx: CrmContext, type: ObjectType): Response {
  const r = ctx.state.record(ctx.portal, type, ctx.params[1])
  // Archiving what is gone is not an error at HubSpot: 204 either way.
  if (r && r.archivedAt === null) {
    ctx.state.archiveRecords(ctx.portal.portalId, type, [r.id], { source: 'API' })
  }
  return new Response(null, { status: 204 })
}

async function merge(ctx: CrmContext, type: ObjectType): Promise<Response> {
  const body = await jsonBody(ctx.req)
  const primary = String(body?.primaryObjectId ?? '')
  const merged = String(body?.objectIdToMerge ?? '')
  if (!primary || !merged || primary === merged) {
    return validationError('primaryObjectId and objectIdToMerge must be two different ids')
  }
  const a = ctx.state.record(ctx.portal, type, primary)
  const b = ctx.state.record(ctx.portal, type, merged)
  if (!a || a.archivedAt !== null || !b || b.archivedAt !== null) return objectNotFound()
  const survivor = ctx.state.mergeRecords(ctx.portal.portalId, type, primary, merged, {
    source: 'API',
  })
  return json(view(type, survivor, null))
}

async function gdpr(ctx: CrmContext): Promise<Response> {
  const body = await jsonBody(ctx.req)
  const id = String(body?.objectId ?? '')
  const idProperty = typeof body?.idProperty === 'string' ? body.idProperty : null
  const r = idProperty
    ? findByUnique(ctx, 'contacts', idProperty, id)
    : ctx.state.record(ctx.portal, 'contacts', id)
  if (!r) return objectNotFound()
  ctx.state.gdprDelete(ctx.portal.portalId, [r.id], { source: 'API' })
  return new Response(null, { status: 204 })
}

function properties(ctx: CrmContext, type: ObjectType): Response {
  return json({ results: PROPERTIES[type].map((p) => describeProperty(p, epoch(ctx))) })
}

function property(ctx: CrmContext, type: ObjectType): Response {
  const def = propertyDef(type, ctx.params[1])
  if (!def) {
    return apiError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${ctx.params[1]}`)
  }
  return json(describeProperty(def, epoch(ctx)))
}

/** Properties are as old as the portal's first record (or now). */
function epoch(ctx: CrmContext): string {
  const first = ctx.portal.records.contacts.values().next().value ??
    ctx.portal.records.companies.values().next().value
  return iso(first?.createdAt ?? ctx.now)
}

/** Association types of contact→company (1 primary, 279 unlabeled) and back (2, 280). */
function associationTypes(from: ObjectType, primary: boolean) {
  const [primaryId, plainId] = from === 'contacts' ? [1, 279] : [2, 280]
  return [
    ...(primary ? [{ category: 'HUBSPOT_DEFINED', typeId: primaryId, label: 'Primary' }] : []),
    { category: 'HUBSPOT_DEFINED', typeId: plainId, label: null },
  ]
}

function associationTargets(ctx: CrmContext, from: ObjectType, id: string) {
  const ids = ctx.state.associated(ctx.portal, from, id)
  // The first company of a contact is its primary one.
  const primaryCompany = from === 'contacts' ? ids[0] : null
  return ids.map((to) => ({
    toObjectId: Number(to),
    associationTypes: associationTypes(
      from,
      from === 'contacts'
        ? to === primaryCompany
        : ctx.state.associated(ctx.portal, 'contacts', to)[0] === id,
    ),
  }))
}

function associationsOf(ctx: CrmContext, from: ObjectType): Response {
  const r = ctx.state.record(ctx.portal, from, ctx.params[1])
  if (!r || r.archivedAt !== null) return objectNotFound()
  return json({ results: associationTargets(ctx, from, r.id) })
}

async function associationsBatch(ctx: CrmContext, from: ObjectType): Promise<Response> {
  const body = await jsonBody(ctx.req)
  if (!body || !Array.isArray(body.inputs)) return validationError('inputs must be an array')
  // At most 1,000 ids per call since 2025-02-10 (facts §0 trap 11).
  if (body.inputs.length > ASSOCIATION_BATCH_MAX) {
    return validationError(`Batch input limit is ${ASSOCIATION_BATCH_MAX}`)
  }
  const results = []
  const missing: string[] = []
  for (const input of body.inputs as Array<{ id?: unknown }>) {
    const id = String(input?.id ?? '')
    const r = ctx.state.record(ctx.portal, from, id)
    if (!r || r.archivedAt !== null) {
      missing.push(id)
      continue
    }
    results.push({ from: { id }, to: associationTargets(ctx, from, id) })
  }
  const now = iso(ctx.now)
  return json(
    {
      status: 'COMPLETE',
      results,
      startedAt: now,
      completedAt: now,
      ...(missing.length
        ? {
          numErrors: missing.length,
          errors: missing.map((id) => ({
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: `No ${SINGULAR[from]} with id ${id}`,
            context: { fromObjectId: [id] },
          })),
        }
        : {}),
    },
    missing.length ? 207 : 200,
  )
}

/** `PUT …/associations/default/{to}/{toId}` creates; `DELETE …/associations/{to}/{toId}` removes. */
function associate(ctx: CrmContext, from: ObjectType, to: ObjectType | null): Response {
  const fromId = ctx.params[1]
  const toId = ctx.params[3]
  const a = ctx.state.record(ctx.portal, from, fromId)
  const b = to ? ctx.state.record(ctx.portal, to, toId) : undefined
  if (!a || a.archivedAt !== null || !b || b.archivedAt !== null) return objectNotFound()
  const [contact, company] = from === 'contacts' ? [fromId, toId] : [toId, fromId]
  ctx.state.associate(ctx.portal.portalId, contact, company, {
    source: 'API',
    remove: ctx.req.method === 'DELETE',
  })
  if (ctx.req.method === 'DELETE') return new Response(null, { status: 204 })
  return json({
    fromObjectTypeId: from === 'contacts' ? '0-1' : '0-2',
    fromObjectId: Number(fromId),
    toObjectTypeId: from === 'contacts' ? '0-2' : '0-1',
    toObjectId: Number(toId),
    labels: [],
  })
}

function accountDetails(ctx: CrmContext): Response {
  return json({
    portalId: ctx.portal.portalId,
    accountType: 'STANDARD',
    timeZone: ctx.portal.timeZone,
    companyCurrency: 'USD',
    additionalCurrencies: [],
    utcOffset: '-05:00',
    utcOffsetMilliseconds: -18_000_000,
    uiDomain: 'app.hubspot.com',
    dataHostingLocation: 'na1',
  })
}
