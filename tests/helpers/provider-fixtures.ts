// Test-only provider specs (not in the registry): one per auth mode, with the quirks the
// connections layer must honour, so its tests do not depend on another helper's provider folder.
import { defineProvider } from '../../supabase/functions/_shared/providers/define.ts'
import type { Connection } from '../../supabase/functions/_shared/connections/load.ts'
import type {
  Provider,
  ProviderHooks,
  ProviderSpecInput,
  StoredTokens,
} from '../../supabase/functions/_shared/providers/types.ts'
import { apiBaseUrlFor } from '../../supabase/functions/_shared/providers/urls.ts'

const envClient = { clientId: 'FIXTURE_CLIENT_ID', clientSecret: 'FIXTURE_CLIENT_SECRET' }

/** OAuth 2 on a tenant subdomain, Basic client auth, JSON token requests, expiring tokens. */
export const deskSpec = {
  id: 'fixture-desk',
  displayName: 'Fixture Desk',
  authMode: 'oauth2',
  connectionConfig: {
    subdomain: { pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'a subdomain' },
  },
  authorizeUrl: 'https://{subdomain}.desk.example/oauth/authorize',
  tokenUrl: 'https://{subdomain}.desk.example/oauth/token',
  revokeUrl: 'https://{subdomain}.desk.example/oauth/revoke',
  pkce: false,
  clientAuth: 'basic',
  tokenRequestFormat: 'json',
  scopes: { default: ['read', 'write'], separator: ',' },
  authorizeParams: { access_type: 'offline' },
  tokenParams: { expires_in: '1800' },
  expiry: { source: 'expires_in', refreshMarginSeconds: 900 },
  apiBaseUrl: 'https://{subdomain}.desk.example/api/v2',
  apiHeaders: { 'desk-version': '2024-01-01' },
  retry: { after: 'retry-after', at: 'x-ratelimit-reset', remaining: 'x-ratelimit-remaining' },
  envClient,
} satisfies ProviderSpecInput

/** An API key sent as the Basic user with a fixed password (BambooHR's shape). */
export const keySpec = {
  id: 'fixture-key',
  displayName: 'Fixture Key',
  authMode: 'api_key',
  apiBaseUrl: 'https://api.key.example',
  expiry: { source: 'none' },
  deadGrant: { apiStatuses: [401] },
  credentialInjection: { scheme: 'basic', basicPassword: 'x' },
} satisfies ProviderSpecInput

/** A user and password in Basic (Workday's integration system user). */
export const basicSpec = {
  id: 'fixture-basic',
  displayName: 'Fixture Basic',
  authMode: 'basic',
  connectionConfig: {
    tenant: { pattern: '^[a-z0-9_]{1,64}$', description: 'a tenant name' },
  },
  apiBaseUrl: 'https://wd.example/ccx/service/{tenant}',
  expiry: { source: 'none' },
  credentialInjection: { scheme: 'basic' },
} satisfies ProviderSpecInput

/** OAuth 1.0a (Trello's shape). */
export const signedSpec = {
  id: 'fixture-signed',
  displayName: 'Fixture Signed',
  authMode: 'oauth1',
  requestTokenUrl: 'https://signed.example/1/OAuthGetRequestToken',
  authorizeUrl: 'https://signed.example/1/OAuthAuthorizeToken',
  tokenUrl: 'https://signed.example/1/OAuthGetAccessToken',
  apiBaseUrl: 'https://api.signed.example',
  expiry: { source: 'none' },
  envClient,
} satisfies ProviderSpecInput

export function fixtureProvider(spec: ProviderSpecInput, hooks: ProviderHooks = {}): Provider {
  return defineProvider({ spec, hooks })
}

/** A connection of `provider` held in memory (no database): for paths that never refresh. */
export function memoryConnection(
  provider: Provider,
  tokens: StoredTokens,
  config: Record<string, string> = {},
): Connection {
  return {
    integrationId: crypto.randomUUID(),
    businessId: crypto.randomUUID(),
    provider,
    config,
    apiVersion: '1',
    tokens,
    tokenVersion: 1,
    apiBaseUrl: apiBaseUrlFor(provider.spec, config),
    ...(provider.spec.authMode === 'oauth1'
      ? { client: { clientId: 'consumer', clientSecret: 'consumer-secret' } }
      : {}),
  }
}
