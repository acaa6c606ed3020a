// Pipedrive as data: no PKCE, the client in a Basic header, scopes set on the app (none in the
// URL), and an API base per company taken from the token response's api_domain.
import type { ProviderSpecInput } from '../types.ts'

/**
 * Pipedrive OAuth (facts: "Pipedrive OAuth 2.0", marketplace-oauth-authorization). Tokens live
 * about an hour; a refresh token dies after 60 unused days. The API base is the company's own
 * host, `https://<company>.pipedrive.com/api`: the hook reads `api_domain` and keeps only its
 * `<company>` label, so a token is never sent outside pipedrive.com. 429 answers carry
 * `x-ratelimit-reset` as seconds to wait (not an epoch), which is what an `after` header is.
 */
export const pipedriveSpec = {
  id: 'pipedrive',
  displayName: 'Pipedrive',
  authMode: 'oauth2',
  connectionConfig: {
    company_domain: {
      pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
      description: 'the <company> of <company>.pipedrive.com (set from the token response)',
      required: false,
    },
  },
  authorizeUrl: 'https://oauth.pipedrive.com/oauth/authorize',
  tokenUrl: 'https://oauth.pipedrive.com/oauth/token',
  revokeUrl: 'https://oauth.pipedrive.com/oauth/revoke',
  revokeClientAuth: 'basic',
  pkce: false,
  clientAuth: 'basic',
  tokenRequestFormat: 'form',
  scopes: { default: [], separator: ' ' },
  tokenResponseMetadata: { api_domain: 'api_domain' },
  expiry: { source: 'expires_in', refreshMarginSeconds: 900 },
  requiresRefreshToken: true,
  deadGrant: { oauthErrors: ['invalid_grant'], apiStatuses: [] },
  apiBaseUrl: 'https://{company_domain}.pipedrive.com/api',
  retry: { after: 'x-ratelimit-reset', remaining: 'x-ratelimit-remaining' },
  pagination: {
    type: 'cursor',
    cursorPath: 'additional_data.next_cursor',
    cursorParam: 'cursor',
    limitParam: 'limit',
    resultsPath: 'data',
  },
  envClient: { clientId: 'PIPEDRIVE_CLIENT_ID', clientSecret: 'PIPEDRIVE_CLIENT_SECRET' },
} satisfies ProviderSpecInput
