// BambooHR as data: OAuth on the company's subdomain with `request=authorize` / `request=token`,
// PKCE, offline_access for a refresh token, the API gateway path named by the subdomain.
import type { ProviderSpecInput } from '../types.ts'

/**
 * BambooHR OAuth (facts: "bamboohr"; docs topic "Getting Started With The API", OAuth flow).
 * `{subdomain}` is the `<company>` of `<company>.bamboohr.com`; the pattern keeps it one host
 * label. The token endpoint wants `request=token` on the code exchange and on refresh. Only
 * with `offline_access` is a refresh token issued. BambooHR throttles with 503 (and an
 * explanation in `X-BambooHR-Error-Message`) and Retry-After.
 */
export const bamboohrSpec = {
  id: 'bamboohr',
  displayName: 'BambooHR',
  authMode: 'oauth2',
  connectionConfig: {
    subdomain: {
      pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
      description: 'the <company> of <company>.bamboohr.com',
      required: true,
    },
  },
  authorizeUrl: 'https://{subdomain}.bamboohr.com/authorize.php',
  tokenUrl: 'https://{subdomain}.bamboohr.com/token.php',
  pkce: true,
  clientAuth: 'body',
  tokenRequestFormat: 'form',
  scopes: { default: ['openid', 'email', 'offline_access'], separator: ' ' },
  authorizeParams: { request: 'authorize' },
  tokenParams: { request: 'token' },
  refreshParams: { request: 'token' },
  tokenResponseMetadata: { companyDomain: 'company_domain' },
  expiry: { source: 'expires_in', refreshMarginSeconds: 900 },
  requiresRefreshToken: true,
  deadGrant: { oauthErrors: ['invalid_grant'], apiStatuses: [] },
  apiBaseUrl: 'https://api.bamboohr.com/api/gateway.php/{subdomain}',
  retry: { after: 'retry-after' },
  pagination: { type: 'none' },
  envClient: { clientId: 'BAMBOOHR_CLIENT_ID', clientSecret: 'BAMBOOHR_CLIENT_SECRET' },
} satisfies ProviderSpecInput
