// Reads a Salesforce token response into the stored token set and the org/user it belongs to,
// checking what Salesforce lets a client check: the signature and where instance_url points.
import { z } from 'zod'
import { hmacBase64 } from '../../crypto.ts'
import { ProviderError } from '../../http/errors.ts'
import { constantTimeEqual } from '../../oauth/constant-time.ts'
import type { ProviderGrant, StoredTokens, TokenResponse } from '../types.ts'

/** What reading a Salesforce token response needs besides the response. */
export interface SalesforceTokenContext {
  /** The login base the tokens came from. */
  loginBaseUrl: string
  /** Verifies the response signature when the provider signs with it. */
  clientSecret?: string
  /** The stored set a refresh replaces: its refresh token stays unless a new one came. */
  previous?: StoredTokens
}

const salesforceFields = z.object({
  instance_url: z.url({ protocol: /^https?$/ }),
  // The identity URL: <login host>/id/<18-char org id>/<18-char user id>.
  id: z.url(),
  // Milliseconds since the epoch as a string (the docs say seconds; real values have 13 digits).
  issued_at: z.string().regex(/^[0-9]{10,16}$/),
  signature: z.string().optional(),
})

const identityPath = /\/id\/([A-Za-z0-9]{15,18})\/([A-Za-z0-9]{15,18})\/?$/

function invalid(message: string): ProviderError {
  return new ProviderError(`Salesforce answered an unusable token response: ${message}`, {
    code: 'token_response_invalid',
  })
}

/**
 * We send the access token to instance_url on every call, so it must not be a downgrade:
 * https whenever the login host is https. (A local simulator on http serves both itself.)
 */
function checkInstanceUrl(instanceUrl: string, loginBaseUrl: string): string {
  const instance = new URL(instanceUrl)
  const login = new URL(loginBaseUrl)
  if (login.protocol === 'https:' && instance.protocol !== 'https:') {
    throw invalid('instance_url is not https')
  }
  if (login.protocol === 'http:' && instance.hostname !== login.hostname) {
    throw invalid('instance_url is on another host than the local login host')
  }
  if (instance.username || instance.password) throw invalid('instance_url carries credentials')
  return instance.origin + instance.pathname.replace(/\/+$/, '')
}

/**
 * Salesforce's token response → what we store and record. A refresh response normally has no
 * refresh_token: the previous one stays. With rotation it has a new one, which replaces it.
 *
 * @throws {ProviderError} `token_response_invalid` for a missing field, a bad signature or an
 *   instance_url we would not send a token to.
 */
export async function readSalesforceTokenResponse(
  response: TokenResponse,
  context: SalesforceTokenContext,
): Promise<Omit<ProviderGrant, 'metadata'>> {
  const parsed = salesforceFields.safeParse(response)
  if (!parsed.success) throw invalid('instance_url, id or issued_at is missing or malformed')
  const { instance_url, id, issued_at, signature } = parsed.data
  // The signature lets us trust the org and user ids we record; it needs the secret.
  if (signature && context.clientSecret) {
    // Base64 HMAC-SHA256 of `id + issued_at` keyed with the client secret, as Salesforce signs.
    const expected = await hmacBase64('SHA-256', context.clientSecret, id + issued_at)
    if (!constantTimeEqual(signature, expected)) throw invalid('the signature does not match')
  }
  const identity = identityPath.exec(new URL(id).pathname)
  if (!identity) throw invalid('the identity URL has no org and user id')
  const refreshToken = response.refresh_token ?? context.previous?.refresh_token
  const tokens: StoredTokens = {
    access_token: response.access_token,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    instance_url: checkInstanceUrl(instance_url, context.loginBaseUrl),
    issued_at: Number(issued_at),
    ...(response.scope ? { scope: response.scope } : {}),
  }
  return {
    tokens,
    externalOrgId: identity[1],
    externalUserId: identity[2],
    scopes: (response.scope ?? '').split(/\s+/).filter(Boolean),
    rotated: response.refresh_token !== undefined && context.previous !== undefined,
  }
}
