// What the platform needs to know about a provider: a ProviderSpec (data, zod-validated at boot)
// plus ProviderHooks (named functions for what data cannot say), as Nango splits them.
import { z } from 'zod'
import type { ClientCredentials, TokenResponse } from '../oauth/token-client.ts'
import type { SourceFactory } from '../sync/source.ts'
import type { ProviderDescribe } from './describe.ts'
import type { WebhookReceiver } from '../webhooks/receiver.ts'

export type { TokenResponse }

/** How a provider authenticates our calls. */
export const authModes = ['oauth2', 'oauth1', 'api_key', 'basic'] as const
export type AuthMode = (typeof authModes)[number]

/** A registry id, also `integrations.provider`: lowercase letters, digits, `_` and `-`. */
export const providerIdPattern = /^[a-z0-9_-]+$/
export type ProviderId = string

/**
 * An https URL template whose `{name}` placeholders are connection config fields, e.g.
 * `https://{subdomain}.zendesk.com/oauth/tokens`. Filled by `fillTemplate` in urls.ts.
 */
const urlTemplate = z.string().regex(
  /^(https:\/\/|\{[a-zA-Z_]+\}(\/|$))[^\s]*$/,
  'must be an https URL template (or open with a {placeholder} a token response fills)',
)

/**
 * One connection config field. `pattern` (an anchored regex source) must keep a value inside
 * one host label or path segment, so a value can never move a URL to another host.
 */
const configFieldSchema = z.object({
  pattern: z.string().refine((source) => source.startsWith('^') && source.endsWith('$'), {
    message: 'must be anchored with ^ and $',
  }).refine((source) => {
    try {
      new RegExp(source)
      return true
    } catch {
      return false
    }
  }, { message: 'must be a valid regular expression' }),
  description: z.string().min(1),
  required: z.boolean().default(true),
})
export type ConnectionConfigField = z.infer<typeof configFieldSchema>

/** Which responses mean the grant (refresh token, or key) is dead: a person must connect again. */
const deadGrantSchema = z.object({
  /** OAuth `error` codes of a refresh response (RFC 6749 §5.2). */
  oauthErrors: z.array(z.string().min(1)).default(['invalid_grant']),
  /** HTTP statuses of an API response that mean dead credentials (api_key/basic: 401). */
  apiStatuses: z.array(z.number().int().min(400).max(599)).default([]),
})

/** Rate-limit headers of the provider's API (lowercase names), as Nango's `proxy.retry`. */
const retrySchema = z.object({
  /** Header holding seconds to wait (`retry-after`). */
  after: z.string().optional(),
  /** Header holding the epoch (seconds) when the limit resets (`x-ratelimit-reset`). */
  at: z.string().optional(),
  /** Header that is `0` when the allowance is spent (`x-hubspot-ratelimit-remaining`). */
  remaining: z.string().optional(),
  /** Statuses to retry after waiting, besides 429 and 503. */
  statuses: z.array(z.number().int().min(400).max(599)).default([]),
})

/** How the provider's list endpoints page, for the proxy's callers. */
const paginationSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('cursor'),
    /** Dotted path of the next cursor in the response (`paging.next.after`). */
    cursorPath: z.string(),
    /** Query parameter the cursor goes back in (`after`). */
    cursorParam: z.string(),
    limitParam: z.string().optional(),
    /** Dotted path of the records (`results`). */
    resultsPath: z.string().optional(),
  }),
  z.object({
    type: z.literal('link'),
    /** `header` reads the Link header; otherwise a dotted path to the next URL in the body. */
    linkPath: z.string().default('header'),
    limitParam: z.string().optional(),
    resultsPath: z.string().optional(),
  }),
  z.object({
    type: z.literal('offset'),
    offsetParam: z.string(),
    /** Dotted path of the next offset in the response, when the provider gives one. */
    offsetPath: z.string().optional(),
    limitParam: z.string().optional(),
    resultsPath: z.string().optional(),
  }),
  z.object({ type: z.literal('none') }),
])

/**
 * How api_key and basic credentials go on a request: `bearer` (Authorization: Bearer <key>),
 * `basic` (Authorization: Basic base64(user:password); an api key is the user and
 * `basicPassword` the password, BambooHR's `x`), or `header` (the key as `header`'s value).
 */
