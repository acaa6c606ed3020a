// One call through the proxy: who may make it, the tenant's allowance, the connection's
// credentials on the way out (authorizedFetch), our credentials kept out of the way back, and an
// audit event for every write.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { getConfig } from '../config.ts'
import { authorizedFetch } from '../connections/authorized-fetch.ts'
import { type Connection, loadConnection } from '../connections/load.ts'
import { asService } from '../db/as-user.ts'
import { AppError, RateLimitedError } from '../http/errors.ts'
import { recordEvent } from '../integrations/events.ts'
import { hitRateLimit } from '../rate-limits/hit-rate-limit.ts'
import { requireIntegrationAccess } from '../tenancy/access.ts'
import { forwardedRequestHeaders, returnedResponseHeaders } from './headers.ts'
import { minSecretLength, redactingStream } from './redact.ts'
import { checkProxyPath, proxyTargetUrl } from './target.ts'

/** Methods a member may use: they read. Every other method is a write (owners and admins). */
export const readMethods = ['GET', 'HEAD'] as const
export const writeMethods = ['POST', 'PUT', 'PATCH', 'DELETE'] as const
export const proxyMethods = [...readMethods, ...writeMethods]

/** Marks every answer that is the provider's own (status, headers, body), errors included. */
export const providerSourceHeader = 'x-proxy-source'

/**
 * The per-tenant counter's bucket. `private.rate_limits` keys counters by (id, bucket) and its
 * id column holds user ids elsewhere; a business id under its own bucket cannot meet one.
 */
const tenantBucket = 'proxy:business'

/** Audit paths longer than this are cut: the event is a trail, not a copy of the request. */
const maxAuditPathLength = 512

export interface ProxyCall {
  claims: UserClaims
  userId: string
  integrationId: string
  method: string
  /** The path after `/proxy/<integrationId>`, as it arrived (still percent-encoded). */
  rawPath: string
  /** The query with its `?`, or empty. */
  rawQuery: string
  headers: Headers
  /** The body (already bounded by the app's body limit); null for GET and HEAD. */
  body: ArrayBuffer | null
  signal?: AbortSignal
}

export interface ProxyOptions {
  /** The provider-facing fetch (tests count and fake calls with it). */
  fetch?: typeof fetch
}

function isWrite(method: string): boolean {
  return !(readMethods as readonly string[]).includes(method)
}

/** Counts the call against the business's window. @throws {RateLimitedError} when spent. */
async function spendTenantAllowance(businessId: string): Promise<void> {
  const { PROXY_RATE_LIMIT_MAX: limit, PROXY_RATE_LIMIT_WINDOW_SECONDS: windowSeconds } = getConfig(
    'proxy',
  )
  const verdict = await asService((tx) =>
    hitRateLimit(tx, businessId, tenantBucket, limit, windowSeconds)
  )
  if (!verdict.allowed) {
    const seconds = (verdict.resetAt.getTime() - Date.now()) / 1000
    throw new RateLimitedError(seconds, 'Too many proxy calls for this business; retry later')
  }
}

/** The credential values a response must never carry, from the tokens and what we sent. */
function secretsOf(connection: Connection, sent: Iterable<string>): string[] {
  const { tokens, client } = connection
  const values = [
    tokens.access_token,
    tokens.refresh_token,
    tokens.token_secret,
    tokens.api_key,
    tokens.password,
    client?.clientSecret,
    ...sent,
  ]
  return values.filter((value): value is string =>
    value !== undefined && value.length >= minSecretLength
  )
}

/** What an Authorization value we sent holds: itself, its credential, a Basic password. */
function credentialParts(authorization: string): string[] {
  const [scheme, credential = ''] = authorization.split(/\s+(.*)/s)
  const parts = [authorization, credential]
  if (scheme.toLowerCase() === 'basic') {
    try {
      const decoded = atob(credential)
      parts.push(decoded, decoded.slice(decoded.indexOf(':') + 1))
    } catch {
      // Not base64: the whole value is already listed.
    }
  }
  return parts
}

async function auditWrite(
  call: ProxyCall,
  businessId: string,
  outcome: { status: number; source: 'provider' | 'proxy'; code?: string },
): Promise<void> {
  await asService((tx) =>
    recordEvent(tx, {
      integrationId: call.integrationId,
      businessId,
      type: 'proxy_write',
      actorId: call.userId,
      metadata: {
        method: call.method,
        path: call.rawPath.slice(0, maxAuditPathLength),
        status: outcome.status,
        source: outcome.source,
        ...(outcome.code ? { code: outcome.code } : {}),
      },
    })
  )
}

/**
 * Forwards `call` to the integration's provider and returns the provider's answer, streamed.
 *
 * Order: the path is checked before anything is read (400); the caller must see the integration
 * (404 otherwise) and, for a write, be an owner or admin (403); the business's allowance is
 * spent (429); the connection is loaded (409 when not connected or the grant is dead); then
 * `authorizedFetch` adds the credentials, refreshes and retries as the provider's spec says.
 * A write is recorded as a `proxy_write` event once its outcome is known, even when it failed.
 *
 * The answer keeps the provider's status and headers (minus cookies, hop-by-hop fields and any
 * header holding our credentials) and says `x-proxy-source: provider`; its body has our
 * credentials replaced by `[redacted]`. Our own refusals are the usual JSON error envelope.
 */
export async function proxyRequest(call: ProxyCall, options: ProxyOptions = {}): Promise<Response> {
  checkProxyPath(call.rawPath)
  const write = isWrite(call.method)
  const integration = await requireIntegrationAccess(
    call.claims,
    call.integrationId,
    write ? 'call_write' : 'call_read',
  )
  await spendTenantAllowance(integration.business_id)
  const connection = await loadConnection(call.integrationId)
  const target = proxyTargetUrl(connection.apiBaseUrl, call.rawPath, call.rawQuery)
  const request = new Request(target, {
    method: call.method,
    headers: forwardedRequestHeaders(call.headers),
    body: call.body,
    signal: call.signal,
  })

  const send = options.fetch ?? fetch
  const sent = new Set<string>()
  const injected = connection.provider.spec.credentialInjection?.header
  const recordingFetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const outgoing = new Request(input, init)
    for (const name of ['authorization', injected]) {
      const value = name && outgoing.headers.get(name)
      if (value) { for (const part of credentialParts(value)) sent.add(part) }
    }
    return send(outgoing)
  }
  const before = secretsOf(connection, [])

  let response: Response
  try {
    response = await authorizedFetch(connection, request, {
      fetch: recordingFetch,
      maxRetryWaitMs: getConfig('proxy').PROXY_MAX_RETRY_WAIT_SECONDS * 1000,
    })
  } catch (error) {
    if (write) {
      const known = error instanceof AppError ? error : undefined
      await auditWrite(call, integration.business_id, {
        status: known?.status ?? 500,
        source: 'proxy',
        code: known?.code ?? 'internal_error',
      })
    }
    throw error
  }
  if (write) {
    await auditWrite(call, integration.business_id, { status: response.status, source: 'provider' })
  }

  const secrets = [...new Set([...before, ...secretsOf(connection, sent)])]
  const headers = returnedResponseHeaders(response.headers, secrets)
  headers.set(providerSourceHeader, 'provider')
  // fetch gives no body for HEAD, 204 and 304, and a Response cannot carry one for those.
  const body = response.body?.pipeThrough(redactingStream(secrets)) ?? null
  return new Response(body, { status: response.status, statusText: response.statusText, headers })
}
