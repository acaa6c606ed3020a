// The control API in TypeScript: register clients and accounts, expire tokens, kill grants,
// inject faults, read the request log, move the clock, reset. Never logged, never faulted.

import type { Clock } from '../salesforce/clock.ts'
import { PROVIDERS } from './config.ts'
import type { SimContext } from './context.ts'
import type { ProviderFaultInfo, ProviderFaults, ProviderFaultSpec } from './faults.ts'
import type { ProviderQuirks } from './quirks.ts'
import type { ProviderLogFilter, ProviderRequest, ProviderRequestLog } from './request-log.ts'
import { mintAccess, mintRefresh } from './oauth2.ts'
import type { Account, Client, Grant, ItemRecord } from './world.ts'

/** Stands in for a client when a fixture grant has none (lifetimes that depend on it). */
const DEFAULT_FIXTURE_CLIENT: Client = {
  provider: '',
  clientId: 'fixture',
  clientSecret: '',
  redirectUris: [],
  requirePkce: false,
  autoApprove: null,
  tokenRotation: false,
}

export interface RegisterClientOptions {
  clientId?: string
  clientSecret?: string
  redirectUris?: string[]
  /** Default: true where the provider does PKCE (see requiresPkce). */
  requirePkce?: boolean
  /** null (default): the simulator's autoApprove setting. */
  autoApprove?: boolean | null
  /** Slack only: opt into token rotation (12-hour tokens, rotating refresh tokens). */
  tokenRotation?: boolean
}

export interface IssueTokensOptions {
  clientId?: string
  scopes?: string[]
  /** As if sent to authorize (Google `access_type`, Dropbox `token_access_type`). */
  authorizeParams?: Record<string, string>
  /** As if sent to the token endpoint (Zendesk `expires_in`). */
  tokenParams?: Record<string, string>
}

export interface IssuedFixture {
  grantId: string
  clientId: string
  accessToken: string
  refreshToken: string | null
  /** Seconds, or null when the token does not expire. */
  expiresIn: number | null
  tokenSecret: string | null
}

/** An account as the control API shows it: its records counted, not listed. */
export type AccountInfo = Omit<Account, 'items' | 'nextItemId'> & { items: number }

export interface GrantInfo {
  id: string
  clientId: string
  account: string
  scopes: string[]
  userScopes: string[]
  alive: boolean
  createdAt: string
  /** Live access tokens (counts only: tokens never leave the simulator's memory). */
  liveAccessTokens: number
  liveRefreshTokens: number
}

export interface ProviderSummary {
  id: string
  displayName: string
  auth: string
  /** The real URLs this provider serves, and where the simulator serves them. */
  urls: Record<string, { real: string; simulator: string }>
  clients: Array<Omit<Client, 'clientSecret'>>
  accounts: AccountInfo[]
}

export interface SimulatorControl {
  readonly baseUrl: string
  setBaseUrl(url: string): void
  /** `https://slack.com/api/auth.test` → `<base>/slack.com/api/auth.test` (idempotent). */
  simulatorUrl(realUrl: string): string
  now(): number
  advanceClock(ms: number): void
  reset(): void
  providers(): ProviderSummary[]
  provider(id: string): ProviderSummary
  registerClient(provider: string, opts?: RegisterClientOptions): Client
  updateClient(clientId: string, changes: RegisterClientOptions): Client
  client(clientId: string): Client
  createAccount(provider: string, opts: { key: string; name?: string; items?: number }): AccountInfo
  account(provider: string, key: string): AccountInfo
  items(provider: string, key: string): ItemRecord[]
  /** A new API key (BambooHR key, Zendesk API token, Pipedrive api_token, GitLab PAT). */
  createApiKey(provider: string, key: string): string
  /**
   * A connected grant without the browser dance, for fixtures: tokens as the provider would
   * issue them (lifetime, refresh token) for `account`, owned by `clientId` (default: the
   * provider's first client). Trello tokens come with their OAuth 1.0a `tokenSecret`.
   */
  issueTokens(provider: string, account: string, opts?: IssueTokensOptions): IssuedFixture
  /** Makes the provider's live access tokens expired (of one account, or all); returns the count. */
  expireAccessTokens(provider: string, account?: string): number
  /** Kills grants: refresh → invalid_grant, access tokens → 401; returns the count. */
  killGrants(provider: string, account?: string): number
  grants(provider: string): GrantInfo[]
  /**
   * What kills a non-OAuth connection: new Workday ISU passwords and no API keys (of one account,
   * or all); returns the accounts changed.
   */
  resetCredentials(provider: string, account?: string): number
  injectFault(spec: ProviderFaultSpec): ProviderFaultInfo
  listFaults(): ProviderFaultInfo[]
  clearFaults(): void
  requests(filter?: ProviderLogFilter): ProviderRequest[]
  lastRequestSeq(): number
  clearRequests(): void
}

