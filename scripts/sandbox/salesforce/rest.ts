// REST API under /services/data: sessions, the daily allowance, and routing to query/sObject/composite handlers.

import { normalizeId } from './data/ids.ts'
import {
  basicInfo,
  describeGlobal,
  describeSObject,
  httpDate,
  notModifiedSince,
} from './describe.ts'
import {
  commitCreate,
  commitDelete,
  commitUpdate,
  type DmlError,
  planCreate,
  planDelete,
  type Planned,
  planUpdate,
} from './dml.ts'
import type { Host, RequestNote, SandboxEnv } from './env.ts'
import { bearerToken, json, notFound, restError, sessionInvalid } from './http.ts'
import { batchSizeFrom } from './query.ts'
import { getDeleted, getUpdated } from './replication.ts'
import type { SchemaView } from './org-schema.ts'
import type { SObjectDef } from './schema.ts'
import { SoqlError } from './soql/errors.ts'
import { createProjector } from './soql/project.ts'
import type { OrgState } from './state.ts'
import type { AccessToken } from './tokens.ts'

const MAX_COLLECTION = 200
/** Most ids one sObject Collections retrieve takes (GET or POST). */
const MAX_RETRIEVE = 2000

export function versionLabel(v: number): string {
  const n = v - 20
  const season = ['Winter', 'Spring', 'Summer'][n % 3]
  const year = 11 + Math.floor(n / 3)
  return `${season} '${String(year).padStart(2, '0')}`
}

