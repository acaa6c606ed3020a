// The request log: one entry per Salesforce-facing request, for tests and benchmarks to count calls.

export interface LoggedRequest {
  seq: number
  at: string
  method: string
  /** Full path including any host prefix, with secrets in the query string redacted. */
  path: string
  /** Salesforce: `login|test|instance`; HubSpot: `app|api` (the host a request was meant for). */
  host: string
  /** The Salesforce org, or the HubSpot portal (hub id), the request reached. */
  orgId: string | null
  endpoint: string
  status: number
  durationMs: number
  /** Counted against the org's daily API allowance. */
  counted: boolean
  fault: string | null
}

export interface LogFilter {
  orgId?: string
  endpoint?: string
  /** Substring of the path. */
  path?: string
  host?: LoggedRequest['host']
  /** Only entries with seq greater than this. */
  sinceSeq?: number
}

const SECRET_PARAMS = [
  'code',
  'token',
  'oauth_token',
  'refresh_token',
  'client_secret',
  'code_verifier',
]

export class RequestLog {
  #entries: LoggedRequest[] = []
  #seq = 0

  constructor(private readonly limit = 100_000) {}

  add(entry: Omit<LoggedRequest, 'seq'>): LoggedRequest {
    const full = { ...entry, seq: ++this.#seq }
    this.#entries.push(full)
    if (this.#entries.length > this.limit) {
      this.#entries.splice(0, this.#entries.length - this.limit)
    }
    return full
  }

  /** Current sequence number: pass it as `sinceSeq` later to see only newer requests. */
  get lastSeq(): number {
    return this.#seq
  }

  list(filter: LogFilter = {}): LoggedRequest[] {
    return this.#entries.filter((e) =>
      (filter.orgId === undefined || e.orgId === filter.orgId) &&
      (filter.endpoint === undefined || e.endpoint === filter.endpoint) &&
      (filter.path === undefined || e.path.includes(filter.path)) &&
      (filter.host === undefined || e.host === filter.host) &&
      (filter.sinceSeq === undefined || e.seq > filter.sinceSeq)
    )
  }

  clear(): void {
    this.#entries = []
  }
}

/** The log filter a control API's query string asks for; `orgParam` names the org's parameter. */
export function logFilterFrom(p: URLSearchParams, orgParam = 'orgId'): LogFilter {
  return {
    orgId: p.get(orgParam) ?? undefined,
    endpoint: p.get('endpoint') ?? undefined,
    path: p.get('path') ?? undefined,
    host: p.get('host') ?? undefined,
    sinceSeq: p.has('sinceSeq') ? Number(p.get('sinceSeq')) : undefined,
  }
}

export function redactedPath(url: URL): string {
  const params = new URLSearchParams(url.search)
  for (const p of SECRET_PARAMS) if (params.has(p)) params.set(p, '[redacted]')
  const qs = params.toString()
  return url.pathname + (qs ? `?${qs}` : '')
}
