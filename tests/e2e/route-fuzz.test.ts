// A seeded fuzz run over every route of every function: the routes are read from each Hono app
// (`app.routes`), so a route added later is covered without touching this file. Each route gets a
// base request learned from its own validation errors, then one field at a time is swapped for a
// hostile value, and the body, content type, query and path are broken in every way we know.
// Nothing may answer 5xx, and every 4xx must be the error envelope.
//
// Deterministic: FUZZ_SEED picks the cases (default below), the same cases every run; a failure
// prints the seed and the requests that failed. Bounded by case counts, not by time.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { discoverFunctions } from '../../scripts/local/gateway.ts'
import { createRandom } from '../../scripts/sandbox/salesforce/data/random.ts'
import { encodeCursor } from '../../supabase/functions/_shared/contacts/cursor.ts'
import { withContactsWorld } from '../helpers/contacts-world.ts'
import { repoRoot } from '../helpers/gateway.ts'

const seed = Number(Deno.env.get('FUZZ_SEED') ?? '20261129')
/** Hostile values tried per field of a route's base request, besides the ones always tried. */
const sampledPerField = 2
/** Requests in flight at once. */
const concurrency = 4
const cronSecret = 'route-fuzz-sync-cron-secret-0123456789'
const appUrl = 'https://app.example.test/settings/integrations'
/** An id no row has; fixed, so a seed always makes the same requests. */
const unknownId = 'f0000000-0000-4000-8000-00000000000f'

/** The sandbox's seeded PRNG, with a sample of `n` items drawn without repeats. */
function prng(start: number) {
  const random = createRandom(start)
  return {
    pick: random.pick,
    sample: <T>(items: readonly T[], n: number): T[] => {
      const copy = [...items]
      for (let i = copy.length - 1; i > 0; i--) {
        const j = random.int(0, i)
        ;[copy[i], copy[j]] = [copy[j], copy[i]]
      }
      return copy.slice(0, n)
    },
  }
}

interface Route {
  fn: string
  method: string
  /** Hono's path, e.g. `/integrations/:id{[0-9a-fA-F-]{36}}/events`. */
  path: string
}

/** Every (method, path) of every function's app, middleware entries left out. */
async function allRoutes(): Promise<Route[]> {
  const functionsDir = join(repoRoot, 'supabase', 'functions')
  const routes = new Map<string, Route>()
  for (const fn of await discoverFunctions(functionsDir)) {
    const module = await import(pathToFileURL(join(functionsDir, fn, 'app.ts')).href)
    for (const { method, path } of module.app.routes as Array<{ method: string; path: string }>) {
      if (method === 'ALL' || path.endsWith('*')) continue
      routes.set(`${method} ${path}`, { fn, method, path })
    }
  }
  // Deleting comes last, so the other routes still find the things it deletes.
  return [...routes.values()].sort((a, b) =>
    Number(a.method === 'DELETE') - Number(b.method === 'DELETE')
  )
}

const nestedArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
const nestedObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)

/** Tried on every field: what Postgres cannot store, or where a value changes type. */
const alwaysTried: unknown[] = [
  'a\u0000b',
  '\ud800',
  '0000-01-01T00:00:00Z',
  '2024-13-01T00:00:00Z',
  '2024-01-01T00:00:00+16:00',
  'a'.repeat(3000),
  12,
  null,
  ['x'],
]

