// Builds the OpenAPI 3.1 document of function apps from their own routes: each route's handlers
// carry what they validate (zod schemas, via `validate`), who may call (`requireUser`,
// `requireCronSecret`), which errors they answer, and the response bodies (`describeRoute`).
// Schemas go through zod's own JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1).
import { z } from 'zod'
import { type ErrorCode, errorCodes } from './error-codes.ts'
import { type InputTarget, type ResponseDoc, type RouteDoc, routeDocOf } from './route-docs.ts'

/** The part of a Hono app the document reads: its routes in registration order. */
export interface DocumentedApp {
  routes: ReadonlyArray<{ method: string; path: string; handler: object }>
}

type JsonSchema = Record<string, unknown>
type Operation = Record<string, unknown>

export interface OpenApiDocument {
  openapi: '3.1.0'
  info: { title: string; version: string; description: string }
  servers: unknown[]
  tags: Array<{ name: string; description?: string }>
  paths: Record<string, Record<string, Operation>>
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, JsonSchema> }
}

const methodOrder = ['get', 'put', 'post', 'patch', 'delete']

const securitySchemes = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "The signed-in user's Supabase access token (supabase-js: session.access_token)",
  },
  cronSecret: {
    type: 'http',
    scheme: 'bearer',
    description: 'SYNC_CRON_SECRET, the secret pg_cron sends from Vault (sync-cron only)',
  },
}

/** Errors that come with how a route is built, before its own logic runs. */
function impliedErrors(doc: MergedDoc): ErrorCode[] {
  // The body limit runs for every route of the app (a body sent where none is read included).
  const codes: ErrorCode[] = ['internal_error', 'payload_too_large']
  if (doc.inputs.length > 0) codes.push('validation_failed')
  if (doc.inputs.some((input) => input.target === 'json')) codes.push('bad_request')
  if (doc.security === 'bearer') codes.push('unauthorized', 'service_unavailable')
  if (doc.security === 'cronSecret') codes.push('unauthorized')
  return codes
}

interface MergedDoc {
  summary?: string
  description?: string
  security?: RouteDoc['security']
  inputs: NonNullable<RouteDoc['input']>[]
  /** Code → the status this route answers it with. */
  errors: Map<ErrorCode, number>
  responses: Partial<Record<number | 'default', ResponseDoc>>
}

function mergeDocs(docs: RouteDoc[]): MergedDoc {
  const merged: MergedDoc = { inputs: [], errors: new Map(), responses: {} }
  for (const doc of docs) {
    merged.summary = doc.summary ?? merged.summary
    merged.description = doc.description ?? merged.description
    merged.security = doc.security ?? merged.security
    if (doc.input) merged.inputs.push(doc.input)
    for (const error of doc.errors ?? []) {
      const [code, status] = typeof error === 'string' ? [error, errorCodes[error].status] : error
      merged.errors.set(code, status)
    }
    Object.assign(merged.responses, doc.responses)
  }
  for (const code of impliedErrors(merged)) {
    if (!merged.errors.has(code)) merged.errors.set(code, errorCodes[code].status)
  }
  return merged
}

/** The path parameter a trailing `/*` becomes: what is left of the URL, slashes included. */
export const restParam = 'path'

/** `/x/:id{[0-9a-f-]{36}}/events` → `/x/{id}/events` (a pattern may hold nested braces). */
export function openApiPath(honoPath: string): string {
  // A trailing wildcard is the rest of the URL, slashes included (the proxy's provider path).
  if (honoPath.endsWith('/*')) return `${openApiPath(honoPath.slice(0, -2))}/{${restParam}}`
  let out = ''
  for (let i = 0; i < honoPath.length; i++) {
    if (honoPath[i] !== ':') {
      out += honoPath[i]
      continue
    }
    let name = ''
    while (i + 1 < honoPath.length && /[A-Za-z0-9_]/.test(honoPath[i + 1])) name += honoPath[++i]
    if (honoPath[i + 1] === '{') {
      let depth = 0
      do {
        i++
        if (honoPath[i] === '{') depth++
        if (honoPath[i] === '}') depth--
      } while (depth > 0 && i < honoPath.length)
    }
    if (honoPath[i + 1] === '?') i++
    out += `{${name}}`
  }
  return out
}

