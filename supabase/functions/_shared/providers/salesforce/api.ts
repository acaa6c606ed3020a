// Access to one integration's Salesforce REST API through the connections module's
// authorizedFetch (which refreshes once on an expired session), typed errors, and a count of the
// calls made.
import { authorizedFetch } from '../../connections/authorized-fetch.ts'
import { type Connection, loadConnection } from '../../connections/load.ts'
import { ProviderError } from '../../http/errors.ts'
import { timedExchange } from '../../http/timed-exchange.ts'
import { SalesforceApiError, toSalesforceError } from './rest-errors.ts'

/** One REST call takes at most this long; a sync slice has a budget to keep. */
const defaultTimeoutMs = 30_000

export interface SalesforceRequest {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  /**
   * Either a path under `/services/data/v<version>/` (`query`, `sobjects/Contact/describe`) or
   * a server path starting with `/services/` as Salesforce returns it (a nextRecordsUrl), which
   * is appended to instance_url as is.
   */
  path: string
  /** Query parameters, e.g. `{ q: soql }`; encoded here. */
  query?: Record<string, string>
  /** Sent as JSON. */
  body?: unknown
  /** Extra headers, e.g. `Sforce-Query-Options: batchSize=500`. */
  headers?: Record<string, string>
  signal?: AbortSignal
}

export interface SalesforceResponse<T> {
  status: number
  /** Parsed JSON; undefined for 204 and empty bodies. */
  data: T
  /** The body as received, for callers that pass it on rather than encode `data` again. */
  text: string
  headers: Headers
}

/** The org's daily allowance as the last response's Sforce-Limit-Info said. */
export interface ApiUsage {
  used: number
  max: number
}

export interface SalesforceApiOptions {
  /** For tests; defaults to the global fetch. */
  fetch?: typeof fetch
  timeoutMs?: number
}

/** One page of a SOQL query. */
export interface QueryPage<R> {
  totalSize: number
  done: boolean
  nextRecordsUrl?: string
  records: R[]
}

/** `api-usage=18/5000`, possibly followed by `; per-app-api-usage=...` (do not anchor). */
export function parseApiUsage(header: string | null): ApiUsage | undefined {
  const match = header?.match(/api-usage=(\d+)\/(\d+)/)
  return match ? { used: Number(match[1]), max: Number(match[2]) } : undefined
}

/**
 * A Salesforce REST client bound to one integration. Create one per unit of work (a request, a
 * sync slice) and read `apiCalls` at the end. Several may run at once, in one process or many:
 * refreshes still collapse into one (see `authorizedFetch`).
 *
 * @example
 * const api = salesforceApi(integrationId)
 * let page = await api.query<Contact>('SELECT Id FROM Contact ORDER BY SystemModstamp, Id')
 * while (!page.done) page = await api.queryMore<Contact>(page.nextRecordsUrl!)
 * await recordRun({ api_calls: api.apiCalls })
 */
export class SalesforceApi {
  readonly integrationId: string
  /** REST requests sent, including the one a refresh repeats. */
  apiCalls = 0
  /** Token refreshes this client went through (done by it or by a concurrent caller). */
  refreshes = 0
  /** The allowance as of the last response that reported it. */
  lastApiUsage: ApiUsage | undefined
  #connection: Connection | undefined
  readonly #fetch: typeof fetch
  readonly #timeoutMs: number

  constructor(integrationId: string, options: SalesforceApiOptions = {}) {
    this.integrationId = integrationId
    this.#fetch = options.fetch ?? fetch
    this.#timeoutMs = options.timeoutMs ?? defaultTimeoutMs
  }

