// Salesforce as data: OAuth on the login host (production, sandbox or the org's My Domain),
// PKCE, `api refresh_token` scopes, consent every time, instance_url as the API base.
import type { ProviderSpecInput } from '../types.ts'

/**
 * Salesforce's web-server flow. `refresh_token` is asked for explicitly: without it no refresh
 * token is issued and the connection dies with its first session. `prompt=consent` makes the
 * user see what they grant even when the app was approved before (as Nango does).
 *
 * The templates name the production login host; the `loginBaseUrl` hook puts the login,
 * test or My Domain host (from the server's env and the connection's `environment`) in its
 * place. Salesforce sends no `expires_in`, so refresh is reactive: on `401 INVALID_SESSION_ID`
 * (the `classifyError` hook), once, single-flight. No proactive introspection call, so a sync
 * makes exactly the API calls it did before the registry became data.
 */
export const salesforceSpec = {
  id: 'salesforce',
  displayName: 'Salesforce',
  authMode: 'oauth2',
  connectionConfig: {
    environment: {
      pattern: '^(production|sandbox|custom)$',
      description: 'production, sandbox or custom (My Domain)',
      required: false,
    },
    my_domain_url: {
      // One My Domain host under my.salesforce.com, https, nothing after it.
      pattern: '^https://[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9-]+)*\\.my\\.salesforce\\.com$',
      description: 'an https://<domain>.my.salesforce.com URL',
      required: false,
    },
  },
  authorizeUrl: 'https://login.salesforce.com/services/oauth2/authorize',
  tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
  revokeUrl: 'https://login.salesforce.com/services/oauth2/revoke',
  pkce: true,
  clientAuth: 'body',
  tokenRequestFormat: 'form',
  scopes: { default: ['api', 'refresh_token'], separator: ' ' },
  authorizeParams: { prompt: 'consent' },
  tokenResponseMetadata: { instance_url: 'instance_url' },
  expiry: { source: 'none', refreshMarginSeconds: 900 },
  requiresRefreshToken: true,
  rotatesRefreshToken: false,
  deadGrant: { oauthErrors: ['invalid_grant'], apiStatuses: [] },
  authExpiredStatuses: [401],
  apiBaseUrl: '{instance_url}',
  retry: { statuses: [] },
  pagination: { type: 'link', linkPath: 'nextRecordsUrl', resultsPath: 'records' },
  envClient: { clientId: 'SALESFORCE_CLIENT_ID', clientSecret: 'SALESFORCE_CLIENT_SECRET' },
} satisfies ProviderSpecInput