/** Whether middleware registered for `pattern` (`use`) runs for a route at `path`. */
function covers(pattern: string, path: string): boolean {
  if (pattern === '*' || pattern === '/*') return true
  if (!pattern.endsWith('/*')) return pattern === path
  const prefix = pattern.slice(0, -2)
  return path === prefix || path.startsWith(`${prefix}/`)
}

/**
 * Each route of `app` with the docs of the handlers that run for it, in order. Middleware
 * registered after a route's last handler never runs for it (Hono composes in registration
 * order), so it does not count: that is how an open route placed first stays open.
 */
function collectRoutes(app: DocumentedApp) {
  const routes = new Map<string, { method: string; path: string; last: number }>()
  app.routes.forEach((route, index) => {
    if (route.method === 'ALL') return
    const key = `${route.method} ${route.path}`
    const entry = routes.get(key) ?? { method: route.method, path: route.path, last: index }
    entry.last = index
    routes.set(key, entry)
  })
  return [...routes.values()].map((route) => {
    const docs = app.routes
      .filter((candidate, index) =>
        index <= route.last &&
        (candidate.method === 'ALL'
          ? covers(candidate.path, route.path)
          : candidate.method === route.method && candidate.path === route.path)
      )
      .map((candidate) => routeDocOf(candidate.handler))
      .filter((doc): doc is RouteDoc => doc !== undefined)
    return { method: route.method.toLowerCase(), path: openApiPath(route.path), docs }
  })
}

/** Converts zod schemas, moving named ones (`.meta({ id })`) to components.schemas. */
class SchemaConverter {
  readonly components: Record<string, JsonSchema> = {}

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const { $schema: _, $defs, ...json } = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
    }) as JsonSchema & { $defs?: Record<string, JsonSchema> }
    for (const [id, def] of Object.entries($defs ?? {})) {
      const rewritten = rewriteRefs(def) as JsonSchema
      const known = this.components[id]
      if (known && JSON.stringify(known) !== JSON.stringify(rewritten)) {
        throw new Error(`Two different schemas are named ${id}`)
      }
      this.components[id] = rewritten
    }
    return rewriteRefs(json) as JsonSchema
  }
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string'
        ? inner.replace('#/$defs/', '#/components/schemas/')
        : rewriteRefs(inner),
    ]),
  )
}

const parameterLocation: Partial<Record<InputTarget, string>> = {
  param: 'path',
  query: 'query',
  header: 'header',
  cookie: 'cookie',
}

/** The `{path}` parameter of a route that ends in a wildcard (no validator names it). */
const restParameter = {
  name: restParam,
  in: 'path',
  required: true,
  description: 'The rest of the URL, slashes included, sent on as it is (percent-encoding kept)',
  schema: { type: 'string' },
}

function parameters(doc: MergedDoc, schemas: SchemaConverter, path: string) {
  const wildcard = path.endsWith(`/{${restParam}}`) ? [restParameter] : []
  return [
    ...doc.inputs.flatMap(({ target, schema }) => {
      const location = parameterLocation[target]
      if (!location) return []
      const json = schemas.convert(schema, 'input') as {
        properties?: Record<string, JsonSchema>
        required?: string[]
      }
      return Object.entries(json.properties ?? {}).map(([name, property]) => {
        const { description, ...rest } = property as JsonSchema & { description?: string }
        return {
          name,
          in: location,
          required: location === 'path' || (json.required ?? []).includes(name),
          ...(description ? { description } : {}),
          schema: rest,
        }
      })
    }),
    ...wildcard,
  ]
}

/** The envelope every error shares; each status narrows `code` to what the route may answer. */
const errorEnvelope = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { description: 'Only on some codes, e.g. the issues of validation_failed' },
      },
    },
  },
}