/** `GET /services/data/`: not counted and without a limit header (facts §4.2). */
export function versions(env: SandboxEnv): Response {
  const list = []
  for (let v = env.options.minApiVersion; v <= env.options.maxApiVersion; v++) {
    list.push({ label: versionLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` })
  }
  return json(list)
}

interface Call {
  req: Request
  url: URL
  org: OrgState
  session: AccessToken
  version: string
  env: SandboxEnv
  note: RequestNote
  /** The org's objects and fields as the session's user sees them (field-level security). */
  schema: SchemaView
}

export async function handleRest(
  req: Request,
  url: URL,
  path: string,
  host: Host,
  env: SandboxEnv,
  note: RequestNote,
): Promise<Response> {
  if (path === '/services/data' || path === '/services/data/') {
    note.endpoint = 'versions'
    return versions(env)
  }
  const m = /^\/services\/data\/v(\d+)\.0(\/.*)?$/.exec(path)
  if (!m || !host.org) return notFound()
  const version = Number(m[1])
  if (version < env.options.minApiVersion || version > env.options.maxApiVersion) return notFound()
  const org = host.org
  note.orgId = org.id
  const now = env.clock.now()
  const token = bearerToken(req, url)
  const session = token ? env.tokens.session(token, now) : null
  // A token of another org is as unknown here as a made-up one.
  if (!session || session.orgId !== org.id) return sessionInvalid()
  const limitHeader = () => ({ 'Sforce-Limit-Info': org.usage.header(env.clock.now()) })
  if (org.usage.exhausted(now)) {
    return withHeaders(
      restError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
      limitHeader(),
    )
  }
  org.usage.record(now)
  note.counted = true
  const call: Call = {
    req,
    url,
    org,
    session,
    version: `${version}.0`,
    env,
    note,
    schema: org.data.schema.view(session.userId),
  }
  const res = await route(call, (m[2] ?? '/').replace(/\/+$/, '') || '/')
  return withHeaders(res, limitHeader())
}

function withHeaders(res: Response, headers: Record<string, string>): Response {
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v)
  return res
}

function methodNotAllowed(method: string, allowed: string[]): Response {
  return restError(
    405,
    'METHOD_NOT_ALLOWED',
    `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(',')}`,
  )
}

async function route(c: Call, sub: string): Promise<Response> {
  const { req, note } = c
  const parts = sub.split('/').filter(Boolean)
  if (parts.length === 0) {
    note.endpoint = 'resources'
    return resources(c.version)
  }
  const [head, second, third] = parts
  if (head === 'query' || head === 'queryAll') {
    if (req.method !== 'GET') return methodNotAllowed(req.method, ['GET', 'HEAD'])
    if (parts.length === 1) return query(c, head === 'queryAll')
    if (parts.length === 2) return queryMore(c, second)
    return notFound()
  }
  if (head === 'limits' && parts.length === 1) {
    note.endpoint = 'limits'
    return limits(c)
  }
  if (head === 'sobjects') {
    if (parts.length === 1) {
      note.endpoint = 'sobjects.describeGlobal'
      return conditional(
        c,
        c.org.data.schema.globalModifiedAt,
        () => describeGlobal(c.version, c.schema),
      )
    }
    const def = c.schema.find(second)
    if (!def) {
      note.endpoint = 'sobject'
      return restError(404, 'NOT_FOUND', 'The requested resource does not exist')
    }
    if (parts.length === 2) {
      if (req.method === 'POST') return await createOne(c, def)
      if (req.method !== 'GET') return methodNotAllowed(req.method, ['GET', 'POST', 'HEAD'])
      note.endpoint = 'sobject.basicInfo'
      return json(basicInfo(def, c.version))
    }
    if (parts.length === 3 && third === 'describe') {
      note.endpoint = 'sobject.describe'
      return conditional(
        c,
        c.org.data.schema.modifiedAt(def.name),
        () => describeSObject(def, c.version, c.schema),
      )
    }
    if (parts.length === 3 && third === 'updated') {
      note.endpoint = 'sobject.updated'
      return getUpdated(c.org, def.name, c.url, c.env.clock.now())
    }
    if (parts.length === 3 && third === 'deleted') {
      note.endpoint = 'sobject.deleted'
      return getDeleted(c.org, def.name, c.url, c.env.clock.now())
    }
    if (parts.length === 3) return await recordById(c, def, third)
    return notFound()
  }
  if (head === 'composite' && second === 'sobjects') {
    if (parts.length === 2) return await collection(c)
    if (parts.length === 3) {
      if (req.method === 'GET' || req.method === 'POST') return await retrieveMany(c, third)
      return methodNotAllowed(req.method, ['GET', 'POST', 'HEAD'])
    }
  }
  return notFound()
}

/**
 * Describe with `Last-Modified`, answering `If-Modified-Since` with 304 and no body when the
 * metadata has not changed since (facts §5). The 304 is still an API request: it is logged and
 * counted like any other call (the facts count every REST call; none documents an exemption).
 */
function conditional(c: Call, lastModified: number, body: () => unknown): Response {
  const headers = { 'Last-Modified': httpDate(lastModified) }
  if (notModifiedSince(c.req, lastModified)) return new Response(null, { status: 304, headers })
  return withHeaders(json(body()), headers)
}

function resources(v: string): Response {
  const base = `/services/data/v${v}`
  return json({
    tooling: `${base}/tooling`,
    composite: `${base}/composite`,
    query: `${base}/query`,
    queryAll: `${base}/queryAll`,
    sobjects: `${base}/sobjects`,
    limits: `${base}/limits`,
    search: `${base}/search`,
    recent: `${base}/recent`,
  })
}

// --- query ---

function query(c: Call, all: boolean): Response {
  c.note.endpoint = all ? 'queryAll' : 'query'
  const soql = c.url.searchParams.get('q')
  if (soql === null) return restError(400, 'MALFORMED_QUERY', 'A query string has to be specified')
  if (soql.length > c.env.options.maxSoqlLength) {
    return restError(
      400,
      'MALFORMED_QUERY',
      `SOQL statements can not be longer than ${c.env.options.maxSoqlLength} characters.`,
    )
  }
  try {
    const page = c.env.cursors.run(c.org, soql, {
      schema: c.schema,
      includeDeleted: all,
      batchSize: batchSizeFrom(c.req.headers.get('sforce-query-options')),
      apiVersion: c.version,
      now: c.env.clock.now(),
      ttlMs: c.env.options.locatorTtlMs,
    })
    return json(page)
  } catch (e) {
    if (e instanceof SoqlError) return restError(400, e.errorCode, e.render(soql))
    throw e
  }
}

function queryMore(c: Call, locator: string): Response {
  c.note.endpoint = 'queryMore'
  const page = c.env.cursors.more(
    c.org,
    locator,
    c.version,
    c.env.clock.now(),
    c.env.options.locatorTtlMs,
  )
  if (!page) return restError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator')
  return json(page)
}

// --- limits ---

function limits(c: Call): Response {
  const now = c.env.clock.now()
  const max = c.org.usage.max
  const used = c.org.usage.used(now)
  const entry = (Max: number, Remaining: number) => ({ Max, Remaining })
  return json({
    ConcurrentAsyncGetReportInstances: entry(200, 200),
    ConcurrentSyncReportRuns: entry(20, 20),
    DailyApiRequests: entry(max, Math.max(0, max - used)),
    DailyAsyncApexExecutions: entry(250000, 250000),
    DailyBulkApiBatches: entry(15000, 15000),
    DailyBulkV2QueryFileStorageMB: entry(976562, 976562),
    DailyBulkV2QueryJobs: entry(10000, 10000),
    DailyStreamingApiEvents: entry(10000, 10000),
    DataStorageMB: entry(
      1024,
      Math.max(0, 1024 - Math.ceil(c.org.data.count('Contact') * 2 / 1024)),
    ),
    FileStorageMB: entry(1024, 1024),
    HourlyPublishedPlatformEvents: entry(50000, 50000),
    SingleEmail: entry(15, 15),
  })
}

// --- single records ---

function dmlUser(c: Call) {
  return { userId: c.session.userId, at: c.env.clock.now() }
}

function dmlErrorResponse(errors: DmlError[], status = 400): Response {
  return json(
    errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })),
    status,
  )
}

async function readBody(c: Call): Promise<Record<string, unknown> | Response> {
  try {
    const body = await c.req.json()
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      return body as Record<string, unknown>
    }
  } catch {
    // fall through to the parser error below
  }
  return restError(400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON for this resource')
}

async function createOne(c: Call, def: SObjectDef): Promise<Response> {
  c.note.endpoint = 'sobject.create'
  const body = await readBody(c)
  if (body instanceof Response) return body
  const plan = planCreate(c.org.data, def, body)
  if (!plan.ok) return dmlErrorResponse(plan.errors)
  const id = commitCreate(c.org.data, def, plan.values, dmlUser(c))
  return json({ id, success: true, errors: [] }, 201)
}

async function recordById(c: Call, def: SObjectDef, rawId: string): Promise<Response> {
  const { req } = c
  const id = normalizeId(rawId)
  const endpoint =
    { GET: 'sobject.get', PATCH: 'sobject.update', DELETE: 'sobject.delete' }[req.method]
  c.note.endpoint = endpoint ?? 'sobject'
  if (!endpoint) return methodNotAllowed(req.method, ['GET', 'PATCH', 'HEAD', 'DELETE'])
  if (!id || !id.startsWith(def.keyPrefix)) {
    return restError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${rawId}`,
    )
  }
  const rec = c.org.data.get(def.name, id)
  if (!rec) return notFound()
  if (rec.deletedAt !== null) return restError(404, 'ENTITY_IS_DELETED', 'entity is deleted')
  if (req.method === 'GET') {
    const wanted = c.url.searchParams.get('fields')
    const fields = wanted
      ? wanted.split(',').map((n) => n.trim()).filter(Boolean).map((n) =>
        def.fieldsByName.get(n.toLowerCase()) ?? n
      )
      : def.fields
    const unknown = fields.find((f) => typeof f === 'string')
    if (unknown) {
      return restError(
        400,
        'INVALID_FIELD',
        `No such column '${unknown}' on sobject of type ${def.name}`,
      )
    }
    const bound = (fields as typeof def.fields).map((field) => ({
      hops: [],
      field,
      owner: def,
      read: () => null,
    }))
    return json(createProjector(def, bound, c.org.data, c.version)(rec))
  }
  if (req.method === 'PATCH') {
    const body = await readBody(c)
    if (body instanceof Response) return body
    if (Object.keys(body).some((k) => k.toLowerCase() === 'id')) {
      return restError(
        400,
        'INVALID_FIELD',
        'The Id field should not be specified in the sobject data.',
      )
    }
    const plan = planUpdate(c.org.data, def, id, body)
    if (!plan.ok) return dmlErrorResponse(plan.errors)
    commitUpdate(c.org.data, def, id, plan.values, dmlUser(c))
    return new Response(null, { status: 204 })
  }
  const plan = planDelete(c.org.data, def, id)
  if (!plan.ok) return dmlErrorResponse(plan.errors)
  commitDelete(c.org.data, id, dmlUser(c))
  return new Response(null, { status: 204 })
}