const credentialInjectionSchema = z.object({
  scheme: z.enum(['bearer', 'basic', 'header']),
  header: z.string().regex(/^[a-z0-9-]+$/).optional(),
  basicPassword: z.string().optional(),
})

/** A provider as data. Every registry entry is parsed by this schema at boot and in a test. */
export const providerSpecSchema = z.object({
  id: z.string().regex(providerIdPattern),
  displayName: z.string().min(1),
  authMode: z.enum(authModes),
  /** Per-connection settings (subdomain, tenant, My Domain); values fill the URL templates. */
  connectionConfig: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/), configFieldSchema)
    .default({}),
  /** oauth2/oauth1: where the browser is sent. */
  authorizeUrl: urlTemplate.optional(),
  /** oauth2: code exchange and refresh; oauth1: the access-token URL. */
  tokenUrl: urlTemplate.optional(),
  /** oauth1 only: the request-token URL. */
  requestTokenUrl: urlTemplate.optional(),
  /** RFC 7009 revocation, when the provider has one (a `revoke` hook covers quirks). */
  revokeUrl: urlTemplate.optional(),
  /**
   * How the client authenticates at revokeUrl: `none` sends the token alone (Salesforce,
   * Google); `body`/`basic` add the client as RFC 7009 §2.1 says (Asana, GitLab, Pipedrive).
   */
  revokeClientAuth: z.enum(['none', 'body', 'basic']).default('none'),
  /** PKCE S256 on authorize and code exchange (Slack and Microsoft refuse it). */
  pkce: z.boolean().default(true),
  /** Client id/secret in the token request body, or in a Basic header (Notion). */
  clientAuth: z.enum(['body', 'basic']).default('body'),
  tokenRequestFormat: z.enum(['form', 'json']).default('form'),
  scopes: z.object({
    default: z.array(z.string().min(1)).default([]),
    separator: z.string().min(1).default(' '),
  }).default({ default: [], separator: ' ' }),
  authorizeParams: z.record(z.string(), z.string()).default({}),
  tokenParams: z.record(z.string(), z.string()).default({}),
  refreshParams: z.record(z.string(), z.string()).default({}),
  /** Token response field → connection config key (`instance_url`, `api_domain`, ...). */
  tokenResponseMetadata: z.record(z.string(), z.string()).default({}),
  expiry: z.object({
    /** `expires_in` in the token response; `introspect`ed (Salesforce); `none` (never expires). */
    source: z.enum(['expires_in', 'introspect', 'none']),
    /** Refresh this long before `expires_at` (Nango: 15 minutes). */
    refreshMarginSeconds: z.number().int().min(0).default(900),
  }),
  /**
   * A grant without a refresh token is refused at connect time (Salesforce: without one the
   * connection dies with its first session). Providers whose tokens never expire leave it off.
   */
  requiresRefreshToken: z.boolean().default(false),
  /** A refresh answers with a new refresh token that replaces the old one (Atlassian). */
  rotatesRefreshToken: z.boolean().default(false),
  deadGrant: deadGrantSchema.default({ oauthErrors: ['invalid_grant'], apiStatuses: [] }),
  /** API statuses meaning "this access token expired": refresh once and retry once. */
  authExpiredStatuses: z.array(z.number().int().min(400).max(599)).default([401]),
  /** Base of the provider's API (the proxy's root); `{name}` from connection config. */
  apiBaseUrl: urlTemplate,
  /** Fixed headers on every API call (Notion-Version). */
  apiHeaders: z.record(z.string().regex(/^[a-z0-9-]+$/), z.string()).default({}),
  retry: retrySchema.default({ statuses: [] }),
  pagination: paginationSchema.default({ type: 'none' }),
  /** Environment variable names of the server's own app (oauth2/oauth1). */
  envClient: z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) })
    .optional(),
  /** api_key/basic: how the stored credential goes on a request. */
  credentialInjection: credentialInjectionSchema.optional(),
}).superRefine((spec, ctx) => {
  const need = (field: keyof typeof spec, why: string) => {
    if (spec[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: why })
  }
  if (spec.authMode === 'oauth2' || spec.authMode === 'oauth1') {
    need('authorizeUrl', `${spec.authMode} needs an authorizeUrl`)
    need('tokenUrl', `${spec.authMode} needs a tokenUrl`)
    need('envClient', `${spec.authMode} needs envClient variable names`)
  }
  if (spec.authMode === 'oauth1') need('requestTokenUrl', 'oauth1 needs a requestTokenUrl')
  if (spec.authMode === 'api_key' || spec.authMode === 'basic') {
    need('credentialInjection', `${spec.authMode} needs credentialInjection`)
  }
  // Every placeholder must name a declared config field (or a token-response metadata key).
  const known = new Set([
    ...Object.keys(spec.connectionConfig),
    ...Object.values(spec.tokenResponseMetadata),
  ])
  for (const field of ['authorizeUrl', 'tokenUrl', 'requestTokenUrl', 'revokeUrl', 'apiBaseUrl']) {
    const template = spec[field as keyof typeof spec]
    if (typeof template !== 'string') continue
    for (const [, name] of template.matchAll(/\{([^}]+)\}/g)) {
      if (!known.has(name)) {
        ctx.addIssue({ code: 'custom', path: [field], message: `unknown placeholder {${name}}` })
      }
    }
  }
})
/** A spec as written in a provider folder (defaults may be left out). */
export type ProviderSpecInput = z.input<typeof providerSpecSchema>
/** A spec after parsing: every default filled. */
export type ProviderSpec = z.output<typeof providerSpecSchema>