export interface ControlDeps {
  ctx: SimContext
  faults: ProviderFaults
  log: ProviderRequestLog
  clock: Clock
  baseUrl(): string
  setBaseUrl(url: string): void
  reset(): void
}

function quirks(id: string): ProviderQuirks {
  const p = PROVIDERS.find((q) => q.id === id)
  if (!p) {
    throw new Error(`unknown provider '${id}' (known: ${PROVIDERS.map((q) => q.id).join(', ')})`)
  }
  return p
}

/**
 * Stricter than the real providers on purpose: where the facts say our client sends PKCE, the
 * simulator's clients refuse an authorization without it, so a registry entry that forgot PKCE
 * fails. Register a client with `requirePkce: false` to model the provider's tolerance.
 */
export function requiresPkce(p: ProviderQuirks): boolean {
  const q = p.auth.kind === 'oauth2' ? p.auth : p.oauthVariant
  return q?.pkce === 'S256'
}

function accountInfo(a: Account): AccountInfo {
  const { items, nextItemId: _next, ...rest } = a
  return { ...rest, isu: { ...a.isu }, apiKeys: [...a.apiKeys], items: items.length }
}

export function createControl(d: ControlDeps): SimulatorControl {
  const world = () => d.ctx.world
  const mustAccount = (provider: string, key: string) => {
    quirks(provider)
    const a = world().account(provider, key)
    if (!a) throw new Error(`${provider} has no account '${key}'`)
    return a
  }
  const simulatorUrl = (real: string) => {
    // Already on the simulator (a URL it handed out): unchanged.
    if (real.startsWith(`${d.baseUrl()}/`)) return real
    const m = /^https:\/\/(.+)$/i.exec(real)
    if (!m) throw new Error(`not an https URL: ${real}`)
    return `${d.baseUrl()}/${m[1]}`
  }
  const grantsOf = (provider: string, account?: string) =>
    [...world().grants.values()].filter((g) =>
      g.provider === provider && (account === undefined || g.accountKey === account)
    )

  const control: SimulatorControl = {
    get baseUrl() {
      return d.baseUrl()
    },
    setBaseUrl: d.setBaseUrl,
    simulatorUrl,
    now: () => d.ctx.now(),
    advanceClock: (ms) => d.clock.advance(ms),
    reset: d.reset,
    providers: () => PROVIDERS.map((p) => control.provider(p.id)),
    provider(id) {
      const p = quirks(id)
      const urls: ProviderSummary['urls'] = {}
      const add = (
        name: string,
        real: string,
      ) => (urls[name] = { real, simulator: simulatorUrl(real.replace(/\{(\w+)\}/g, 'acme')) })
      for (const [prefix, q] of [['', p.auth], ['oauth.', p.oauthVariant]] as const) {
        if (q?.kind === 'oauth2') {
          add(`${prefix}authorize`, q.authorizeUrl)
          add(`${prefix}token`, q.tokenUrl)
          if (q.revoke) add(`${prefix}revoke`, q.revoke.url)
        } else if (q?.kind === 'oauth1') {
          add('requestToken', q.requestTokenUrl)
          add('authorize', q.authorizeUrl)
          add('accessToken', q.accessTokenUrl)
          if (q.revoke) add('revoke', q.revoke.url)
        }
      }
      add('api', p.api.base)
      return {
        id: p.id,
        displayName: p.displayName,
        auth: p.auth.kind,
        urls,
        clients: [...world().clients.values()].filter((c) => c.provider === id).map((
          { clientSecret: _s, ...c },
        ) => c),
        accounts: world().accountsOf(id).map(accountInfo),
      }
    },
    registerClient(provider, o = {}) {
      const p = quirks(provider)
      const w = world()
      const clientId = o.clientId ?? w.secret(`${provider}-`, 24)
      if (w.clients.has(clientId)) throw new Error(`client '${clientId}' already exists`)
      const client: Client = {
        provider,
        clientId,
        clientSecret: o.clientSecret ?? w.secret('', 40),
        redirectUris: o.redirectUris ?? [],
        requirePkce: o.requirePkce ?? requiresPkce(p),
        autoApprove: o.autoApprove ?? null,
        tokenRotation: o.tokenRotation ?? false,
      }
      w.clients.set(clientId, client)
      return { ...client, redirectUris: [...client.redirectUris] }
    },
    updateClient(clientId, changes) {
      const c = world().clients.get(clientId)
      if (!c) throw new Error(`no client '${clientId}'`)
      if (changes.clientSecret !== undefined) c.clientSecret = changes.clientSecret
      if (changes.redirectUris !== undefined) c.redirectUris = [...changes.redirectUris]
      if (changes.requirePkce !== undefined) c.requirePkce = changes.requirePkce
      if (changes.autoApprove !== undefined) c.autoApprove = changes.autoApprove
      if (changes.tokenRotation !== undefined) c.tokenRotation = changes.tokenRotation
      return { ...c }
    },
    client(clientId) {
      const c = world().clients.get(clientId)
      if (!c) throw new Error(`no client '${clientId}'`)
      return { ...c }
    },
    createAccount(provider, o) {
      quirks(provider)
      return accountInfo(
        world().addAccount(provider, { key: o.key, name: o.name }, o.items ?? 7, d.ctx.now()),
      )
    },
    account: (provider, key) => accountInfo(mustAccount(provider, key)),
    items: (provider, key) => mustAccount(provider, key).items.map((i) => ({ ...i })),
    createApiKey(provider, key) {
      const a = mustAccount(provider, key)
      const apiKey = world().secret('key_', 40)
      a.apiKeys.push(apiKey)
      return apiKey
    },
    issueTokens(provider, key, o = {}) {
      const p = quirks(provider)
      const account = mustAccount(provider, key)
      const w = world()
      const clientId = o.clientId ??
        [...w.clients.values()].find((c) => c.provider === provider)?.clientId ?? 'fixture'
      const client = w.clients.get(clientId)
      if (o.clientId && client?.provider !== provider) {
        throw new Error(`no ${provider} client '${o.clientId}'`)
      }
      const grant: Grant = {
        id: w.secret('grant_', 16),
        provider,
        clientId,
        accountKey: account.key,
        scopes: o.scopes ?? [],
        userScopes: [],
        authorizeParams: o.authorizeParams ?? {},
        alive: true,
        createdAt: d.ctx.now(),
      }
      w.grants.set(grant.id, grant)
      const q = p.auth.kind === 'oauth2' ? p.auth : p.oauthVariant
      const prefix = { tokenPrefix: q?.tokenPrefix ?? { access: '', refresh: '' } }
      const ttl = {
        params: new URLSearchParams(o.tokenParams),
        client: client ?? { ...DEFAULT_FIXTURE_CLIENT, provider, clientId },
        grant,
      }
      // Trello tokens last 30 days unless authorized with expiration=never.
      const oauth1Ttl = o.authorizeParams?.expiration === 'never' ? null : 30 * 86400
      const expiresIn = q ? q.accessTtl(ttl) : p.auth.kind === 'oauth1' ? oauth1Ttl : null
      const withRefresh = q !== undefined && q.refresh !== 'none' &&
        (q.issuesRefreshToken?.({ ...ttl, firstGrant: true }) ?? true)
      const accessToken = mintAccess(d.ctx, prefix, grant, expiresIn)
      let tokenSecret: string | null = null
      if (p.auth.kind === 'oauth1') {
        tokenSecret = w.secret('', 32)
        w.accessTokens.get(accessToken)!.secret = tokenSecret
      }
      const refreshToken = withRefresh ? mintRefresh(d.ctx, prefix, grant) : null
      return { grantId: grant.id, clientId, accessToken, refreshToken, expiresIn, tokenSecret }
    },
    expireAccessTokens(provider, account) {
      const ids = new Set(grantsOf(provider, account).map((g) => g.id))
      const now = d.ctx.now()
      let n = 0
      for (const t of world().accessTokens.values()) {
        if (ids.has(t.grantId) && t.alive && (t.expiresAt === null || t.expiresAt > now)) {
          t.expiresAt = now - 1
          n++
        }
      }
      return n
    },
    killGrants(provider, account) {
      const live = grantsOf(provider, account).filter((g) => g.alive)
      for (const g of live) world().killGrant(g.id)
      return live.length
    },
    resetCredentials(provider, key) {
      quirks(provider)
      const accounts = key === undefined
        ? world().accountsOf(provider)
        : [mustAccount(provider, key)]
      for (const a of accounts) {
        a.isu = { ...a.isu, password: world().secret('isu-', 24) }
        a.apiKeys = []
      }
      return accounts.length
    },
    grants(provider) {
      quirks(provider)
      const w = world()
      const now = d.ctx.now()
      return grantsOf(provider).map((g) => ({
        id: g.id,
        clientId: g.clientId,
        account: g.accountKey,
        scopes: [...g.scopes],
        userScopes: [...g.userScopes],
        alive: g.alive,
        createdAt: new Date(g.createdAt).toISOString(),
        liveAccessTokens:
          [...w.accessTokens.values()].filter((t) =>
            t.grantId === g.id && t.alive && (t.expiresAt === null || t.expiresAt > now)
          ).length,
        liveRefreshTokens:
          [...w.refreshTokens.values()].filter((t) => t.grantId === g.id && t.alive).length,
      }))
    },
    injectFault(spec) {
      if (spec.provider !== undefined) quirks(spec.provider)
      return d.faults.add(spec)
    },
    listFaults: () => d.faults.list(),
    clearFaults: () => d.faults.clear(),
    requests: (filter) => d.log.list(filter),
    lastRequestSeq: () => d.log.lastSeq,
    clearRequests: () => d.log.clear(),
  }
  return control
}
