// Dropbox as data: `token_access_type=offline` (or no refresh token at all), PKCE, four-hour
// tokens refreshed ahead of expiry; revocation with the access token as Bearer.
import type { ProviderSpecInput } from '../types.ts'

/**
 * Dropbox OAuth (facts: "dropbox"; docs topic "OAuth Guide", "/oauth2/authorize"). Access
 * tokens are short-lived; only with `token_access_type=offline` does the code exchange answer a
 * refresh token, and a refresh answers none (the one we hold stays). `/2/auth/token/revoke` is
 * an RPC call authorized by the access token itself (hooks.ts).
 */
export const dropboxSpec = {
  id: 'dropbox',
  displayName: 'Dropbox',
  authMode: 'oauth2',
  authorizeUrl: 'https://www.dropbox.com/oauth2/authorize',
  tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
  pkce: true,
  clientAuth: 'body',
  tokenRequestFormat: 'form',
  scopes: { default: ['account_info.read', 'files.metadata.read'], separator: ' ' },
  authorizeParams: { token_access_type: 'offline' },
  expiry: { source: 'expires_in', refreshMarginSeconds: 900 },
  requiresRefreshToken: true,
  deadGrant: { oauthErrors: ['invalid_grant'], apiStatuses: [] },
  apiBaseUrl: 'https://api.dropboxapi.com',
  retry: { after: 'retry-after' },
  pagination: { type: 'none' },
  envClient: { clientId: 'DROPBOX_CLIENT_ID', clientSecret: 'DROPBOX_CLIENT_SECRET' },
} satisfies ProviderSpecInput
