// Microsoft 365 (Graph) as data: the multi-tenant v2.0 endpoint, no PKCE, offline_access for a
// refresh token, the code back in the query string.
import type { ProviderSpecInput } from '../types.ts'

/**
 * Microsoft identity platform, authorization code flow (facts: "microsoft"; docs topic
 * "v2-oauth2-auth-code-flow"). The server-side web-app flow is sent without PKCE, as Nango
 * does. Without `offline_access` no refresh token is issued. Each refresh answers a new refresh
 * token; the old one stays valid until it expires, so this is not rotation in the sense that a
 * lost answer kills the grant (the new one is stored all the same). Graph throttles with 429 and
 * Retry-After; pages by `@odata.nextLink`.
 */
export const microsoft365Spec = {
  id: 'microsoft365',
  displayName: 'Microsoft 365',
  authMode: 'oauth2',
  authorizeUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
  tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
  pkce: false,
  clientAuth: 'body',
  tokenRequestFormat: 'form',
  scopes: { default: ['offline_access', 'https://graph.microsoft.com/.default'], separator: ' ' },
  authorizeParams: { response_mode: 'query' },
  expiry: { source: 'expires_in', refreshMarginSeconds: 900 },
  requiresRefreshToken: true,
  rotatesRefreshToken: false,
  deadGrant: { oauthErrors: ['invalid_grant'], apiStatuses: [] },
  apiBaseUrl: 'https://graph.microsoft.com',
  retry: { after: 'retry-after' },
  pagination: {
    type: 'link',
    linkPath: '@odata.nextLink',
    limitParam: '$top',
    resultsPath: 'value',
  },
  envClient: { clientId: 'MICROSOFT365_CLIENT_ID', clientSecret: 'MICROSOFT365_CLIENT_SECRET' },
} satisfies ProviderSpecInput
