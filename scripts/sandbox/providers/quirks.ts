// The shape of one provider's quirk entry in config.ts: how its OAuth and its small API behave.
// URL templates name the real host (`https://{subdomain}.zendesk.com/oauth/tokens`); the
// simulator serves each under `/<host>/`. `{subdomain}`, `{tenant}` and `{company}` stand for an
// account's key, `{any}` for any host label, `{cloudId}` for an account's UUID.

import type { Account, Client, Grant, ItemRecord, World } from './world.ts'

/** A response in the provider's shape; a string body is sent as text/plain. */
export interface Reply {
  status?: number
  body: unknown
  headers?: Record<string, string>
}

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'redirect_uri_mismatch'

export interface TokenErrorContext {
  grantType: string
  description: string
}

/** What a successful code exchange or refresh produced, for the provider's response shape. */
export interface IssuedTokens {
  accessToken: string
  refreshToken: string | null
  /** Seconds, or null for a token that does not expire. */
  expiresIn: number | null
  /** Slack: the user token issued for `user_scope`, returned under `authed_user`. */
  userAccessToken: string | null
  scopes: string[]
  userScopes: string[]
  grant: Grant
  account: Account
  client: Client
  grantType: 'authorization_code' | 'refresh_token'
}

/** What decides an access token's lifetime: the token request's parameters and the client. */
export interface TtlContext {
  params: URLSearchParams
  client: Client
  grant: Grant
}

export interface RevokeQuirks {
  method: 'POST' | 'DELETE' | 'GET'
  /** URL template; `{token}` takes the token from the path. */
  url: string
  /** Where the token to revoke is: path, form/JSON body field, query or the Bearer header. */
  token: 'path' | 'bearer' | { field: string }
  /** Client authentication the endpoint requires. */
  clientAuth: 'none' | 'basic' | 'body'
  reply: Reply
  /** HubSpot: revoking the refresh token leaves issued access tokens valid until they expire. */
  keepAccessTokens?: boolean
}

export interface OAuth2Quirks {
  kind: 'oauth2'
  authorizeUrl: string
  tokenUrl: string
  /** `S256`: a challenge is verified (and required of clients registered with requirePkce). */
  pkce: 'S256' | 'none'
  clientAuth: 'body' | 'basic' | 'either'
  tokenFormat: 'form' | 'json' | 'either'
  scopeSeparator: ' ' | ','
  /** Authorize parameters the provider insists on; null = any non-empty value. */
  authorizeRequires?: Record<string, string | null>
  /** Token request parameters required on both grants (query string or body). */
  tokenRequires?: Record<string, string>
  /** Token prefixes; `user` marks Slack's user tokens (`xoxp-`) against bot tokens (`xoxb-`). */
  tokenPrefix: { access: string; refresh: string; user?: string }
  /** Access token lifetime in seconds, null = never expires. */
  accessTtl(ctx: TtlContext): number | null
  /**
   * `static`: refresh returns the same refresh token; `rotating`: a new one and the old dies;
   * `reissued`: a new one and the old stays valid (Microsoft); `none`: no refresh tokens.
   */
  refresh: 'none' | 'static' | 'rotating' | 'reissued'
  /** Whether a code exchange gets a refresh token (Dropbox offline, Google consent, ...). */
  issuesRefreshToken?(ctx: TtlContext & { firstGrant: boolean }): boolean
  /** GitHub and Slack: a code exchange without `grant_type` is fine. */
  grantTypeOptional?: boolean
  /** GitHub and Slack: the code exchange may leave out `redirect_uri` (if sent, it must match). */
  redirectUriOptional?: boolean
  /** GitHub: the token response is form-encoded unless the request accepts JSON. */
  formResponseUnlessAcceptJson?: boolean
  tokenResponse(t: IssuedTokens): Record<string, unknown>
  /** Token endpoint errors; default RFC 6749 `{error, error_description}`. */
  tokenError?(code: OAuthErrorCode, ctx: TokenErrorContext): Reply
  revoke?: RevokeQuirks
}

