// Google as data: `access_type=offline` and `prompt=consent` (a refresh token on every consent),
// PKCE, hour-long tokens, RFC 7009 revocation with the token alone.
import type { ProviderSpecInput } from '../types.ts'

/**
 * Google OAuth 2.0 for web server apps (facts: "google"; docs topic "Using OAuth 2.0 for Web
 * Server Applications"). Without `access_type=offline` no refresh token is issued; on a second
 * consent Google issues one only with `prompt=consent`. A refresh answers no new refresh token.
 * `oauth2.googleapis.com/revoke` takes the token alone. A 429's wait is in the error message,
 * not a header, so it goes back to the caller unretried.
 */
export const googleSpec = {
  id: 'google',
  displayName: 'Google',
  authMode: 'oauth2',
  authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  revokeUrl: 'https://oauth2.googleapis.com/revoke',
  revokeClientAuth: 'none',
  pkce: true,
  clientAuth: 'body',
  tokenRequestFormat: 'form',
  scopes: { default: ['openid', 'email'], separator: ' ' },
  authorizeParams: { access_type: 'offline', prompt: 'consent' },
  expiry: { source: 'expires_in', refreshMarginSeconds: 900 },
  requiresRefreshToken: true,
  deadGrant: { oauthErrors: ['invalid_grant'], apiStatuses: [] },
  apiBaseUrl: 'https://www.googleapis.com',
  retry: { after: 'retry-after' },
  pagination: {
    type: 'cursor',
    cursorPath: 'nextPageToken',
    cursorParam: 'pageToken',
    limitParam: 'maxResults',
    resultsPath: 'items',
  },
  envClient: { clientId: 'GOOGLE_CLIENT_ID', clientSecret: 'GOOGLE_CLIENT_SECRET' },
} satisfies ProviderSpecInput
