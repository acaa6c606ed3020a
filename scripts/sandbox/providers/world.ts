// The simulator's world: per provider its accounts (with a few records each), registered OAuth
// clients, pending authorizations, codes, grants and tokens. Seeded: the same calls give the same
// ids and tokens in every run.

import { createRandom, type Random } from '../salesforce/data/random.ts'
import { FIRST_NAMES, LAST_NAMES } from '../salesforce/data/names.ts'

/** A record of the one list resource each provider's small API serves. */
export interface ItemRecord {
  id: number
  name: string
  email: string
  createdAt: number
}

/** What a person connects: a HubSpot portal, a Slack workspace, a Zendesk subdomain, ... */
export interface Account {
  provider: string
  /** Short name, also the subdomain / tenant / company domain where the provider has one. */
  key: string
  name: string
  /** A numeric id (portal id, user id, company id). */
  number: number
  /** A UUID (Notion workspace, Atlassian cloudId, Graph user id). */
  uuid: string
  userName: string
  userEmail: string
  items: ItemRecord[]
  nextItemId: number
  /** Workday Integration System User: `<user>@<tenant>` and its password. */
  isu: { username: string; password: string }
  /** API keys (BambooHR, Zendesk API token, Pipedrive api_token, GitLab/GitHub personal tokens). */
  apiKeys: string[]
}

export interface Client {
  provider: string
  clientId: string
  clientSecret: string
  /** Exact redirect URIs the provider accepts for this client. */
  redirectUris: string[]
  /** Refuse an authorization without a PKCE challenge (default: where the provider does PKCE). */
  requirePkce: boolean
  /** Approve without showing the consent page (null: the simulator's setting). */
  autoApprove: boolean | null
  /** Slack's opt-in token rotation: expiring access tokens plus rotating refresh tokens. */
  tokenRotation: boolean
}

export interface Grant {
  id: string
  provider: string
  clientId: string
  accountKey: string
  scopes: string[]
  /** Slack user scopes (`user_scope`), granted to the user token in `authed_user`. */
  userScopes: string[]
  /** The authorize request's parameters (access_type, token_access_type, ...). */
  authorizeParams: Record<string, string>
  alive: boolean
  createdAt: number
}

export interface AccessToken {
  grantId: string
  /** Epoch ms, or null for a token that does not expire. */
  expiresAt: number | null
  alive: boolean
  /** OAuth 1.0a token secret (Trello). */
  secret?: string
}

export interface RefreshToken {
  grantId: string
  alive: boolean
}

export interface AuthCode {
  clientId: string
  accountKey: string
  redirectUri: string | null
  challenge: string | null
  challengeMethod: string | null
  scopes: string[]
  userScopes: string[]
  authorizeParams: Record<string, string>
  expiresAt: number
  used: boolean
  /** Tokens issued from it: a replayed code revokes them (RFC 6749 §4.1.2). */
  grantId: string | null
}

/** An authorize request waiting for Allow / Deny on the consent page. */
export interface PendingAuthorization {
  id: string
  provider: string
  clientId: string
  /** Host the authorize request came to (a Zendesk subdomain picks the account). */
  host: string
  redirectUri: string
  state: string | null
  scopes: string[]
  userScopes: string[]
  challenge: string | null
  challengeMethod: string | null
  params: Record<string, string>
  /** OAuth 1.0a: the request token being authorized. */
  requestToken?: string
}

/** OAuth 1.0a request token (Trello): made by OAuthGetRequestToken, then authorized. */
export interface RequestToken {
  clientId: string
  secret: string
  callback: string
  verifier: string | null
  accountKey: string | null
  scopes: string[]
  expiration: string | null
  used: boolean
}

export interface AccountSeed {
  key: string
  name?: string
}

const WORDS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka']

export class World {
  accounts = new Map<string, Account[]>()
  clients = new Map<string, Client>()
  pending = new Map<string, PendingAuthorization>()
  codes = new Map<string, AuthCode>()
  grants = new Map<string, Grant>()
  accessTokens = new Map<string, AccessToken>()
  refreshTokens = new Map<string, RefreshToken>()
  requestTokens = new Map<string, RequestToken>()
  /** OAuth 1.0a nonces seen (consumer key, timestamp, nonce): a replay is refused. */
  nonces = new Set<string>()
  #random: Random
  #counter = 0

  constructor(readonly seed: number) {
    this.#random = createRandom(seed)
  }

  /** Seeded text for tokens and codes: unique by a counter, unguessable enough for a test. */
  secret(prefix = '', length = 32): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
    let out = (++this.#counter).toString(36)
    while (out.length < length) out += alphabet[this.#random.int(0, alphabet.length - 1)]
    return prefix + out
  }

  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.#random.int(0, 15).toString(16)).join('')
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${
      hex.slice(20)
    }`
  }

  int(min: number, max: number): number {
    return this.#random.int(min, max)
  }

  addAccount(provider: string, seed: AccountSeed, items = 7, now = 0): Account {
    const list = this.accounts.get(provider) ?? []
    if (list.some((a) => a.key === seed.key)) {
      throw new Error(`${provider} already has an account '${seed.key}'`)
    }
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(seed.key)) {
      throw new Error(`account key '${seed.key}' must be a lowercase host label`)
    }
    const first = FIRST_NAMES[this.int(0, FIRST_NAMES.length - 1)]
    const last = LAST_NAMES[this.int(0, LAST_NAMES.length - 1)]
    const name = seed.name ?? `${seed.key[0].toUpperCase()}${seed.key.slice(1)} Inc`
    const account: Account = {
      provider,
      key: seed.key,
      name,
      number: this.int(10_000_000, 99_999_999),
      uuid: this.uuid(),
      userName: `${first} ${last}`,
      userEmail: `${first.toLowerCase()}.${last.toLowerCase()}@${seed.key}.example.com`,
      items: [],
      nextItemId: 1001,
      isu: { username: `ISU_Integration@${seed.key}`, password: `isu-${seed.key}-${provider}` },
      apiKeys: [],
    }
    for (let i = 0; i < items; i++) this.addItem(account, undefined, now)
    list.push(account)
    this.accounts.set(provider, list)
    return account
  }

  addItem(account: Account, name?: string, now = 0): ItemRecord {
    const first = FIRST_NAMES[this.int(0, FIRST_NAMES.length - 1)]
    const last = LAST_NAMES[this.int(0, LAST_NAMES.length - 1)]
    const item: ItemRecord = {
      id: account.nextItemId++,
      name: name ?? `${first} ${last}`,
      email: `${first.toLowerCase()}.${last.toLowerCase()}${account.nextItemId}@example.com`,
      createdAt: now,
    }
    account.items.push(item)
    return item
  }

  account(provider: string, key: string): Account | undefined {
    return this.accounts.get(provider)?.find((a) => a.key === key)
  }

  accountsOf(provider: string): Account[] {
    return this.accounts.get(provider) ?? []
  }

  /** Default account names for seeding: the first `n` of a fixed list. */
  static defaultKeys(n: number): string[] {
    return WORDS.slice(0, n)
  }

  /** Kills a grant: its refresh tokens and (unless `keepAccessTokens`) access tokens die too. */
  killGrant(grantId: string, keepAccessTokens = false): void {
    const grant = this.grants.get(grantId)
    if (!grant) return
    grant.alive = false
    for (const r of this.refreshTokens.values()) if (r.grantId === grantId) r.alive = false
    if (keepAccessTokens) return
    for (const a of this.accessTokens.values()) if (a.grantId === grantId) a.alive = false
  }
}