/** OAuth 1.0a (Trello): request token, authorize, access token; HMAC-SHA1 signatures. */
export interface OAuth1Quirks {
  kind: 'oauth1'
  requestTokenUrl: string
  authorizeUrl: string
  accessTokenUrl: string
  scopeSeparator: ','
  revoke?: RevokeQuirks
}

/** Workday's Integration System User: HTTP Basic `<user>@<tenant>` on the API. */
export interface BasicQuirks {
  kind: 'basic'
}

export type ApiErrorKind =
  | 'expired'
  | 'invalid'
  | 'rate-limited'
  | 'unavailable'
  | 'bad-request'
  | 'not-found'

export interface ApiErrorContext {
  message?: string
  retryAfterSeconds: number
  /** Epoch seconds when the rate-limit window resets. */
  resetAt: number
  now: number
}

/** Ways the API accepts a credential besides an OAuth Bearer token. */
export type ApiCredential =
  | 'bearer'
  | 'oauth1'
  | 'basic-isu'
  | 'basic-api-key'
  | 'query-api-token'
  | 'header-private-token'
  | 'trello-key-token'

export interface ApiContext {
  world: World
  account: Account
  grant: Grant | null
  /** The request URL as the real provider would see it (https://<host>/...). */
  url: URL
  params: URLSearchParams
  body: Record<string, unknown>
  pathParams: Record<string, string>
  now: number
  /** The Bearer/OAuth token the call used, when it used one. */
  token: string | null
  /** Where a client reaches a real URL: `https://<host>/<path>` → `<simulator>/<host>/<path>`. */
  publicUrl(realUrl: string): string
}

export interface ListPage {
  items: ItemRecord[]
  /** The next page's position parameter value, or null on the last page. */
  next: string | null
  limit: number
  offset: number
  total: number
  /**
   * The next page's URL (same query, position replaced) where a client can follow it (on the
   * simulator), or null; `nextRealUrl` is the same on the real host.
   */
  nextUrl: string | null
  nextRealUrl: string | null
}

export interface ListQuirks {
  method: 'GET' | 'POST'
  path: string
  limitParam: string
  defaultLimit: number
  maxLimit: number
  positionParam: string
  /** cursor = opaque token, page = 1-based page number, offset = item offset, none = all. */
  position: 'cursor' | 'page' | 'offset' | 'none'
  /** Dropbox: a separate endpoint that takes `{cursor}` for the next pages. */
  continuePath?: string
  render(page: ListPage, ctx: ApiContext): Reply
}

export interface CreateQuirks {
  method: 'POST' | 'PUT'
  path: string
  /** The new record's name from the request, or null when the body is not acceptable. */
  name(body: Record<string, unknown>, params: URLSearchParams): string | null
  render(item: ItemRecord, ctx: ApiContext): Reply
}

export interface RouteQuirks {
  /** ANY: Slack's Web API takes GET or POST alike. */
  method: 'GET' | 'POST' | 'DELETE' | 'ANY'
  /** Relative to the API base; `{name}` matches one path segment. */
  path: string
  /** Where the access token is when not in the Authorization header (HubSpot token info). */
  tokenIn?: { path: string }
  handle(ctx: ApiContext): Reply
}

export interface ApiQuirks {
  /** URL template of the API root; route paths are relative to it. */
  base: string
  credentials: ApiCredential[]
  /** Headers every call must carry (Notion-Version), name → accepted value pattern. */
  requiredHeaders?: Record<string, RegExp>
  me: RouteQuirks
  list: ListQuirks
  create: CreateQuirks
  /** Identity lookups the post-connect hooks use and other one-off routes. */
  routes?: RouteQuirks[]
  error(kind: ApiErrorKind, ctx: ApiErrorContext): Reply
  /** A revoked or killed token, where the provider tells it apart from an unknown one (Slack). */
  revoked?(ctx: ApiErrorContext): Reply
  /** Headers on every API answer (GitHub's x-ratelimit-*). */
  headers?(now: number): Record<string, string>
}

export interface ProviderQuirks {
  id: string
  displayName: string
  auth: OAuth2Quirks | OAuth1Quirks | BasicQuirks
  /** Workday: the OAuth variant served beside its Basic ISU auth. */
  oauthVariant?: OAuth2Quirks
  api: ApiQuirks
}