  /**
   * Sends one request with the integration's access token. On `401 INVALID_SESSION_ID` the token
   * is refreshed once (or taken from whoever refreshed first) and the request repeated once.
   *
   * @throws {ReauthRequiredError} 409 `reauth_required` when the grant is dead.
   * @throws {NotConnectedError} 409 when the integration has no tokens.
   * @throws {SalesforceLimitError} 429 when the org's API limit is spent.
   * @throws {SalesforceApiError} 502 for any other Salesforce error (`retryable` says if later may work).
   * @throws {ProviderError} 502 when Salesforce cannot be reached.
   */
  async request<T = unknown>(request: SalesforceRequest): Promise<SalesforceResponse<T>> {
    const connection = this.#connection ??= await loadConnection(this.integrationId)
    const refreshesBefore = this.refreshes
    const response = await authorizedFetch(connection, this.#toRequest(connection, request), {
      fetch: (input) => this.#send(new Request(input), request.signal),
      onRefresh: () => this.refreshes++,
    })
    const text = await response.text()
    if (response.status === 401 && this.refreshes > refreshesBefore) {
      // A brand-new session refused: something other than expiry; do not loop.
      throw new SalesforceApiError(401, 'INVALID_SESSION_ID', 'A fresh session was refused')
    }
    if (response.status >= 400) {
      throw toSalesforceError(response.status, text, response.headers)
    }
    let data: unknown
    if (text !== '') {
      try {
        data = JSON.parse(text)
      } catch {
        throw new SalesforceApiError(response.status, 'INVALID_RESPONSE', 'The body is not JSON')
      }
    }
    return { status: response.status, data: data as T, text, headers: response.headers }
  }

  /** GET a path under /services/data/vXX.X/. */
  async get<T = unknown>(path: string, query?: Record<string, string>): Promise<T> {
    return (await this.request<T>({ path, query })).data
  }

  /**
   * The first page of a SOQL query; `all` uses queryAll (soft-deleted and merged rows too).
   * `batchSize` (200..2000) is a wish: Salesforce may send fewer rows per page.
   */
  async query<R>(
    soql: string,
    options: { all?: boolean; batchSize?: number } = {},
  ): Promise<QueryPage<R>> {
    const response = await this.request<QueryPage<R>>({
      path: options.all ? 'queryAll' : 'query',
      query: { q: soql },
      headers: options.batchSize
        ? { 'Sforce-Query-Options': `batchSize=${options.batchSize}` }
        : undefined,
    })
    return response.data
  }

  /** The next page: `nextRecordsUrl` is a server path, requested as is, without parameters. */
  async queryMore<R>(nextRecordsUrl: string): Promise<QueryPage<R>> {
    return (await this.request<QueryPage<R>>({ path: nextRecordsUrl })).data
  }

  #toRequest(connection: Connection, request: SalesforceRequest): Request {
    const headers = new Headers(request.headers)
    headers.set('accept', 'application/json')
    if (request.body !== undefined) headers.set('content-type', 'application/json')
    return new Request(resolveUrl(connection, request), {
      method: request.method ?? 'GET',
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    })
  }

  /** One HTTP exchange, counted, its body read within the timeout, its usage header kept. */
  async #send(signed: Request, callerSignal: AbortSignal | undefined): Promise<Response> {
    this.apiCalls++
    const response = await timedExchange(this.#fetch, signed, {
      signal: callerSignal,
      timeoutMs: this.#timeoutMs,
      provider: 'Salesforce',
      unreachableCode: 'salesforce_unreachable',
    })
    this.lastApiUsage = parseApiUsage(response.headers.get('sforce-limit-info')) ??
      this.lastApiUsage
    return response
  }
}

/**
 * The absolute URL of a request, always under the connection's instance_url, so a crafted path
 * (`//evil.example`, `/../`) can never send the token elsewhere.
 */
export function resolveUrl(connection: Connection, request: SalesforceRequest): string {
  const base = new URL(connection.apiBaseUrl)
  const path = request.path.startsWith('/services/')
    ? request.path
    : `/services/data/v${connection.apiVersion}/${request.path.replace(/^\/+/, '')}`
  const url = new URL(connection.apiBaseUrl + path)
  const basePath = base.pathname.replace(/\/+$/, '')
  if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/services/`)) {
    throw new ProviderError('Refusing a Salesforce path outside the instance', {
      code: 'salesforce_path_invalid',
    })
  }
  for (const [key, value] of Object.entries(request.query ?? {})) {
    url.searchParams.set(key, value)
  }
  return url.href
}

/** A client for one integration's Salesforce API. */
export function salesforceApi(
  integrationId: string,
  options?: SalesforceApiOptions,
): SalesforceApi {
  return new SalesforceApi(integrationId, options)
}
