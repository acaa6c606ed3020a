// GitLab.com as data: PKCE, two-hour tokens, refresh tokens that rotate (the old one dies), and
// an RFC 7009 revocation with the client in the body.
import type { ProviderSpecInput } from '../types.ts'

/**
 * GitLab OAuth 2.0 (facts: "gitlab"; docs topic "OAuth 2.0 identity provider API"). Access
 * tokens expire after two hours; each refresh answers a new refresh token and revokes the one
 * used, so the new one must be saved with its access token in one write. The API base is the
 * instance root, callers include `/api/v4` (as Nango's proxy). Lists page by the Link header.
 */
export const gitlabSpec = {
  id: 'gitlab',
  displayName: 'GitLab',
  authMode: 'oauth2',
  authorizeUrl: 'https://gitlab.com/oauth/authorize',
  tokenUrl: 'https://gitlab.com/oauth/token',
  revokeUrl: 'https://gitlab.com/oauth/revoke',
  revokeClientAuth: 'body',
  pkce: true,
  clientAuth: 'body',
  tokenRequestFormat: 'form',
  scopes: { default: ['read_user', 'read_api'], separator: ' ' },
  expiry: { source: 'expires_in', refreshMarginSeconds: 900 },
  requiresRefreshToken: true,
  rotatesRefreshToken: true,
  deadGrant: { oauthErrors: ['invalid_grant'], apiStatuses: [] },
  apiBaseUrl: 'https://gitlab.com',
  retry: { after: 'retry-after', at: 'ratelimit-reset', remaining: 'ratelimit-remaining' },
  pagination: { type: 'link', linkPath: 'header', limitParam: 'per_page' },
  envClient: { clientId: 'GITLAB_CLIENT_ID', clientSecret: 'GITLAB_CLIENT_SECRET' },
} satisfies ProviderSpecInput
