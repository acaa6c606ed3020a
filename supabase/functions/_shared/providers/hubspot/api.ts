// Access to one integration's HubSpot API through the connections module's authorizedFetch
// (which refreshes the 30-minute token ahead of its expiry, and once on a 401), paced by the
// portal's shared API budget (every worker of a portal draws from one bucket in Postgres),
// with typed errors and a count of the calls made.
import { getConfig } from '../../config.ts'
import { authorizedFetch } from '../../connections/authorized-fetch.ts'
import { type Connection, loadConnection } from '../../connections/load.ts'
import { ProviderError } from '../../http/errors.ts'
import { timedExchange } from '../../http/timed-exchange.ts'
import { type BudgetRate, takeProviderBudget, waitFor } from '../../rate-limits/provider-budget.ts'
import { HubSpotApiError, toHubSpotError } from './api-errors.ts'

/** One call takes at most this long unless the caller says otherwise. */
const defaultTimeoutMs = 30_000

export interface HubSpotRequest {
  method?: 'GET' | 'POST'
  /** A path on api.hubapi.com (`/crm/v3/objects/contacts/search`). */
  path: string
  query?: Record<string, string>
  /** Sent as JSON. */
  body?: unknown
  /** A CRM search: it also counts against the portal's per-second search limit. */
  search?: boolean
  signal?: AbortSignal
}

export interface HubSpotResponse<T> {
  status: number
  /** Parsed JSON; undefined for empty bodies. */
  data: T
  /** The body as received, for callers that pass it on rather than encode `data` again. */
  text: string
  headers: Headers
  /** HubSpot's clock when it answered (the Date header, ISO 8601), null without one. */
  answeredAt: string | null
}

/** How a portal's calls are paced (see the `hubspot` config section). */
export interface HubSpotPacing {
  calls: BudgetRate
  searches: BudgetRate
  /** How long a refusal of the 10-second window pauses the portal, in seconds. */
  pauseSeconds: number
}

export interface HubSpotApiOptions {
  /** For tests; defaults to the global fetch. */
  fetch?: typeof fetch
  timeoutMs?: number
  /** Defaults to the `hubspot` config section. */
  pacing?: HubSpotPacing
}

/** The pacing the environment configures. */
export function hubspotPacing(): HubSpotPacing {
  const config = getConfig('hubspot')
  return {
    calls: { perSecond: config.HUBSPOT_CALLS_PER_SECOND, burst: config.HUBSPOT_CALLS_BURST },
    searches: {
      perSecond: config.HUBSPOT_SEARCHES_PER_SECOND,
      burst: config.HUBSPOT_SEARCHES_BURST,
    },
    pauseSeconds: config.HUBSPOT_LIMIT_PAUSE_SECONDS,
  }
}

