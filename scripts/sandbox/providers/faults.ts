// Injected failures: the next N matching calls answer 429, 503 or an expired-token 401 in the
// provider's own shape (headers included), then the rule disappears.

export type ProviderFaultKind = '429' | '503' | '401'

export interface ProviderFaultSpec {
  kind: ProviderFaultKind
  /** Only this provider's calls (default: every provider). */
  provider?: string
  /** How many calls fail (default 1). */
  count?: number
  /** Which calls: the API (default), the token endpoint, or both. */
  endpoint?: 'api' | 'token' | 'any'
  /** Regular expression tested against the real path (e.g. `^/crm/v3/objects`). */
  path?: string
  /** Seconds the provider says to wait (Retry-After, reset headers, Google's message); default 2. */
  retryAfterSeconds?: number
}

export interface ProviderFaultInfo extends ProviderFaultSpec {
  id: string
  fired: number
}

export interface FaultTarget {
  provider: string
  endpoint: 'api' | 'token' | 'other'
  path: string
}

export class ProviderFaults {
  #rules: Array<{ info: ProviderFaultInfo; left: number; pattern: RegExp | null }> = []
  #seq = 0

  add(spec: ProviderFaultSpec): ProviderFaultInfo {
    if (!['429', '503', '401'].includes(spec.kind)) {
      throw new Error(`fault kind must be 429, 503 or 401, not '${spec.kind}'`)
    }
    const count = spec.count ?? 1
    if (!Number.isInteger(count) || count < 1) throw new Error('count must be a positive integer')
    const info = { ...spec, count, id: `fault-${++this.#seq}`, fired: 0 }
    this.#rules.push({ info, left: count, pattern: spec.path ? new RegExp(spec.path) : null })
    return info
  }

  /** The first rule this call trips (counting it down), or null. */
  take(t: FaultTarget): ProviderFaultInfo | null {
    for (const rule of this.#rules) {
      const { info } = rule
      const endpoint = info.endpoint ?? 'api'
      if (info.provider && info.provider !== t.provider) continue
      if (endpoint !== 'any' && endpoint !== t.endpoint) continue
      if (endpoint === 'any' && t.endpoint === 'other') continue
      if (rule.pattern && !rule.pattern.test(t.path)) continue
      rule.left--
      info.fired++
      if (rule.left <= 0) this.#rules = this.#rules.filter((r) => r !== rule)
      return info
    }
    return null
  }

  list(): ProviderFaultInfo[] {
    return this.#rules.map((r) => ({ ...r.info }))
  }

  clear(): void {
    this.#rules = []
  }
}
