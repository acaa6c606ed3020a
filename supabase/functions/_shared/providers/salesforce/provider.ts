// Salesforce as data: OAuth paths, scopes, PKCE, login host per environment, the server's app.
import { getConfig } from '../../config.ts'
import type { IntegrationLocation, OAuthProvider } from '../types.ts'
import { readSalesforceTokenResponse } from './token-response.ts'

/**
 * Salesforce's web-server flow. `refresh_token` is asked for explicitly: without it no refresh
 * token is issued and the connection dies with its first session. `prompt=consent` makes the
 * user see what they grant even when the app was approved before (as Nango does).
 */
export const salesforce: OAuthProvider = {
  id: 'salesforce',
  displayName: 'Salesforce',
  authorizePath: '/services/oauth2/authorize',
  tokenPath: '/services/oauth2/token',
  revokePath: '/services/oauth2/revoke',
  scopes: ['api', 'refresh_token'],
  scopeSeparator: ' ',
  pkce: 'S256',
  authorizeParams: { prompt: 'consent' },
  loginBaseUrl(location: IntegrationLocation): string {
    const config = getConfig('salesforce')
    switch (location.environment) {
      case 'production':
        return config.SALESFORCE_LOGIN_URL
      case 'sandbox':
        return config.SALESFORCE_SANDBOX_LOGIN_URL
      case 'custom':
        // The schema guarantees a My Domain for custom integrations; a row without one is a bug.
        if (!location.my_domain_url) throw new Error('A custom integration has no my_domain_url')
        return location.my_domain_url.replace(/\/+$/, '')
    }
  },
  envClient() {
    const { SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET } = getConfig('salesforce')
    if (!SALESFORCE_CLIENT_ID) return undefined
    return { clientId: SALESFORCE_CLIENT_ID, clientSecret: SALESFORCE_CLIENT_SECRET }
  },
  readTokenResponse: readSalesforceTokenResponse,
  defaultApiVersion: () => getConfig('salesforce').SALESFORCE_API_VERSION,
}