// --- sObject collections ---

type SaveResult = { id?: string; success: boolean; errors: DmlError[] }

const ROLLED_BACK: DmlError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message:
    'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
}

async function collection(c: Call): Promise<Response> {
  const { req } = c
  if (req.method === 'DELETE') return deleteMany(c)
  if (req.method !== 'POST' && req.method !== 'PATCH') {
    return methodNotAllowed(req.method, ['GET', 'POST', 'PATCH', 'DELETE'])
  }
  const creating = req.method === 'POST'
  c.note.endpoint = creating ? 'composite.sobjects.create' : 'composite.sobjects.update'
  const body = await readBody(c)
  if (body instanceof Response) return body
  const records = body.records
  if (!Array.isArray(records)) return restError(400, 'JSON_PARSER_ERROR', 'records is required')
  if (records.length > MAX_COLLECTION) {
    return restError(
      400,
      'EXCEEDED_ID_LIMIT',
      `record limit reached. cannot submit more than ${MAX_COLLECTION} records into this call`,
    )
  }
  const allOrNone = body.allOrNone === true
  const plans: Array<Planned & { def?: SObjectDef }> = records.map((r) => {
    const rec = (r ?? {}) as Record<string, unknown>
    const type = (rec.attributes as { type?: string } | undefined)?.type
    const def = type ? c.schema.find(type) : undefined
    if (!def) {
      return {
        ok: false as const,
        errors: [{
          statusCode: 'INVALID_TYPE',
          message: type ? `sObject type '${type}' is not supported.` : 'sObject type is required',
          fields: [],
        }],
      }
    }
    if (creating) return { ...planCreate(c.org.data, def, rec), def }
    const { id, ...fields } = Object.fromEntries(
      Object.entries(rec).map(([k, v]) => [k.toLowerCase() === 'id' ? 'id' : k, v]),
    )
    if (id === undefined) {
      return {
        ok: false as const,
        errors: [{
          statusCode: 'MISSING_ARGUMENT',
          message: 'Id not specified in an update call',
          fields: [],
        }],
      }
    }
    return { ...planUpdate(c.org.data, def, id, fields), def }
  })
  // allOrNone: one failure rolls back everything (facts §6).
  if (allOrNone && plans.some((p) => !p.ok)) {
    return json(
      plans.map((p): SaveResult => ({ success: false, errors: p.ok ? [ROLLED_BACK] : p.errors })),
    )
  }
  const opts = dmlUser(c)
  const results: SaveResult[] = plans.map((p) => {
    if (!p.ok) return { success: false, errors: p.errors }
    if (creating) {
      return { id: commitCreate(c.org.data, p.def!, p.values, opts), success: true, errors: [] }
    }
    commitUpdate(c.org.data, p.def!, p.id!, p.values, opts)
    return { id: p.id!, success: true, errors: [] }
  })
  return json(results)
}

