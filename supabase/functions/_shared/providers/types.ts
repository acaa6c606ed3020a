// What the OAuth and credentials code needs to know about a provider, as data (Nango style).
import type { StoredTokens } from '../credentials/token-set.ts'
import type { ClientCredentials, TokenResponse } from '../oauth/token-client.ts'

export type ProviderId = 'salesforce'
export type IntegrationEnvironment = 'production' | 'sandbox' | 'custom'

/** Where an integration logs in: the provider's login host per environment, or its own domain. */
export interface IntegrationLocation {
  environment: IntegrationEnvironment
  my_domain_url: string | null
}

/** What a token response means for us: the token set to store and whom it belongs to. */
export interface ProviderGrant {
  tokens: StoredTokens
  externalOrgId: string | null
  externalUserId: string | null
  /** The scopes actually granted (may be fewer than requested). */
  scopes: string[]
  /** A refresh answered with a new refresh token (rotation). */
  rotated: boolean
}

/** What reading a token response needs besides the response. */
export interface TokenResponseContext {
  /** The login base the tokens came from. */
  loginBaseUrl: string
  /** Verifies the response signature when the provider signs with it. */
  clientSecret?: string
  /** The stored set a refresh replaces: its refresh token stays unless a new one came. */
  previous?: StoredTokens
}

/**
 * One provider's OAuth facts. Paths are appended to the login base URL, which may itself carry
 * a path (a local simulator serves several hosts under prefixes).
 */
export interface OAuthProvider {
  id: ProviderId
  displayName: string
  authorizePath: string
  tokenPath: string
  revokePath: string
  /** Requested on every authorization. */
  scopes: readonly string[]
  scopeSeparator: string
  /** Always S256: plain PKCE protects nothing against a leaked authorization request. */
  pkce: 'S256'
  /** Added to every authorization URL. */
  authorizeParams: Readonly<Record<string, string>>
  /** The login base URL (no trailing slash) for an integration's environment. */
  loginBaseUrl(location: IntegrationLocation): string
  /** The server's own connected app from the environment, when configured. */
  envClient(): ClientCredentials | undefined
  /** Code for what data cannot say: the provider's token response read into a ProviderGrant. */
  readTokenResponse(response: TokenResponse, context: TokenResponseContext): Promise<ProviderGrant>
  /** REST API version new integrations start with. */
  defaultApiVersion(): string
}