/** A connection's config: field → value (validated against the spec's patterns). */
export type ConnectionConfig = Readonly<Record<string, string>>

/**
 * The credential set an integration keeps in Vault: one JSON, written in one Vault write, so a
 * rotated refresh token is never saved apart from its access token. Which fields are set
 * depends on the auth mode; the whole object is a secret.
 */
export const storedTokensSchema = z.object({
  /** oauth2/oauth1: the access token (oauth1: `oauth_token`). */
  access_token: z.string().min(1).optional(),
  refresh_token: z.string().min(1).optional(),
  /** oauth1: `oauth_token_secret`. */
  token_secret: z.string().min(1).optional(),
  /** api_key: the key; basic: user name and password. */
  api_key: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** Salesforce's API base as the token response gave it (kept for rows written before). */
  instance_url: z.url().optional(),
  /** The provider's issue time, milliseconds since the epoch. */
  issued_at: z.number().int().optional(),
  /** When the access token expires, milliseconds since the epoch (from `expires_in`). */
  expires_at: z.number().int().optional(),
  scope: z.string().optional(),
})
export type StoredTokens = z.infer<typeof storedTokensSchema>

/** What a token response means for us: the set to store, whom it belongs to, extra config. */
export interface ProviderGrant {
  tokens: StoredTokens
  externalOrgId: string | null
  externalUserId: string | null
  /** The scopes actually granted (may be fewer than requested). */
  scopes: string[]
  /** A refresh answered with a new refresh token (rotation). */
  rotated: boolean
  /** Token-response metadata to merge into connection config (spec.tokenResponseMetadata). */
  metadata: Record<string, string>
}

/** What reading a token response needs besides the response. */
export interface TokenResponseContext {
  spec: ProviderSpec
  config: ConnectionConfig
  /** The authorize/token URL base the tokens came from (Salesforce checks instance_url with it). */
  tokenUrl: string
  /** Verifies the response signature when the provider signs with it. */
  clientSecret?: string
  /** The stored set a refresh replaces: its refresh token stays unless a new one came. */
  previous?: StoredTokens
  /** Now, milliseconds since the epoch (expires_in is relative). */
  now: number
}

/** What a provider's API answer means to the connections layer. */
export type ErrorClass = 'auth_expired' | 'dead_grant' | 'rate_limited' | 'other'

/** A fetch that carries the connection's credentials (see connections/authorized-fetch.ts). */
export type AuthorizedFetch = (request: Request) => Promise<Response>

/** What a post-connect or revoke hook gets: the connection as it stands, and a signed fetch. */
export interface HookContext {
  spec: ProviderSpec
  config: ConnectionConfig
  tokens: StoredTokens
  /** Calls the provider's API with the new credentials (no refresh on the first call). */
  fetch: AuthorizedFetch
  /** An unauthenticated fetch (the revoke endpoints that take the token in the URL). */
  plainFetch: typeof fetch
  apiBaseUrl: string
  /** The app the grant was issued to, when known (GitHub revokes with the client's Basic). */
  client?: ClientCredentials
}

/** The outcome of a revoke: the provider forgot the grant, or never knew it. */
export type RevokeOutcome = 'revoked' | 'already_invalid' | 'not_supported'