/** Values no field should choke on: NUL, lone surrogates, impossible dates, extremes, shapes. */
function hostileValues(ids: string[]): unknown[] {
  const cursor = (position: unknown) => encodeCursor(position)
  return [
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\u202e\ufeff',
    '🙂'.repeat(300),
    'a'.repeat(100_000),
    "' or 1=1 --",
    "Name = 'x' OR Id != null",
    '%00',
    '../../..',
    '0000-01-01T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-02-30T00:00:00Z',
    '294277-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999999-15:59',
    '2024-01-01T00:00:00+16:00',
    '2024-01-01T00:00:00+23:59',
    '-infinity',
    'NaN',
    '-1',
    '0',
    '99999999999999999999999',
    '1e309',
    '00000000-0000-0000-0000-000000000000',
    '------------------------------------',
    unknownId,
    ...ids.map((id) => id.toUpperCase()),
    cursor({ u: '2024-13-01T00:00:00.000000Z', i: unknownId }),
    cursor({ u: '0000-01-01T00:00:00.000000Z', i: unknownId }),
    cursor({ a: '\u0000' }),
    cursor({ u: '\u0000', i: '\ud800' }),
    0,
    -1,
    1.5,
    2 ** 53 + 1,
    1e308,
    -1e308,
    true,
    false,
    null,
    [],
    ['\u0000'],
    {},
    { a: { b: { c: '\u0000' } } },
    Array.from({ length: 3000 }, (_, i) => `003${String(i).padStart(12, '0')}AAA`),
  ]
}

/** Raw bodies that are not what any route expects. */
const rawBodies: Array<[string, string]> = [
  ['application/json', '{'],
  ['application/json', '{"a":'],
  ['application/json', 'null'],
  ['application/json', '[]'],
  ['application/json', '"text"'],
  ['application/json', '1e400'],
  ['application/json', '{"name":"\\u0000"}'],
  ['application/json', '{"url":"\\ud800"}'],
  ['application/json', '\u0000'],
  ['application/json', '\ufeff{}'],
  ['application/json', nestedArray(100_000)],
  ['application/json', nestedObject(10_000)],
  ['application/json', `{"name":"${'a'.repeat(3_000_000)}"}`],
  ['application/json', `[${'1,'.repeat(500_000)}1]`],
  ['text/plain', '{}'],
  ['application/x-www-form-urlencoded', 'name=a&business_id=b'],
  ['multipart/form-data; boundary=x', '--x\r\n\r\n--x--'],
  ['application/json; charset=utf-16', '{}'],
  ['', '{}'],
]

/** Path parameter values: odd shapes, plus real ids so the routes run past the lookup. */
function paramValues(name: string, ids: string[]): string[] {
  const odd = [
    '%00',
    '%FF%FE',
    'a'.repeat(5000),
    '..%2F..%2Fetc',
    '------------------------------------',
    '00000000-0000-0000-0000-000000000000',
    encodeURIComponent("' or 1=1 --"),
  ]
  return name === 'provider' ? ['salesforce', 'hubspot', ...odd] : [...ids, ...odd]
}

interface Case {
  route: Route
  params: Record<string, string>
  query: Record<string, string | string[]>
  /** undefined: no body; a string: sent as-is with `contentType`. */
  body?: string
  contentType?: string
  what: string
}

function pathOf(route: Route, params: Record<string, string>): string {
  const filled = route.path.replace(
    /:([A-Za-z_]+)(\{[^/]*\})?/g,
    (_, name: string) => params[name] ?? 'x',
  )
  return `/functions/v1${filled}`
}

function queryString(query: Record<string, string | string[]>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, item)
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}

/** How a value goes into a query string: JSON for anything that is not a string. */
const asQueryValue = (value: unknown) => typeof value === 'string' ? value : JSON.stringify(value)

const hasBody = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method)

