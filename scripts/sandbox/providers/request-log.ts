// The request log: one entry per provider-facing call, secrets redacted, for tests to count and
// inspect calls (which endpoint, which account, what status, which fault fired).

import { safeDecode } from './http.ts'

export interface ProviderRequest {
  seq: number
  at: string
  provider: string | null
  host: string
  method: string
  /** The real path and query, tokens and secrets replaced by `[redacted]`. */
  path: string
  /** oauth.authorize, oauth.token, oauth.refresh, oauth.revoke, oauth1.*, api.me, api.list, ... */
  endpoint: string
  account: string | null
  status: number
  fault: string | null
  /** How the client sent a token request: `basic` or `body` client auth, `form` or `json`. */
  clientAuth: string | null
  format: string | null
}

export interface ProviderLogFilter {
  provider?: string
  endpoint?: string
  account?: string
  sinceSeq?: number
}

const SECRET_PARAMS = new Set([
  'code',
  'token',
  'access_token',
  'refresh_token',
  'client_secret',
  'code_verifier',
  'oauth_token',
  'oauth_verifier',
  'oauth_signature',
  'api_token',
  'key',
])

export class ProviderRequestLog {
  #entries: ProviderRequest[] = []
  #seq = 0

  constructor(private readonly limit = 50_000) {}

  add(entry: Omit<ProviderRequest, 'seq'>): void {
    this.#entries.push({ ...entry, seq: ++this.#seq })
    if (this.#entries.length > this.limit) this.#entries.shift()
  }

  get lastSeq(): number {
    return this.#seq
  }

  list(f: ProviderLogFilter = {}): ProviderRequest[] {
    return this.#entries.filter((e) =>
      (f.provider === undefined || e.provider === f.provider) &&
      (f.endpoint === undefined || e.endpoint === f.endpoint) &&
      (f.account === undefined || e.account === f.account) &&
      (f.sinceSeq === undefined || e.seq > f.sinceSeq)
    )
  }

  clear(): void {
    this.#entries = []
  }
}

/** The path and query with secret query parameters and token path segments redacted. */
export function redact(url: URL, isSecret: (segment: string) => boolean): string {
  const path = url.pathname.split('/')
    .map((s) => (isSecret(safeDecode(s) ?? s) ? '[redacted]' : s))
    .join('/')
  const params = new URLSearchParams(url.search)
  for (const name of [...params.keys()]) {
    if (SECRET_PARAMS.has(name)) params.set(name, '[redacted]')
  }
  const qs = params.toString()
  return path + (qs ? `?${qs}` : '')
}
