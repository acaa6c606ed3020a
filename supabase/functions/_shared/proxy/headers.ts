// Which headers cross the proxy: the caller's, without hop-by-hop fields, its own credentials or
// anything naming a secret, to the provider; the provider's, without cookies, hop-by-hop fields,
// encodings we undid or any value that holds one of our credentials, back to the caller.

/** RFC 9110 §7.6.1 hop-by-hop fields (plus the obsolete Keep-Alive and Proxy-Connection). */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/**
 * The caller's credentials for us (its JWT, the project key, supabase-js's client header), where
 * it came from, and what fetch sets itself (host, length, encodings it can decode).
 */
const callerOnly = new Set([
  'authorization',
  'cookie',
  'apikey',
  'x-client-info',
  'host',
  'content-length',
  'accept-encoding',
  'origin',
  'referer',
  'forwarded',
  'via',
  'x-real-ip',
  'x-request-id',
])

/**
 * Names that carry a credential or one of our platform's secrets (`x-sync-cron-secret`,
 * `x-api-key`, `x-auth-token`, `sb-*` and `x-supabase-*` platform headers): never forwarded, so a
 * caller can neither pass our secrets on nor put credentials of its own beside ours.
 */
const secretName =
  /secret|token|passw|api-?key|auth|session|signature|^sb-|^x-supabase-|^x-forwarded-|^proxy-|^cf-/i

function connectionListed(headers: Headers): Set<string> {
  const listed = headers.get('connection') ?? ''
  return new Set(listed.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean))
}

/** The caller's headers that may go to the provider (credentials are added after, by us). */
export function forwardedRequestHeaders(incoming: Headers): Headers {
  const listed = connectionListed(incoming)
  const out = new Headers()
  for (const [name, value] of incoming) {
    if (hopByHop.has(name) || listed.has(name) || callerOnly.has(name) || secretName.test(name)) {
      continue
    }
    out.append(name, value)
  }
  return out
}

/**
 * Response fields that never reach the caller besides hop-by-hop ones: cookies (a session with
 * the provider is ours, not the tenant's), CORS fields (ours apply, set by our middleware), and
 * the body's length and encoding (fetch has decoded the body, and redaction may change its length).
 */
const providerOnly = new Set([
  'set-cookie',
  'set-cookie2',
  'content-length',
  'content-encoding',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-headers',
  'access-control-allow-methods',
  'access-control-expose-headers',
  'access-control-max-age',
  'alt-svc',
])

/**
 * The provider's headers that may go back to the caller. A header whose value contains one of
 * `secrets` (a provider echoing our Authorization header, say) is dropped whole.
 */
export function returnedResponseHeaders(upstream: Headers, secrets: readonly string[]): Headers {
  const listed = connectionListed(upstream)
  const out = new Headers()
  for (const [name, value] of upstream) {
    if (hopByHop.has(name) || listed.has(name) || providerOnly.has(name)) continue
    if (name.startsWith('proxy-')) continue
    if (secrets.some((secret) => value.includes(secret))) continue
    out.append(name, value)
  }
  return out
}