function deleteMany(c: Call): Response {
  c.note.endpoint = 'composite.sobjects.delete'
  const ids = (c.url.searchParams.get('ids') ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  if (ids.length === 0) return restError(400, 'MISSING_ARGUMENT', 'ids parameter is required')
  if (ids.length > MAX_COLLECTION) {
    return restError(
      400,
      'EXCEEDED_ID_LIMIT',
      `record limit reached. cannot submit more than ${MAX_COLLECTION} records into this call`,
    )
  }
  const allOrNone = c.url.searchParams.get('allOrNone') === 'true'
  const plans = ids.map((id) => planDelete(c.org.data, null, id))
  if (allOrNone && plans.some((p) => !p.ok)) {
    return json(
      plans.map((p, i): SaveResult =>
        p.ok
          ? { id: normalizeId(ids[i])!, success: false, errors: [ROLLED_BACK] }
          : { success: false, errors: p.errors }
      ),
    )
  }
  const opts = dmlUser(c)
  return json(plans.map((p): SaveResult => {
    if (!p.ok) return { success: false, errors: p.errors }
    commitDelete(c.org.data, p.id!, opts)
    return { id: p.id!, success: true, errors: [] }
  }))
}

/**
 * sObject Collections retrieve: `GET ...?ids=&fields=`, or `POST` with `{"ids": [...], "fields":
 * [...]}` for lists too long for a URL. Up to 2,000 ids of one type; the answer has one entry per
 * id, in order: the record with the asked fields, or null for an id that is malformed, of
 * another type, deleted or unknown. An unknown field fails the whole call (400).
 */
async function retrieveMany(c: Call, type: string): Promise<Response> {
  c.note.endpoint = 'composite.sobjects.retrieve'
  const def = c.schema.find(type)
  if (!def) return notFound()
  let ids: string[] | undefined
  let names: string[] | undefined
  if (c.req.method === 'POST') {
    const body = await readBody(c)
    if (body instanceof Response) return body
    const list = (v: unknown) =>
      v === undefined || v === null
        ? undefined
        : Array.isArray(v) && v.every((x) => typeof x === 'string')
        ? v as string[]
        : null
    const [givenIds, givenFields] = [list(body.ids), list(body.fields)]
    if (givenIds === null || givenFields === null) {
      return restError(
        400,
        'JSON_PARSER_ERROR',
        'ids and fields must be arrays of strings in the request body',
      )
    }
    ids = givenIds
    names = givenFields?.map((s) => s.trim()).filter(Boolean)
  } else {
    const list = (name: string) =>
      (c.url.searchParams.get(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean)
    ids = list('ids')
    names = list('fields')
  }
  if (!ids?.length || !names?.length) {
    return restError(400, 'MISSING_ARGUMENT', 'ids and fields are required')
  }
  if (ids.length > MAX_RETRIEVE) {
    return restError(
      400,
      'EXCEEDED_ID_LIMIT',
      `cannot retrieve more than ${MAX_RETRIEVE} records`,
    )
  }
  const fields = []
  for (const n of names) {
    const f = def.fieldsByName.get(n.toLowerCase())
    if (!f) {
      return restError(400, 'INVALID_FIELD', `No such column '${n}' on sobject of type ${def.name}`)
    }
    fields.push({ hops: [], field: f, owner: def, read: () => null })
  }
  const project = createProjector(def, fields, c.org.data, c.version)
  return json(ids.map((raw) => {
    const id = normalizeId(raw)
    const rec = id ? c.org.data.get(def.name, id) : undefined
    return rec && rec.deletedAt === null ? project(rec) : null
  }))
}
