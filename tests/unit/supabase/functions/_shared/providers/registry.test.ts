import assert from 'node:assert/strict'
import { NotFoundError } from '../../../../../../supabase/functions/_shared/http/errors.ts'
import {
  authorizationUrl,
  callbackUrl,
  getProvider,
  oauthEndpoints,
} from '../../../../../../supabase/functions/_shared/providers/registry.ts'
import { setEnv } from '../../../../../helpers/env.ts'

const defaults = {
  SALESFORCE_LOGIN_URL: undefined,
  SALESFORCE_SANDBOX_LOGIN_URL: undefined,
  SALESFORCE_API_VERSION: undefined,
  SALESFORCE_CLIENT_ID: undefined,
  SALESFORCE_CLIENT_SECRET: undefined,
}

function withEnv(vars: Record<string, string | undefined>, run: () => void | Promise<void>) {
  const restore = setEnv({ ...defaults, ...vars })
  return Promise.resolve().then(run).finally(restore)
}

Deno.test('registry: Salesforce logs in on login, test, or the My Domain by environment', async () => {
  await withEnv({}, () => {
    const salesforce = getProvider('salesforce')
    const at = (environment: 'production' | 'sandbox' | 'custom', my: string | null = null) =>
      oauthEndpoints(salesforce, { environment, my_domain_url: my })
    assert.deepEqual(at('production'), {
      authorizeUrl: 'https://login.salesforce.com/services/oauth2/authorize',
      tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
      revokeUrl: 'https://login.salesforce.com/services/oauth2/revoke',
    })
    assert.equal(at('sandbox').tokenUrl, 'https://test.salesforce.com/services/oauth2/token')
    assert.equal(
      at('custom', 'https://acme--dev.sandbox.my.salesforce.com').tokenUrl,
      'https://acme--dev.sandbox.my.salesforce.com/services/oauth2/token',
    )
  })
})

Deno.test('registry: login hosts come from the environment, with a path kept', async () => {
  await withEnv({
    SALESFORCE_LOGIN_URL: 'http://127.0.0.1:5000/',
    SALESFORCE_SANDBOX_LOGIN_URL: 'http://127.0.0.1:5000/test',
  }, () => {
    const salesforce = getProvider('salesforce')
    assert.equal(
      oauthEndpoints(salesforce, { environment: 'production', my_domain_url: null }).tokenUrl,
      'http://127.0.0.1:5000/services/oauth2/token',
    )
    assert.equal(
      oauthEndpoints(salesforce, { environment: 'sandbox', my_domain_url: null }).revokeUrl,
      'http://127.0.0.1:5000/test/services/oauth2/revoke',
    )
  })
})

Deno.test('registry: the authorization URL asks for code, PKCE S256, api refresh_token, consent', async () => {
  await withEnv({}, () => {
    const url = authorizationUrl(
      getProvider('salesforce'),
      { environment: 'production', my_domain_url: null },
      {
        clientId: '3MVG9abc',
        redirectUri: 'https://ref.supabase.co/functions/v1/callback/salesforce',
        state: 'S'.repeat(43),
        codeChallenge: 'C'.repeat(43),
      },
    )
    assert.ok(url.startsWith('https://login.salesforce.com/services/oauth2/authorize?'))
    assert.ok(url.includes('scope=api%20refresh_token'), url)
    const params = Object.fromEntries(new URL(url).searchParams)
    assert.deepEqual(params, {
      response_type: 'code',
      client_id: '3MVG9abc',
      redirect_uri: 'https://ref.supabase.co/functions/v1/callback/salesforce',
      scope: 'api refresh_token',
      state: 'S'.repeat(43),
      code_challenge: 'C'.repeat(43),
      code_challenge_method: 'S256',
      prompt: 'consent',
    })
  })
})

Deno.test('registry: the callback URL is built from the public functions URL only', () => {
  assert.equal(
    callbackUrl('https://ref.supabase.co/functions/v1', getProvider('salesforce')),
    'https://ref.supabase.co/functions/v1/callback/salesforce',
  )
})

Deno.test('registry: an unknown provider is a 404', () => {
  assert.throws(() => getProvider('hubspot'), NotFoundError)
  assert.throws(() => getProvider('__proto__'), NotFoundError)
})

Deno.test('registry: the server app comes from env, and is absent without a client id', async () => {
  await withEnv({ SALESFORCE_CLIENT_ID: 'id', SALESFORCE_CLIENT_SECRET: 's' }, () => {
    assert.deepEqual(getProvider('salesforce').envClient(), { clientId: 'id', clientSecret: 's' })
  })
  await withEnv({ SALESFORCE_CLIENT_SECRET: 's' }, () => {
    assert.equal(getProvider('salesforce').envClient(), undefined)
  })
})
