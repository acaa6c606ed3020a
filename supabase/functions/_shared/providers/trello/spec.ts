// Trello as data: OAuth 1.0a (HMAC-SHA1) with a request token, `scope=read,write` and
// `expiration=never`; credentials that never expire and cannot be refreshed.
import type { ProviderSpecInput } from '../types.ts'

/**
 * Trello OAuth 1.0a (facts: "trello"; docs topic "Authorizing with OAuth 1.0a"). The consumer
 * key is the app's API key (envClient's client id), the consumer secret its OAuth secret. The
 * authorize step takes `name`, comma-separated `scope` and `expiration`. Trello answers auth
 * failures with 401 and plain text; with no way to refresh, a 401 is a dead grant.
 * Revocation is `DELETE /1/tokens/{token}` (hooks.ts).
 */
export const trelloSpec = {
  id: 'trello',
  displayName: 'Trello',
  authMode: 'oauth1',
  requestTokenUrl: 'https://trello.com/1/OAuthGetRequestToken',
  authorizeUrl: 'https://trello.com/1/OAuthAuthorizeToken',
  tokenUrl: 'https://trello.com/1/OAuthGetAccessToken',
  pkce: false,
  scopes: { default: ['read', 'write'], separator: ',' },
  authorizeParams: { expiration: 'never', name: 'CRM Sync' },
  expiry: { source: 'none', refreshMarginSeconds: 0 },
  deadGrant: { oauthErrors: [], apiStatuses: [401] },
  authExpiredStatuses: [],
  apiBaseUrl: 'https://api.trello.com',
  retry: { after: 'retry-after' },
  pagination: { type: 'none' },
  envClient: { clientId: 'TRELLO_CLIENT_ID', clientSecret: 'TRELLO_CLIENT_SECRET' },
} satisfies ProviderSpecInput
