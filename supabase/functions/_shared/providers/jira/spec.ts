// Jira (Atlassian Cloud) as data: OAuth 2.0 3LO with `audience=api.atlassian.com` and
// `prompt=consent`, PKCE, offline_access, refresh tokens that rotate, the site's cloudId looked
// up after connecting.
import type { ProviderSpecInput } from '../types.ts'

/**
 * Atlassian OAuth 2.0 (3LO) (facts: "jira"; docs topic "OAuth 2.0 (3LO) apps"). Without
 * `offline_access` no refresh token is issued. Refresh tokens rotate: each refresh answers a new
 * one and a reused one is refused with 403 `invalid_grant` ("Unknown or invalid refresh
 * token"), so the new one is saved with its access token in one write. The API is
 * `api.atlassian.com/ex/jira/{cloudId}/...`; the cloudId (and the account id) come from the
 * post-connect lookup (hooks.ts). `subdomain` optionally picks the site when a user granted
 * several. The token request is JSON, as Atlassian documents it.
 */
export const jiraSpec = {
  id: 'jira',
  displayName: 'Jira',
  authMode: 'oauth2',
  connectionConfig: {
    subdomain: {
      pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
      description: 'the <site> of <site>.atlassian.net, when the user may grant several sites',
      required: false,
    },
  },
  authorizeUrl: 'https://auth.atlassian.com/authorize',
  tokenUrl: 'https://auth.atlassian.com/oauth/token',
  pkce: true,
  clientAuth: 'body',
  tokenRequestFormat: 'json',
  scopes: {
    default: ['read:jira-work', 'read:jira-user', 'write:jira-work', 'offline_access'],
    separator: ' ',
  },
  authorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
  expiry: { source: 'expires_in', refreshMarginSeconds: 900 },
  requiresRefreshToken: true,
  rotatesRefreshToken: true,
  deadGrant: { oauthErrors: ['invalid_grant'], apiStatuses: [] },
  apiBaseUrl: 'https://api.atlassian.com',
  retry: { after: 'retry-after' },
  pagination: {
    type: 'link',
    linkPath: 'nextPage',
    limitParam: 'maxResults',
    resultsPath: 'values',
  },
  envClient: { clientId: 'JIRA_CLIENT_ID', clientSecret: 'JIRA_CLIENT_SECRET' },
} satisfies ProviderSpecInput
