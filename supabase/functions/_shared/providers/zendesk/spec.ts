// Zendesk as data: OAuth on the account's subdomain, PKCE, 30-minute access tokens asked for in
// the token request (which is what makes Zendesk issue a refresh token), rotating refresh tokens.
import type { ProviderSpecInput } from '../types.ts'

/**
 * Zendesk OAuth (facts: "zendesk"; docs topics "OAuth Tokens for Grant Types", "Working with
 * OAuth refresh tokens"). Both the code exchange and the refresh send `expires_in=1800`; without
 * it Zendesk issues a token that never expires and no refresh token. Each refresh answers a new
 * refresh token and the used one dies. Revocation deletes the current token (hooks.ts).
 * Lists page by the `next_page` URL in the body.
 */
export const zendeskSpec = {
  id: 'zendesk',
  displayName: 'Zendesk',
  authMode: 'oauth2',
  connectionConfig: {
    subdomain: {
      pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
      description: 'the <account> of <account>.zendesk.com',
      required: true,
    },
  },
  authorizeUrl: 'https://{subdomain}.zendesk.com/oauth/authorizations/new',
  tokenUrl: 'https://{subdomain}.zendesk.com/oauth/tokens',
  pkce: true,
  clientAuth: 'body',
  tokenRequestFormat: 'json',
  scopes: { default: ['read', 'write'], separator: ' ' },
  tokenParams: { expires_in: '1800' },
  refreshParams: { expires_in: '1800' },
  expiry: { source: 'expires_in', refreshMarginSeconds: 900 },
  requiresRefreshToken: true,
  rotatesRefreshToken: true,
  deadGrant: { oauthErrors: ['invalid_grant'], apiStatuses: [] },
  apiBaseUrl: 'https://{subdomain}.zendesk.com',
  retry: { after: 'retry-after' },
  pagination: { type: 'link', linkPath: 'next_page', limitParam: 'per_page' },
  envClient: { clientId: 'ZENDESK_CLIENT_ID', clientSecret: 'ZENDESK_CLIENT_SECRET' },
} satisfies ProviderSpecInput
