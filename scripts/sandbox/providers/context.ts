// What every handler receives: the world, the clock, the options, and the request as routed to a
// provider (its real-host URL, the template parameters, a note for the request log).

import type { ProviderQuirks } from './quirks.ts'
import type { Account, World } from './world.ts'

export interface SimOptions {
  /** Approve authorize requests without the consent page (clients may override). */
  autoApprove: boolean
  /** Authorization code lifetime. */
  codeTtlSeconds: number
}

/** Filled in by handlers so the request log can attribute the call. */
export interface RequestNote {
  endpoint: string
  account: string | null
}

export interface SimContext {
  world: World
  options: SimOptions
  now(): number
}

export interface Routed {
  provider: ProviderQuirks
  /** The request URL as the real provider sees it: https://<host>/<path>?<query>. */
  realUrl: URL
  /** The URL the simulator itself was called on (what a browser form must post back to). */
  ownUrl: URL
  /** Template parameters (subdomain, tenant, cloudId, token, client_id...). */
  params: Record<string, string>
  note: RequestNote
  /** `https://<host>/<path>` → where a client reaches it on this simulator. */
  publicUrl(realUrl: string): string
}

/** Finds the account a host or path parameter names, or says why not. */
export function namedAccount(
  ctx: SimContext,
  provider: string,
  key: string | null,
): Account | null | undefined {
  if (key === null) return null
  return ctx.world.account(provider, key)
}
