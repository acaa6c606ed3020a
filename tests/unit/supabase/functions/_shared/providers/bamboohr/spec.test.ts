// BambooHR's registry entry on recorded answers: OAuth on the company subdomain with
// request=authorize / request=token, PKCE, offline_access, the API gateway path per subdomain.
import assert from 'node:assert/strict'
import {
  authorizeRequest,
  challenge,
  classify,
  codeExchange,
  grantOf,
  now,
  realHosts,
  redirectUri,
  refreshRequest,
  refusalIsDeadGrant,
  state,
  verifier,
} from '../../../../../../helpers/provider-checks.ts'
import { getProvider } from '../../../../../../../supabase/functions/_shared/providers/registry.ts'

import { ValidationError } from '../../../../../../../supabase/functions/_shared/http/errors.ts'
import {
  apiBaseUrlFor,
  parseConnectionConfig,
} from '../../../../../../../supabase/functions/_shared/providers/urls.ts'

// Recorded (BambooHR docs topic "Getting Started With The API", OAuth flow: token response).
const tokens = {
  access_token: 'd3b07384d113edec49eaa6238ad5ff00',
  expires_in: 3600,
  token_type: 'Bearer',
  scope: 'openid email offline_access',
  refresh_token: 'c157a79031e1c40f85931829bc5fc552',
  id_token: 'eyJ0eXAiOiJKV1Qi.payload.sig',
  companyDomain: 'acme',
}

Deno.test('bamboohr: authorizes on the subdomain with request=authorize and PKCE', async () => {
  await realHosts(() => {
    const { endpoint, params } = authorizeRequest('bamboohr', { subdomain: 'acme' })
    assert.equal(endpoint, 'https://acme.bamboohr.com/authorize.php')
    assert.deepEqual(params, {
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: redirectUri('bamboohr'),
      scope: 'openid email offline_access',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      request: 'authorize',
    })
  })
})

Deno.test('bamboohr: the code exchange and the refresh both send request=token', async () => {
  await realHosts(async () => {
    const { request } = await codeExchange('bamboohr', Response.json(tokens), { subdomain: 'acme' })
    assert.equal(request.url, 'https://acme.bamboohr.com/token.php')
    assert.equal((request.body as Record<string, string>).request, 'token')
    assert.equal((request.body as Record<string, string>).code_verifier, verifier)
    const refresh = await refreshRequest('bamboohr', Response.json(tokens), { subdomain: 'acme' })
    assert.deepEqual(refresh.request.body, {
      request: 'token',
      grant_type: 'refresh_token',
      refresh_token: 'the-rt',
      client_id: 'cid',
      client_secret: 'csecret',
    })
  })
  const grant = await grantOf('bamboohr', tokens, { config: { subdomain: 'acme' } })
  assert.deepEqual(grant.metadata, { company_domain: 'acme' })
  assert.equal(grant.tokens.expires_at, now + 3600 * 1000)
})

Deno.test('bamboohr: the subdomain is one host label; the API base is the gateway path', async () => {
  const spec = getProvider('bamboohr').spec
  assert.deepEqual(parseConnectionConfig(spec, { subdomain: 'acme' }), { subdomain: 'acme' })
  for (const bad of ['acme.evil.com', 'evil.com/x', '', 'a b']) {
    assert.throws(() => parseConnectionConfig(spec, { subdomain: bad }), ValidationError)
  }
  assert.throws(() => parseConnectionConfig(spec, {}), ValidationError)
  await realHosts(() => {
    assert.equal(
      apiBaseUrlFor(spec, { subdomain: 'acme' }),
      'https://api.bamboohr.com/api/gateway.php/acme',
    )
  })
})

Deno.test('bamboohr: invalid_grant is dead; a 503 throttle waits Retry-After', async () => {
  const refusal = Response.json({
    error: 'invalid_grant',
    error_description: 'Invalid refresh token',
  }, { status: 400 })
  assert.equal(await refusalIsDeadGrant('bamboohr', refusal), true)
  const throttled = new Response('', {
    status: 503,
    headers: { 'retry-after': '2', 'x-bamboohr-error-message': 'Rate limited' },
  })
  assert.equal(
    await classify('bamboohr', throttled, undefined, { subdomain: 'acme' }),
    'rate_limited',
  )
})