Deno.test('every route answers hostile input with a 4xx envelope, never a 5xx', async () => {
  const random = prng(seed)
  await withContactsWorld({
    env: {
      RATE_LIMIT_MAX: '1000000',
      SYNC_CRON_SECRET: cronSecret,
      PUBLIC_FUNCTIONS_URL: 'http://127.0.0.1:9/functions/v1',
      APP_REDIRECT_ALLOWLIST: appUrl,
    },
  }, async (world) => {
    const token = world.ownerToken
    // Values a field of this name takes when it is valid, so the other fields reach the database.
    const webhook = await world.gateway.request('/functions/v1/alerts/webhooks', {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ business_id: world.businessId, url: 'https://hooks.example.com/in' }),
    })
    assert.equal(webhook.status, 201)
    const webhookId: string = (await webhook.json()).webhook.id
    const ids = [world.integrationId, webhookId, world.otherIntegrationId]
    const valid: Record<string, unknown> = {
      business_id: world.businessId,
      integration_id: world.integrationId,
      campaign_id: world.campaignId,
      webhook_id: webhookId,
      source_ids: ['003000000000001AAA'],
      name: 'Fuzzed',
      url: 'https://hooks.example.com/fuzz',
      enabled: true,
      secret: 's'.repeat(40),
      environment: 'sandbox',
      my_domain_url: 'https://acme.my.salesforce.com',
      api_version: '62.0',
      redirect_to: appUrl,
      limit: '10',
      updated_since: '2024-01-01T00:00:00Z',
      search: 'a',
      include_deleted: 'true',
      purge: 'false',
    }
    const hostile = hostileValues(ids)

    const send = async (c: Case, bearer: string): Promise<Response> => {
      const headers: Record<string, string> = {}
      if (c.body !== undefined && c.contentType) headers['content-type'] = c.contentType
      return await world.gateway.request(pathOf(c.route, c.params) + queryString(c.query), {
        method: c.route.method,
        token: bearer,
        headers,
        body: c.body,
      })
    }

    const failures: string[] = []
    let sent = 0
    const check = async (c: Case, bearer: string): Promise<Response | undefined> => {
      sent++
      let response: Response
      try {
        response = await send(c, bearer)
      } catch (error) {
        failures.push(`${describe(c)}: request failed: ${String(error).slice(0, 100)}`)
        return undefined
      }
      const text = await response.text()
      const problem = envelopeProblem(response, text)
      if (problem) {
        failures.push(`${describe(c)} -> ${response.status} ${problem}: ${text.slice(0, 160)}`)
      }
      return new Response(text || null, { status: response.status, headers: response.headers })
    }

    for (const route of await allRoutes()) {
      const params = Object.fromEntries(
        [...route.path.matchAll(/:([A-Za-z_]+)/g)].map(([, name]) => [
          name,
          name === 'provider'
            ? 'salesforce'
            : name === 'id' && route.fn === 'alerts'
            ? webhookId
            : world.integrationId,
        ]),
      )
      // Which query keys the route reads: send every key we know twice; a route's schema names
      // each key it reads in its validation issues (a repeated key is a list, which none takes).
      const known: Case = {
        route,
        params,
        query: Object.fromEntries(Object.keys(valid).map((key) => [key, ['1', '2']])),
        body: hasBody(route.method) ? '{}' : undefined,
        contentType: 'application/json',
        what: 'query keys',
      }
      // A route that needs the sync secret (sync-cron's tick) answers 401 to a user token: it
      // gets the secret instead, so its validation is reached too.
      let bearer = token
      let response = await check(known, bearer)
      if (response?.status === 401) {
        bearer = cronSecret
        response = await check(known, bearer)
      }
      const queryKeys = new Set(
        issuesOf(await response?.json().catch(() => undefined), 'query')
          .map((issue) => issue.path.split('.')[0])
          .filter((key) => key in valid),
      )
      // A base request learned from the route's own validation errors: add the fields it says
      // are missing (with their valid value) until it stops asking.
      const base: Case = { ...known, query: {}, what: 'base' }
      let json: Record<string, unknown> = {}
      for (let round = 0; round < 8; round++) {
        const answer = await check(base, bearer)
        if (!answer || answer.status < 400) break
        const body = await answer.json().catch(() => undefined)
        let changed = false
        for (const issue of issuesOf(body, 'json')) {
          const key = issue.path.split('.')[0]
          if (key in valid && !(key in json)) {
            json = { ...json, [key]: valid[key] }
            changed = true
          }
        }
        for (const issue of issuesOf(body, 'query')) {
          const key = issue.path.split('.')[0]
          if (key in valid && !(key in base.query)) {
            base.query[key] = asQueryValue(valid[key])
            changed = true
          }
        }
        if (hasBody(route.method)) base.body = JSON.stringify(json)
        if (!changed) break
      }

      const cases: Case[] = []
      // One field at a time: a hostile value in place of the valid one.
      for (const key of Object.keys(json)) {
        for (
          const value of [
            ...alwaysTried,
            ...near(json[key]),
            ...random.sample(hostile, sampledPerField),
          ]
        ) {
          cases.push({
            ...base,
            body: JSON.stringify({ ...json, [key]: value }),
            what: `json.${key}`,
          })
        }
      }
      // The keys the route reads, and one it does not (which it must ignore or refuse cleanly).
      for (const key of [...queryKeys, ...random.sample(Object.keys(valid), 1)]) {
        // A URL has a length limit of its own; longer values are the body's to carry.
        const fits = hostile.filter((value) => asQueryValue(value).length <= 3000)
        const around = near(valid[key]).map(asQueryValue)
        for (const value of [...alwaysTried, ...around, ...random.sample(fits, sampledPerField)]) {
          cases.push({
            ...base,
            query: { ...base.query, [key]: asQueryValue(value) },
            what: `query.${key}`,
          })
        }
        cases.push({ ...base, query: { ...base.query, [key]: ['1', '2'] }, what: `query.${key}[]` })
      }
      for (const name of Object.keys(params)) {
        for (const value of paramValues(name, ids)) {
          cases.push({ ...base, params: { ...params, [name]: value }, what: `param.${name}` })
        }
      }
      if (hasBody(route.method)) {
        for (const [contentType, body] of rawBodies) {
          cases.push({ ...base, body, contentType, what: `raw body ${contentType}` })
        }
        cases.push({ ...base, body: JSON.stringify({ ...json, unexpected: 1 }), what: 'extra key' })
      }
      cases.push({ ...base, query: { ...base.query, q: 'x'.repeat(8000) }, what: 'long query' })
      const queue = [...cases]
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let c = queue.shift(); c; c = queue.shift()) await check(c, bearer)
        }),
      )
    }

    assert.ok(sent > 200, `the fuzz run sent ${sent} requests`)
    if (failures.length > 0) {
      assert.fail(
        `FUZZ_SEED=${seed}: ${failures.length} of ${sent} requests failed; first ones:\n` +
          failures.slice(0, 25).join('\n'),
      )
    }
  })
})