/**
 * What data cannot say, as named functions. Each is optional: without it the connections
 * layer does the standard thing the spec describes.
 */
export interface ProviderHooks {
  /** The grant from a token response when data cannot say it (Slack's `authed_user`). */
  readTokenResponse?(response: TokenResponse, context: TokenResponseContext): Promise<ProviderGrant>
  /** Identity lookup after connecting: extra connection config (HubSpot portalId, cloudId). */
  postConnect?(context: HookContext): Promise<Record<string, string>>
  /** Revocation quirks (HubSpot's DELETE of the refresh token). */
  revoke?(context: HookContext): Promise<RevokeOutcome>
  /**
   * What an API response means (its body may be read from a clone); undefined leaves it to the
   * spec (authExpiredStatuses, deadGrant.apiStatuses, 429/retry statuses).
   */
  classifyError?(response: Response): Promise<ErrorClass | undefined>
  /** The API version a new integration starts with, when the provider versions its API. */
  defaultApiVersion?(): string
  /**
   * The base URL that replaces the origin of the OAuth templates, when it comes from the server's
   * environment rather than the spec (Salesforce: login, test or the org's My Domain).
   */
  loginBaseUrl?(config: ConnectionConfig): string
  /**
   * Cross-field rules of the connection config that patterns cannot say (Salesforce: a My Domain
   * exactly when the environment is custom); returns the config with defaults filled.
   *
   * @throws {ValidationError} naming the field.
   */
  checkConfig?(config: ConnectionConfig): ConnectionConfig
  /** The objects and fields a connected account exposes (the objects endpoints, mapping checks). */
  describe?: ProviderDescribe
}

/** A CRM contact as the picker shows it, read live from the provider. */
export interface RemoteContact {
  id: string
  first_name: string | null
  last_name: string | null
  name: string | null
  email: string | null
  phone: string | null
  mobile_phone: string | null
  title: string | null
  department: string | null
  account_id: string | null
  account_name: string | null
}

/** A contact as a campaign lead is made from it. */
export type LeadSource = {
  source_id: string
  first_name: string | null
  last_name: string | null
  email: string | null
  phone: string | null
  company: string | null
  title: string | null
}

/** Where a contact call goes: the integration, and what the caller could read of it. */
export interface ContactScope {
  integrationId: string
  /** The API base the provider gave (Salesforce's instance_url), for request planning. */
  instanceUrl: string | null
  apiVersion: string
}

/** A provider's CRM contacts: the sync source, and the live reads the contacts routes make. */
export interface ContactObject {
  /** The source of the `contacts` table's rows (the engine reads pages through it). */
  sync: SourceFactory
  /**
   * The canonical form of a contact id as a caller may give it (Salesforce: 15 or 18
   * characters → 18), or undefined when it is not one of this provider's contact ids.
   */
  canonicalId(id: string): string | undefined
  /**
   * One page of contacts for a picker, after the contact `afterId` (canonical) in the
   * provider's order, optionally matching `search`; `nextAfter` is the last id scanned when
   * more follow.
   */
  browse(
    scope: ContactScope,
    page: { limit: number; afterId?: string; search?: string },
  ): Promise<{ contacts: RemoteContact[]; nextAfter: string | null }>
  /** The contacts with these canonical ids that exist (each at most once, any order). */
  fetchByIds(scope: ContactScope, ids: readonly string[]): Promise<LeadSource[]>
}

/** What the sync engine and the contacts routes may ask a provider for, per object. */
export interface ProviderObjects {
  contact?: ContactObject
  /**
   * The sync source of another object: `account`, `lead` (tables of their own) or the
   * provider's API name of any other object (crm_records); undefined when it cannot sync it.
   */
  sync?(object: string): SourceFactory | undefined
}

/** One registry entry. */
export interface Provider {
  spec: ProviderSpec
  hooks: ProviderHooks
  objects: ProviderObjects
  /** Inbound webhooks (`POST /webhooks/<id>`), for providers that send them. */
  webhooks?: WebhookReceiver
}

// --- Salesforce's locations, kept while integrations still carry environment columns. ---

export type IntegrationEnvironment = 'production' | 'sandbox' | 'custom'

/** Where a Salesforce integration logs in: the login host per environment, or its My Domain. */
export interface IntegrationLocation {
  environment: IntegrationEnvironment
  my_domain_url: string | null
}