function errorResponse(codes: ErrorCode[]) {
  return {
    description: codes.map((code) => `\`${code}\`: ${errorCodes[code].description}`).join('; '),
    content: {
      'application/json': {
        schema: {
          allOf: [
            { $ref: '#/components/schemas/ErrorEnvelope' },
            {
              type: 'object',
              properties: { error: { type: 'object', properties: { code: { enum: codes } } } },
            },
          ],
        },
      },
    },
  }
}

function responseHeaders(headers: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(headers).map(([name, description]) => [
      name,
      { description, schema: { type: 'string' } },
    ]),
  )
}

function responses(doc: MergedDoc, schemas: SchemaConverter) {
  const out: Record<string, unknown> = {}
  for (const [status, response] of Object.entries(doc.responses)) {
    if (!response) continue
    out[status] = {
      description: response.description,
      ...(response.headers ? { headers: responseHeaders(response.headers) } : {}),
      ...(response.body
        ? { content: { 'application/json': { schema: schemas.convert(response.body, 'output') } } }
        : {}),
    }
  }
  const byStatus = new Map<number, ErrorCode[]>()
  for (const [code, status] of [...doc.errors].sort(([a], [b]) => a < b ? -1 : 1)) {
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const response: Record<string, unknown> = errorResponse(codes)
    if (status === 401) response.headers = responseHeaders({ 'WWW-Authenticate': 'Bearer' })
    if (status === 429) response.headers = responseHeaders({ 'Retry-After': 'Seconds to wait' })
    out[status] = response
  }
  // Statuses in order, `default` last.
  const rank = (status: string) => status === 'default' ? Infinity : Number(status)
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => rank(a) - rank(b)))
}

function operation(
  name: string,
  path: string,
  doc: MergedDoc,
  schemas: SchemaConverter,
): Operation {
  const body = doc.inputs.find((input) => input.target === 'json')
  const params = parameters(doc, schemas, path)
  const security = doc.security === 'bearer'
    ? [{ bearerAuth: [] }]
    : doc.security === 'cronSecret'
    ? [{ cronSecret: [] }]
    : []
  return {
    tags: [name],
    summary: doc.summary ?? '',
    ...(doc.description ? { description: doc.description } : {}),
    security,
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body
      ? {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: schemas.convert(body.schema, 'input') } },
        },
      }
      : {}),
    responses: responses(doc, schemas),
  }
}

/**
 * The OpenAPI 3.1 document of the given function apps (one for a function's own
 * `/openapi.json`, all of them for the merged file). Paths are those after `/functions/v1`,
 * sorted, so the same code always gives the same document.
 */
export function openApiDocument(
  apps: Array<{ name: string; app: DocumentedApp; description?: string }>,
): OpenApiDocument {
  const schemas = new SchemaConverter()
  const paths: Record<string, Record<string, Operation>> = {}
  for (const { name, app } of apps) {
    for (const route of collectRoutes(app)) {
      paths[route.path] ??= {}
      paths[route.path][route.method] = operation(name, route.path, mergeDocs(route.docs), schemas)
    }
  }
  const sortedPaths = Object.fromEntries(
    Object.entries(paths).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map((
      [path, operations],
    ) => [
      path,
      Object.fromEntries(
        Object.entries(operations).sort(([a], [b]) =>
          methodOrder.indexOf(a) - methodOrder.indexOf(b)
        ),
      ),
    ]),
  )
  return {
    openapi: '3.1.0',
    info: {
      title: 'supabase-crm-sync',
      version: '0.1.0',
      description: 'Edge functions that connect CRM accounts to a Supabase app and keep them ' +
        'synced. Errors are `{"error":{"code","message"}}`; the codes each route may answer are ' +
        'listed under its responses.',
    },
    servers: [{
      url: '{supabaseUrl}/functions/v1',
      variables: { supabaseUrl: { default: 'http://127.0.0.1:54321' } },
    }],
    tags: apps.map(({ name, description }) => ({ name, ...(description ? { description } : {}) })),
    paths: sortedPaths,
    components: {
      securitySchemes,
      schemas: Object.fromEntries(
        Object.entries({ ...schemas.components, ErrorEnvelope: errorEnvelope }).sort(([a], [b]) =>
          a < b ? -1 : a > b ? 1 : 0
        ),
      ),
    },
  }
}