/** A valid value made invalid by one character: it passes any format check that ignores it. */
function near(value: unknown): string[] {
  if (typeof value !== 'string') return []
  return [`${value}\u0000`, `${value}\ud800`]
}

/** The validation issues of an error body for one target (`json`, `query`, ...). */
function issuesOf(body: unknown, target: string): Array<{ path: string; code: string }> {
  const error = (body as { error?: { code?: string; message?: string; details?: unknown } })?.error
  if (error?.code !== 'validation_failed' || error.message !== `Invalid request ${target}`) {
    return []
  }
  return Array.isArray(error.details) ? error.details : []
}

function describe(c: Case): string {
  const path = pathOf(c.route, c.params) + queryString(c.query)
  const body = c.body === undefined ? '' : ` body(${c.contentType}) ${c.body.slice(0, 120)}`
  return `[${c.what}] ${c.route.method} ${path.slice(0, 160)}${body}`
}

/** Why a response breaks the contract, or undefined: no 5xx; every 4xx is the envelope. */
function envelopeProblem(response: Response, text: string): string | undefined {
  if (response.status >= 500) return 'is a 5xx'
  if (response.status >= 300 && response.status < 400) {
    return response.headers.get('location') ? undefined : 'redirects nowhere'
  }
  if (response.status < 400) return undefined
  let body: { error?: { code?: unknown; message?: unknown } }
  try {
    body = JSON.parse(text)
  } catch {
    return 'is not JSON'
  }
  const error = body?.error
  if (typeof error?.code !== 'string' || error.code === '') return 'has no error.code'
  if (typeof error.message !== 'string' || error.message === '') return 'has no error.message'
  return undefined
}
