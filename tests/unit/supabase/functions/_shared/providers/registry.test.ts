import assert from 'node:assert/strict'
import { serverClient } from '../../../../../../supabase/functions/_shared/connections/client-credentials.ts'
import { authorizationUrl } from '../../../../../../supabase/functions/_shared/connections/oauth2.ts'
import { NotFoundError } from '../../../../../../supabase/functions/_shared/http/errors.ts'
import {
  getProvider,
  isProviderId,
  listProviders,
} from '../../../../../../supabase/functions/_shared/providers/registry.ts'
import { providerSpecSchema } from '../../../../../../supabase/functions/_shared/providers/types.ts'
import {
  callbackUrl,
  oauthUrls,
} from '../../../../../../supabase/functions/_shared/providers/urls.ts'
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

/** The OAuth endpoints of a Salesforce integration at `environment` (and My Domain). */
function endpoints(environment: string, myDomainUrl: string | null = null) {
  const config: Record<string, string> = { environment }
  if (myDomainUrl) config.my_domain_url = myDomainUrl
  const { authorizeUrl, tokenUrl, revokeUrl } = oauthUrls(getProvider('salesforce'), config)
  return { authorizeUrl, tokenUrl, revokeUrl }
}

Deno.test('registry: every entry parses with the spec schema and is found by its id', () => {
  const providers = listProviders()
  assert.ok(providers.length >= 1)
  for (const provider of providers) {
    assert.ok(providerSpecSchema.safeParse(provider.spec).success, provider.spec.id)
    assert.equal(getProvider(provider.spec.id), provider)
    assert.ok(isProviderId(provider.spec.id))
  }
  assert.equal(new Set(providers.map((each) => each.spec.id)).size, providers.length)
})

Deno.test('registry: Salesforce logs in on login, test, or the My Domain by environment', async () => {
  await withEnv({}, () => {
    assert.deepEqual(endpoints('production'), {
      authorizeUrl: 'https://login.salesforce.com/services/oauth2/authorize',
      tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
      revokeUrl: 'https://login.salesforce.com/services/oauth2/revoke',
    })
    assert.equal(endpoints('sandbox').tokenUrl, 'https://test.salesforce.com/services/oauth2/token')
    assert.equal(
      endpoints('custom', 'https://acme--dev.sandbox.my.salesforce.com').tokenUrl,
      'https://acme--dev.sandbox.my.salesforce.com/services/oauth2/token',
    )
  })
})

Deno.test('registry: login hosts come from the environment, with a path kept', async () => {
  await withEnv({
    SALESFORCE_LOGIN_URL: 'http://127.0.0.1:5000/',
    SALESFORCE_SANDBOX_LOGIN_URL: 'http://127.0.0.1:5000/test',
  }, () => {
    assert.equal(endpoints('production').tokenUrl, 'http://127.0.0.1:5000/services/oauth2/token')
    assert.equal(
      endpoints('sandbox').revokeUrl,
      'http://127.0.0.1:5000/test/services/oauth2/revoke',
    )
  })
})

Deno.test('registry: the authorization URL asks for code, PKCE S256, api refresh_token, consent', async () => {
  await withEnv({}, () => {
    const salesforce = getProvider('salesforce')
    const url = authorizationUrl(salesforce.spec, endpoints('production').authorizeUrl!, {
      clientId: '3MVG9abc',
      redirectUri: 'https://ref.supabase.co/functions/v1/callback/salesforce',
      state: 'S'.repeat(43),
      codeChallenge: 'C'.repeat(43),
    })
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
    callbackUrl('https://ref.supabase.co/functions/v1', getProvider('salesforce').spec),
    'https://ref.supabase.co/functions/v1/callback/salesforce',
  )
})

Deno.test('registry: an unknown provider is a 404', () => {
  assert.throws(() => getProvider('no-such-provider'), NotFoundError)
  assert.throws(() => getProvider('__proto__'), NotFoundError)
  assert.equal(isProviderId('constructor'), false)
})

Deno.test('registry: the server app comes from env, and is absent without a client id', async () => {
  const spec = getProvider('salesforce').spec
  await withEnv({ SALESFORCE_CLIENT_ID: 'id', SALESFORCE_CLIENT_SECRET: 's' }, () => {
    assert.deepEqual(serverClient(spec), { clientId: 'id', clientSecret: 's' })
  })
  await withEnv({ SALESFORCE_CLIENT_SECRET: 's' }, () => {
    assert.equal(serverClient(spec), undefined)
  })
})
