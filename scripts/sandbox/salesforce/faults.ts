// Fault injection and added latency: next-N or seeded-rate rules, optionally scoped by path or org.

import { createRandom, type Random } from './data/random.ts'
import { html, json, restError } from './http.ts'

export type FaultKind =
  | '500'
  | '503'
  | '420'
  | '429'
  | '401'
  | 'request-limit'
  | 'concurrent-limit'
  | 'unable-to-lock-row'
  | 'hang'
  | 'drop'
  | 'truncate'

export const FAULT_KINDS: FaultKind[] = [
  '500',
  '503',
  '420',
  '429',
  '401',
  'request-limit',
  'concurrent-limit',
  'unable-to-lock-row',
  'hang',
  'drop',
  'truncate',
]

/** K: the kinds a sandbox knows (the HubSpot sandbox passes its own list to `Faults`). */
export interface FaultSpec<K extends string = FaultKind> {
  kind: K
  /** Fire on the next N matching requests, then disappear. */
  count?: number
  /** Fire on this share of matching requests (0..1), decided by a seeded PRNG. */
  rate?: number
  seed?: number
  /** Regular expression tested against the request path (after any host prefix is removed). */
  path?: string
  /** Only requests to this org's instance. */
  orgId?: string
  /** Only these HTTP methods. */
  methods?: string[]
  /** Retry-After for 429 (seconds, default 5). */
  retryAfterSeconds?: number
}

export interface FaultInfo<K extends string = FaultKind> extends FaultSpec<K> {
  id: string
  fired: number
}

interface Rule<K extends string> {
  info: FaultInfo<K>
  pattern: RegExp | null
  random: Random | null
}

export interface LatencySpec {
  ms: number
  jitterMs?: number
  path?: string
  orgId?: string
  count?: number
  seed?: number
}

export interface LatencyInfo extends LatencySpec {
  id: string
}

export interface Target {
  path: string
  method: string
  orgId: string | null
}

export class Faults<K extends string = FaultKind> {
  #nextId = 1
  #rules: Rule<K>[] = []
  #latency: Array<{ info: LatencyInfo; pattern: RegExp | null; random: Random }> = []

  constructor(private readonly kinds: readonly K[] = FAULT_KINDS as readonly string[] as K[]) {}

  add(spec: FaultSpec<K>): FaultInfo<K> {
    if (!this.kinds.includes(spec.kind)) throw new Error(`unknown fault kind '${spec.kind}'`)
    if (spec.count === undefined && spec.rate === undefined) spec = { ...spec, count: 1 }
    const info: FaultInfo<K> = { ...spec, id: `fault-${this.#nextId++}`, fired: 0 }
    this.#rules.push({
      info,
      pattern: spec.path ? new RegExp(spec.path) : null,
      random: spec.rate !== undefined ? createRandom(spec.seed ?? 1) : null,
    })
    return info
  }

  list(): FaultInfo<K>[] {
    return this.#rules.map((r) => ({ ...r.info }))
  }

  remove(id: string): boolean {
    const before = this.#rules.length
    this.#rules = this.#rules.filter((r) => r.info.id !== id)
    this.#latency = this.#latency.filter((l) => l.info.id !== id)
    return before !== this.#rules.length
  }

  clear(): void {
    this.#rules = []
    this.#latency = []
  }

  /** The fault to apply to this request, if any; consumes one use of a next-N rule. */
  take(t: Target): FaultInfo<K> | null {
    for (const rule of this.#rules) {
      const s = rule.info
      if (!matches(t, rule.pattern, s.orgId, s.methods)) continue
      if (rule.random && !(rule.random.next() < (s.rate ?? 0))) continue
      s.fired++
      if (s.count !== undefined) {
        s.count--
        if (s.count <= 0) this.#rules = this.#rules.filter((r) => r !== rule)
      }
      return { ...s }
    }
    return null
  }

  addLatency(spec: LatencySpec): LatencyInfo {
    const info: LatencyInfo = { ...spec, id: `latency-${this.#nextId++}` }
    this.#latency.push({
      info,
      pattern: spec.path ? new RegExp(spec.path) : null,
      random: createRandom(spec.seed ?? 1),
    })
    return info
  }

  latencies(): LatencyInfo[] {
    return this.#latency.map((l) => ({ ...l.info }))
  }

  clearLatency(): void {
    this.#latency = []
  }

  /** Total delay for a request (ms). */
  delayFor(t: Target): number {
    let total = 0
    for (const l of [...this.#latency]) {
      if (!matches(t, l.pattern, l.info.orgId)) continue
      total += l.info.ms + Math.floor(l.random.next() * (l.info.jitterMs ?? 0))
      if (l.info.count !== undefined && --l.info.count <= 0) {
        this.#latency = this.#latency.filter((x) => x !== l)
      }
    }
    return total
  }
}

function matches(t: Target, pattern: RegExp | null, orgId?: string, methods?: string[]): boolean {
  if (pattern && !pattern.test(t.path)) return false
  if (orgId && t.orgId !== orgId) return false
  if (methods && !methods.map((m) => m.toUpperCase()).includes(t.method)) return false
  return true
}

/**
 * The response a fault produces. `hang`, `drop` and `truncate` are handled by the caller
 * because they are about the connection rather than a status.
 */
export function faultResponse(f: FaultInfo): Response {
  switch (f.kind) {
    case '500':
      return restError(
        500,
        'UNKNOWN_EXCEPTION',
        'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)',
      )
    case '503':
      // Maintenance and edge failures come back as HTML, not JSON (facts §4.1).
      return html(
        '<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.</p></body></html>',
        503,
      )
    case '420':
      return html(
        '<html><body><h1>We are setting things up</h1><p>This org is not routable at the moment.</p></body></html>',
        420,
      )
    case '429':
      return json([{ message: 'Too many requests', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], 429, {
        'Retry-After': String(f.retryAfterSeconds ?? 5),
      })
    case '401':
      return restError(401, 'INVALID_SESSION_ID', 'Session expired or invalid')
    case 'request-limit':
      return restError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.')
    case 'concurrent-limit':
      return restError(
        403,
        'REQUEST_LIMIT_EXCEEDED',
        'ConcurrentRequests (Concurrent API Requests) Limit exceeded.',
      )
    case 'unable-to-lock-row':
      return restError(
        400,
        'UNABLE_TO_LOCK_ROW',
        'unable to obtain exclusive access to this record or 1 records',
      )
    default:
      throw new Error(`fault ${f.kind} has no response`)
  }
}

/**
 * A response whose connection dies after `keep` bytes of the body (0: before the status line
 * is sent, which clients see as a dropped connection).
 */
export function severedResponse(
  source: Response | null,
  body: Uint8Array | null,
  keep: number,
): Response {
  let sent = false
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sent && body && keep > 0) {
        sent = true
        controller.enqueue(body.slice(0, keep))
        return
      }
      // Give the server a moment to flush what was sent, then reset mid-body.
      if (sent) await new Promise((resolve) => setTimeout(resolve, 20))
      controller.error(new Error('connection reset by sandbox fault'))
    },
  })
  return new Response(stream, { status: source?.status ?? 200, headers: source?.headers ?? {} })
}
