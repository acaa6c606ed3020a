// HubSpot as data: authorize on app.hubspot.com but tokens on api.hubapi.com, PKCE, 30-minute
// access tokens refreshed ahead of expiry, refresh tokens that never rotate.
import type { ProviderSpecInput } from '../types.ts'

/**
 * HubSpot OAuth (facts: "HubSpot OAuth 2.0", manage-oauth-tokens). Scopes must equal the app's
 * configured required scopes; these are what contacts sync needs. Access tokens live 1800 s and
 * HubSpot's guidelines say a 401 is not the refresh signal, so refresh is proactive from
 * `expires_in`. The portal id comes from the post-connect lookup (hooks.ts); revocation is a
 * DELETE of the refresh token, not RFC 7009 (hooks.ts). Rate limits: a 429 without Retry-After,
 * with `X-HubSpot-RateLimit-Remaining: 0`.
 */
export const hubspotSpec = {
  id: 'hubspot',
  displayName: 'HubSpot',
  authMode: 'oauth2',
  authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
  tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
  pkce: true,
  clientAuth: 'body',
  tokenRequestFormat: 'form',
  scopes: { default: ['oauth', 'crm.objects.contacts.read'], separator: ' ' },
  expiry: { source: 'expires_in', refreshMarginSeconds: 900 },
  requiresRefreshToken: true,
  rotatesRefreshToken: false,
  deadGrant: { oauthErrors: ['invalid_grant'], apiStatuses: [] },
  apiBaseUrl: 'https://api.hubapi.com',
  retry: { after: 'retry-after', remaining: 'x-hubspot-ratelimit-remaining' },
  pagination: {
    type: 'cursor',
    cursorPath: 'paging.next.after',
    cursorParam: 'after',
    limitParam: 'limit',
    resultsPath: 'results',
  },
  envClient: { clientId: 'HUBSPOT_CLIENT_ID', clientSecret: 'HUBSPOT_CLIENT_SECRET' },
} satisfies ProviderSpecInput