/** The Date header (HubSpot's clock) as ISO 8601, or null without one. */
export function answeredAt(headers: Headers): string | null {
  const value = headers.get('date')
  const ms = value ? Date.parse(value) : NaN
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

/**
 * The budget key of a connection's account: HubSpot limits per portal, so every integration of
 * one portal shares it. The portal id comes from the post-connect lookup; a connection made
 * before it had one is paced on its own.
 */
export function budgetKey(connection: Connection): string {
  const portal = connection.config.portalId
  return portal ? `hubspot:${portal}` : `hubspot:integration:${connection.integrationId}`
}

/**
 * A HubSpot client bound to one integration. Create one per unit of work (a sync run) and read
 * `apiCalls` at the end.
 */
export class HubSpotApi {
  readonly integrationId: string
  /** Requests sent, including one a refresh repeats. */
  apiCalls = 0
  #connection: Connection | undefined
  #pacing: HubSpotPacing | undefined
  readonly #fetch: typeof fetch
  readonly #timeoutMs: number

  constructor(integrationId: string, options: HubSpotApiOptions = {}) {
    this.integrationId = integrationId
    this.#fetch = options.fetch ?? fetch
    this.#timeoutMs = options.timeoutMs ?? defaultTimeoutMs
    this.#pacing = options.pacing
  }

  /**
   * Sends one request with the integration's token, after the portal's budget allows it.
   *
   * @throws {ReauthRequiredError} 409 `reauth_required` when the grant is dead.
   * @throws {HubSpotLimitError} 429 when the portal's daily allowance is spent.
   * @throws {HubSpotApiError} 502 for any other HubSpot error (`retryable` says if later may work).
   * @throws {ProviderError} 502 `hubspot_unreachable` when HubSpot cannot be reached.
   */
  async request<T = unknown>(request: HubSpotRequest): Promise<HubSpotResponse<T>> {
    const connection = this.#connection ??= await loadConnection(this.integrationId)
    const pacing = this.#pacing ??= hubspotPacing()
    const key = budgetKey(connection)
    const response = await authorizedFetch(connection, this.#toRequest(connection, request), {
      fetch: (input) => this.#send(new Request(input), request, key, pacing),
    })
    const text = await response.text()
    if (response.status >= 400) {
      const error = toHubSpotError(response.status, text, response.headers)
      await this.#penalise(error, key, pacing)
      throw error
    }
    let data: unknown
    if (text !== '') {
      try {
        data = JSON.parse(text)
      } catch {
        throw new HubSpotApiError(response.status, 'INVALID_RESPONSE')
      }
    }
    return {
      status: response.status,
      data: data as T,
      text,
      headers: response.headers,
      answeredAt: answeredAt(response.headers),
    }
  }

  /** A refusal of a rolling window pauses every worker of the portal, not just this one. */
  async #penalise(error: unknown, key: string, pacing: HubSpotPacing): Promise<void> {
    if (!(error instanceof HubSpotApiError) || error.hubspotStatus !== 429) return
    if (error.policyName === 'SECONDLY') {
      await takeProviderBudget(`${key}:search`, pacing.searches, pacing.searches.perSecond)
    } else {
      await takeProviderBudget(
        `${key}:calls`,
        pacing.calls,
        pacing.calls.perSecond * pacing.pauseSeconds,
      )
    }
  }

  #toRequest(connection: Connection, request: HubSpotRequest): Request {
    const headers = new Headers({ accept: 'application/json' })
    if (request.body !== undefined) headers.set('content-type', 'application/json')
    return new Request(resolveUrl(connection, request), {
      method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    })
  }

  /** One HTTP exchange once the budget allows it, counted, its body read within the timeout. */
  async #send(
    signed: Request,
    request: HubSpotRequest,
    key: string,
    pacing: HubSpotPacing,
  ): Promise<Response> {
    const waits = [takeProviderBudget(`${key}:calls`, pacing.calls)]
    if (request.search) waits.push(takeProviderBudget(`${key}:search`, pacing.searches))
    await waitFor(Math.max(...await Promise.all(waits)), request.signal)
    this.apiCalls++
    return await timedExchange(this.#fetch, signed, {
      signal: request.signal,
      timeoutMs: this.#timeoutMs,
      provider: 'HubSpot',
      unreachableCode: 'hubspot_unreachable',
    })
  }
}

/** The absolute URL of a request, always under the connection's API base. */
export function resolveUrl(connection: Connection, request: HubSpotRequest): string {
  const base = new URL(connection.apiBaseUrl)
  if (!request.path.startsWith('/') || request.path.startsWith('//')) {
    throw new ProviderError('Refusing a HubSpot path outside the API', {
      code: 'hubspot_path_invalid',
    })
  }
  const url = new URL(connection.apiBaseUrl + request.path)
  const basePath = base.pathname.replace(/\/+$/, '')
  if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`)) {
    throw new ProviderError('Refusing a HubSpot path outside the API', {
      code: 'hubspot_path_invalid',
    })
  }
  for (const [name, value] of Object.entries(request.query ?? {})) {
    url.searchParams.set(name, value)
  }
  return url.href
}

/** A client for one integration's HubSpot API. */
export function hubspotApi(integrationId: string, options?: HubSpotApiOptions): HubSpotApi {
  return new HubSpotApi(integrationId, options)
}
