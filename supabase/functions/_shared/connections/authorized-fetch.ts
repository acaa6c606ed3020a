// Every call to a provider's API for a connection: credentials injected per auth mode (Bearer,
// Basic, an API key header, an OAuth 1.0a signature), the spec's fixed headers, a proactive
// refresh before expiry, one single-flight refresh and retry on the provider's auth-expired
// signal, the spec's retry headers honoured within a bounded wait, and a dead grant turned into
// `reauth_required` (with its event and alert) here, once, for every provider.
import { parseRetryAfter } from '../alerts/backoff.ts'
import { AppError, ProviderError } from '../http/errors.ts'
import type { ErrorClass, HookContext, ProviderSpec, StoredTokens } from '../providers/types.ts'
import { type Connection, failDeadGrant, refreshConnection } from './load.ts'
import { oauth1Authorization } from './oauth1.ts'

/** Waiting longer than this for a rate limit is the caller's decision, not a hidden sleep. */
const defaultMaxRetryWaitMs = 10_000
/** Rate-limited answers retried per call at most. */
const maxRateLimitRetries = 2

export interface AuthorizedFetchOptions {
  /** For tests and clients that count calls; defaults to the global fetch. */
  fetch?: typeof fetch
  /** The longest single wait a retry header may ask for before the answer goes back as is. */
  maxRetryWaitMs?: number
  /** Called after the connection's credentials were refreshed (by us or a concurrent caller). */
  onRefresh?: (connection: Connection) => void
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>
  /** Now in milliseconds since the epoch; for tests. */
  now?: () => number
  /** For tests: the single-flight refresh (refreshConnection) and the dead-grant path. */
  refresh?: (stale: Connection) => Promise<Connection>
  failDeadGrant?: (integrationId: string, description: string) => Promise<never>
}

/**
 * What a provider's hooks get for a connection: its config and tokens, a fetch that signs
 * (without refresh: for a post-connect lookup or a revoke, right after the tokens were read),
 * and a plain one.
 */
export function hookContext(connection: Connection, send: typeof fetch = fetch): HookContext {
  return {
    spec: connection.provider.spec,
    config: connection.config,
    tokens: connection.tokens,
    apiBaseUrl: connection.apiBaseUrl,
    fetch: async (request) =>
      await send(await withCredentials(connection, new Request(request, { redirect: 'manual' }))),
    plainFetch: send,
    ...(connection.client ? { client: connection.client } : {}),
  }
}

/** The root every API call of the connection stays under (no trailing slash). */
export function apiBaseUrl(connection: Connection): string {
  return connection.apiBaseUrl
}

