// Connects an API-key or Basic-auth integration (BambooHR's key, Workday's integration system
// user): the keys go to Vault in one write, the provider's post-connect lookup runs with them,
// and the integration becomes active. The keys are never echoed, logged or kept anywhere else.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { hookContext } from '../connections/authorized-fetch.ts'
import { connectionOf } from '../connections/load.ts'
import { saveTokens } from '../connections/store.ts'
import { asService } from '../db/as-user.ts'
import { NotFoundError, ValidationError } from '../http/errors.ts'
import { markConnected } from '../integrations/lifecycle.ts'
import { readIntegrationAsService } from '../integrations/service-read.ts'
import { getProvider } from '../providers/registry.ts'
import type { ProviderGrant, StoredTokens } from '../providers/types.ts'
import { requireIntegrationAccess } from '../tenancy/access.ts'

/** What the route accepts; which fields a provider needs depends on its auth mode. */
export interface CredentialsInput {
  api_key?: string
  username?: string
  password?: string
}

/**
 * The stored credential set for the provider's auth mode, from exactly the fields it takes.
 *
 * @throws {ValidationError} 400 naming the missing or unexpected field (never its value).
 */
function credentialsFor(authMode: string, displayName: string, input: CredentialsInput) {
  const wanted = authMode === 'api_key' ? ['api_key'] : ['username', 'password']
  for (const field of Object.keys(input) as (keyof CredentialsInput)[]) {
    if (input[field] !== undefined && !wanted.includes(field)) {
      throw new ValidationError(`${field} is not a ${displayName} credential`, {
        details: [{ path: [field], message: 'not taken by this provider' }],
      })
    }
  }
  for (const field of wanted as (keyof CredentialsInput)[]) {
    if (!input[field]) {
      throw new ValidationError(`${field} is required for ${displayName}`, {
        details: [{ path: [field], message: 'required' }],
      })
    }
  }
  const tokens: StoredTokens = authMode === 'api_key'
    ? { api_key: input.api_key! }
    : { username: input.username!, password: input.password! }
  return tokens
}

/**
 * Stores an api_key or basic integration's credentials and marks it connected, for an owner or
 * admin of its business. A reconnect replaces the stored set in one Vault write.
 *
 * @throws {NotFoundError | ForbiddenError} from the caller's access to the integration.
 * @throws {ValidationError} 400 `auth_mode_unsupported` for an OAuth provider (use authorize),
 *   or naming a missing or unexpected field.
 * @throws the post-connect hook's errors (a key the provider refuses: 409 reauth_required).
 */
export async function storeCredentials(
  claims: UserClaims,
  integrationId: string,
  input: CredentialsInput,
): Promise<void> {
  const integration = await requireIntegrationAccess(claims, integrationId, 'connect')
  const provider = getProvider(integration.provider)
  const { spec } = provider
  if (spec.authMode !== 'api_key' && spec.authMode !== 'basic') {
    throw new ValidationError(
      `${spec.displayName} connects through GET /authorize/${spec.id}, not with keys`,
      { code: 'auth_mode_unsupported' },
    )
  }
  const tokens = credentialsFor(spec.authMode, spec.displayName, input)
  const config = { ...integration.connection_config }
  let metadata: Record<string, string> = {}
  if (provider.hooks.postConnect) {
    metadata = await provider.hooks.postConnect(
      hookContext(connectionOf(integration, provider, config, tokens)),
    )
  }
  const grant: ProviderGrant = {
    tokens,
    externalOrgId: null,
    externalUserId: null,
    scopes: [],
    rotated: false,
    metadata,
  }
  await asService(async (tx) => {
    const current = await readIntegrationAsService(tx, integration.id)
    if (!current) throw new NotFoundError('Integration not found')
    await saveTokens(tx, integration.id, tokens)
    await markConnected(tx, current, grant, claims.sub)
  })
}
