// What every request handler can reach: the world, tokens, time, options and URL layout.

import type { Clock } from './clock.ts'
import type { QueryCursors } from './query.ts'
import type { OrgKind, OrgState, SandboxState } from './state.ts'
import type { TokenStore } from './tokens.ts'

export interface ResolvedOptions {
  autoApprove: boolean
  maxApprovalsPerUser: number
  authCodeTtlMs: number
  locatorTtlMs: number
  maxSoqlLength: number
  maxUriLength: number
  minApiVersion: number
  maxApiVersion: number
  seed: number
}

/**
 * One HTTP server stands in for several Salesforce hosts, told apart by path prefix:
 *   `<base>`                     login.salesforce.com (production login)
 *   `<base>/test`                test.salesforce.com (sandbox login)
 *   `<base>/instance/<myDomain>` an org's My Domain / instance_url
 */
export class SandboxUrls {
  constructor(public base: string) {}

  loginBase(family: OrgKind): string {
    return family === 'production' ? this.base : `${this.base}/test`
  }

  instanceUrl(org: OrgState): string {
    return `${this.base}/instance/${org.myDomain}`
  }
}

export interface Host {
  kind: 'login' | 'test' | 'instance'
  /** Which orgs can log in here: production orgs on login, sandboxes on test. */
  family: OrgKind
  org: OrgState | null
  /** Absolute base URL of this host. */
  base: string
}

/** Filled in by handlers so the request log can attribute and count the call. */
export interface RequestNote {
  endpoint: string
  orgId: string | null
  /** Counted against the org's daily API allowance. */
  counted: boolean
}

export interface SandboxEnv {
  state: SandboxState
  tokens: TokenStore
  clock: Clock
  options: ResolvedOptions
  urls: SandboxUrls
  cursors: QueryCursors
}

/** A non-negative integer from the environment (the sandboxes' `main.ts`), or `fallback`. */
export function intEnv(name: string, fallback: number): number {
  const raw = Deno.env.get(name)
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${name} must be a non-negative integer, got '${raw}'`)
  }
  return n
}