function basic(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`)
  return `Basic ${btoa(String.fromCharCode(...bytes))}`
}

/**
 * The request with the connection's credentials and the spec's fixed headers on it; no refresh,
 * no retry (a post-connect hook's first call, with tokens that are seconds old).
 */
export async function withCredentials(connection: Connection, request: Request): Promise<Request> {
  const { spec } = connection.provider
  const { tokens } = connection
  const headers = new Headers(request.headers)
  for (const [name, value] of Object.entries(spec.apiHeaders)) {
    if (!headers.has(name)) headers.set(name, value)
  }
  switch (spec.authMode) {
    case 'oauth2':
      headers.set('authorization', `Bearer ${required(tokens.access_token)}`)
      break
    case 'oauth1': {
      const client = connection.client
      if (!client?.clientSecret) throw missingCredential()
      const form = request.headers.get('content-type')?.startsWith(
          'application/x-www-form-urlencoded',
        )
        ? new URLSearchParams(await request.clone().text())
        : undefined
      headers.set(
        'authorization',
        await oauth1Authorization({
          consumerKey: client.clientId,
          consumerSecret: client.clientSecret,
          token: required(tokens.access_token),
          tokenSecret: required(tokens.token_secret),
        }, { method: request.method, url: request.url, form }),
      )
      break
    }
    case 'api_key':
    case 'basic':
      injectKey(spec, tokens, headers)
      break
  }
  return new Request(request, { headers, redirect: 'manual' })
}

function injectKey(spec: ProviderSpec, tokens: StoredTokens, headers: Headers): void {
  const injection = spec.credentialInjection!
  const secret = spec.authMode === 'basic'
    ? { user: required(tokens.username), password: required(tokens.password) }
    : { user: required(tokens.api_key), password: injection.basicPassword ?? '' }
  switch (injection.scheme) {
    case 'basic':
      headers.set('authorization', basic(secret.user, secret.password))
      break
    case 'bearer':
      headers.set('authorization', `Bearer ${secret.user}`)
      break
    case 'header':
      headers.set(injection.header ?? 'authorization', secret.user)
      break
  }
}

function missingCredential(): ProviderError {
  return new ProviderError('The stored credentials are incomplete; connect again', {
    code: 'credentials_incomplete',
  })
}

function required(value: string | undefined): string {
  if (!value) throw missingCredential()
  return value
}

/** What a response means, by the provider's hook first and the spec's statuses otherwise. */
export async function classifyResponse(
  connection: Connection,
  response: Response,
): Promise<ErrorClass | undefined> {
  const { spec, hooks } = connection.provider
  // The hook sees 2xx answers too: Slack says `token_expired` with 200 and `ok: false`.
  const hooked = await hooks.classifyError?.(response)
  if (hooked) return response.ok && hooked === 'other' ? undefined : hooked
  if (response.ok) return undefined
  if (spec.deadGrant.apiStatuses.includes(response.status)) return 'dead_grant'
  if (spec.authMode === 'oauth2' && spec.authExpiredStatuses.includes(response.status)) {
    return 'auth_expired'
  }
  if ([429, 503, ...spec.retry.statuses].includes(response.status)) return 'rate_limited'
  if (spec.retry.remaining && response.headers.get(spec.retry.remaining) === '0') {
    return 'rate_limited'
  }
  return 'other'
}

/** How long the spec's retry headers ask us to wait, in ms; undefined when they do not say. */
export function retryWaitMs(spec: ProviderSpec, headers: Headers, now: number): number | undefined {
  const after = spec.retry.after ?? 'retry-after'
  const seconds = parseRetryAfter(headers.get(after), now)
  if (seconds !== undefined) return seconds * 1000
  const at = spec.retry.at ? headers.get(spec.retry.at) : null
  if (at && /^\s*[0-9]+(\.[0-9]+)?\s*$/.test(at)) {
    // An epoch; some providers send milliseconds.
    const epoch = Number(at)
    const ms = epoch > 1e12 ? epoch : epoch * 1000
    return Math.max(0, ms - now)
  }
  return undefined
}

/** True when the proactive refresh margin of an expiring token has been reached. */
function expiresSoon(connection: Connection, now: number): boolean {
  const { spec } = connection.provider
  const expiresAt = connection.tokens.expires_at
  if (spec.authMode !== 'oauth2' || spec.expiry.source !== 'expires_in') return false
  if (expiresAt === undefined || !connection.tokens.refresh_token) return false
  return now >= expiresAt - spec.expiry.refreshMarginSeconds * 1000
}

function adopt(connection: Connection, fresh: Connection, options: AuthorizedFetchOptions) {
  if (fresh.tokenVersion >= connection.tokenVersion) {
    connection.tokens = fresh.tokens
    connection.tokenVersion = fresh.tokenVersion
    connection.config = fresh.config
    connection.apiBaseUrl = fresh.apiBaseUrl
  }
  options.onRefresh?.(connection)
}

/**
 * Sends `request` (an absolute URL; callers keep it under `apiBaseUrl(connection)`) with the
 * connection's credentials. Redirects are not followed: one could carry the credential to
 * another host.
 *
 * - Before sending, an oauth2 token within the spec's refresh margin of `expires_at` is
 *   refreshed (single-flight across instances, see `refreshConnection`).
 * - On the provider's auth-expired signal the token is refreshed once and the call repeated
 *   once; a second refusal is returned as is (a fresh token refused is not an expiry).
 * - A rate-limited answer (429, 503, the spec's statuses, `remaining` at 0) is retried after
 *   the spec's retry header when that wait is at most `maxRetryWaitMs`; otherwise returned.
 * - A dead grant (the spec's dead statuses, or the hook's verdict) marks the integration
 *   `reauth_required`, records the event (and so the alert) and throws.
 *
 * `connection` is updated in place after a refresh, so the caller's next call uses the new
 * token.
 *
 * @throws {ReauthRequiredError} 409 `reauth_required` when the grant is dead.
 * @throws {ProviderError} 502 `provider_unreachable` when the provider cannot be reached.
 */
export async function authorizedFetch(
  connection: Connection,
  request: Request,
  options: AuthorizedFetchOptions = {},
): Promise<Response> {
  const send = options.fetch ?? fetch
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? ((ms: number) => new Promise((done) => setTimeout(done, ms)))
  const maxWait = options.maxRetryWaitMs ?? defaultMaxRetryWaitMs
  const refresh = options.refresh ?? refreshConnection
  const deadGrant = options.failDeadGrant ?? failDeadGrant
  const { spec } = connection.provider

  if (expiresSoon(connection, now())) {
    adopt(connection, await refresh(connection), options)
  }
  const attempt = async () => {
    const signed = await withCredentials(connection, request.clone())
    try {
      return await send(signed)
    } catch (error) {
      // An abort is the caller's; a typed error is a client's own (its fetch option's).
      if (request.signal?.aborted || error instanceof AppError) throw error
      throw new ProviderError(`${spec.displayName} could not be reached`, {
        code: 'provider_unreachable',
        cause: error,
      })
    }
  }

  let response = await attempt()
  let refreshed = false
  let rateRetries = 0
  for (;;) {
    const verdict = await classifyResponse(connection, response)
    if (verdict === 'auth_expired' && !refreshed && connection.tokens.refresh_token !== undefined) {
      refreshed = true
      await response.body?.cancel()
      adopt(connection, await refresh(connection), options)
      response = await attempt()
      continue
    }
    if (verdict === 'auth_expired' && connection.tokens.refresh_token === undefined) {
      // Nothing to refresh with (GitHub OAuth Apps, Notion): the grant itself was refused.
      await response.body?.cancel()
      return await deadGrant(connection.integrationId, `${spec.displayName} refused the token`)
    }
    if (verdict === 'dead_grant') {
      await response.body?.cancel()
      return await deadGrant(
        connection.integrationId,
        `${spec.displayName} refused the credentials`,
      )
    }
    if (verdict === 'rate_limited' && rateRetries < maxRateLimitRetries) {
      const wait = retryWaitMs(spec, response.headers, now())
      if (wait !== undefined && wait <= maxWait) {
        rateRetries++
        await response.body?.cancel()
        await sleep(wait)
        response = await attempt()
        continue
      }
    }
    return response
  }
}
