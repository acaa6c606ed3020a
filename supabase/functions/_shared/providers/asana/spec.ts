// Asana as data: PKCE, the `default` scope, hour-long tokens refreshed ahead of expiry, and an
// RFC 7009 revocation that wants the client in the body.
import type { ProviderSpecInput } from '../types.ts'

/**
 * Asana OAuth (facts: "asana"; docs topic "OAuth" in Asana's developer guide). A refresh answers
 * no new refresh token: the one we hold stays. `/-/oauth_revoke` takes the token with the
 * client's id and secret in the form. Lists page by `offset` from `next_page.offset`.
 */
export const asanaSpec = {
  id: 'asana',
  displayName: 'Asana',
  authMode: 'oauth2',
  authorizeUrl: 'https://app.asana.com/-/oauth_authorize',
  tokenUrl: 'https://app.asana.com/-/oauth_token',
  revokeUrl: 'https://app.asana.com/-/oauth_revoke',
  revokeClientAuth: 'body',
  pkce: true,
  clientAuth: 'body',
  tokenRequestFormat: 'form',
  scopes: { default: ['default'], separator: ' ' },
  expiry: { source: 'expires_in', refreshMarginSeconds: 900 },
  requiresRefreshToken: true,
  deadGrant: { oauthErrors: ['invalid_grant'], apiStatuses: [] },
  apiBaseUrl: 'https://app.asana.com',
  retry: { after: 'retry-after' },
  pagination: {
    type: 'offset',
    offsetParam: 'offset',
    offsetPath: 'next_page.offset',
    limitParam: 'limit',
    resultsPath: 'data',
  },
  envClient: { clientId: 'ASANA_CLIENT_ID', clientSecret: 'ASANA_CLIENT_SECRET' },
} satisfies ProviderSpecInput
