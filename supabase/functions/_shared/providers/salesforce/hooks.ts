// What Salesforce's data cannot say: the login host per environment, the signed token response
// with its org and user, the one 401 that means an expired session, the API version, describe.
import { getConfig } from '../../config.ts'
import { ValidationError } from '../../http/errors.ts'
import type { ConnectionConfig, ProviderHooks } from '../types.ts'
import { salesforceDescribe } from './describe.ts'
import { isInvalidSession } from './rest-errors.ts'
import { readSalesforceTokenResponse } from './token-response.ts'

/** production and sandbox log in on Salesforce's hosts (from env); custom on the My Domain. */
function loginBaseUrl(config: ConnectionConfig): string {
  const settings = getConfig('salesforce')
  switch (config.environment ?? 'production') {
    case 'sandbox':
      return settings.SALESFORCE_SANDBOX_LOGIN_URL
    case 'custom':
      // checkConfig guarantees a My Domain for custom integrations; a row without one is a bug.
      if (!config.my_domain_url) throw new Error('A custom integration has no my_domain_url')
      return config.my_domain_url.replace(/\/+$/, '')
    default:
      return settings.SALESFORCE_LOGIN_URL
  }
}

/** A My Domain exactly when the environment is custom, as the integrations table checks. */
function checkConfig(config: ConnectionConfig): ConnectionConfig {
  const environment = config.environment ?? 'production'
  if ((environment === 'custom') !== (config.my_domain_url !== undefined)) {
    throw new ValidationError(
      'connection_config.my_domain_url is required exactly when environment is custom',
      { details: [{ path: ['connection_config', 'my_domain_url'], code: 'custom' }] },
    )
  }
  return { ...config, environment }
}

export const salesforceHooks: ProviderHooks = {
  loginBaseUrl,
  checkConfig,
  async readTokenResponse(response, context) {
    const grant = await readSalesforceTokenResponse(response, {
      // instance_url is checked against the host the tokens came from.
      loginBaseUrl: new URL(context.tokenUrl).origin,
      clientSecret: context.clientSecret,
      previous: context.previous,
    })
    return { ...grant, metadata: { instance_url: grant.tokens.instance_url! } }
  },
  /**
   * Only `401 INVALID_SESSION_ID` is an expired session. Everything else, rate limits included,
   * goes back to the Salesforce client, whose typed errors carry Retry-After to the sync
   * engine's own backoff (so no hidden wait inside a sync's time budget).
   */
  async classifyError(response) {
    if (response.status !== 401) return 'other'
    return isInvalidSession(401, await response.clone().text()) ? 'auth_expired' : 'other'
  },
  defaultApiVersion: () => getConfig('salesforce').SALESFORCE_API_VERSION,
  describe: salesforceDescribe,
}
