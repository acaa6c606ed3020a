// Microsoft 365's registry entry on recorded answers: the common v2.0 endpoint, no PKCE,
// offline_access, response_mode=query, a new refresh token on each refresh.
import assert from 'node:assert/strict'
import {
  authorizeRequest,
  classify,
  codeExchange,
  grantOf,
  now,
  realHosts,
  redirectUri,
  refusalIsDeadGrant,
  state,
} from '../../../../../../helpers/provider-checks.ts'

// Recorded (docs topic "v2-oauth2-auth-code-flow", successful response).
const tokens = {
  token_type: 'Bearer',
  scope: 'https://graph.microsoft.com/User.Read offline_access',
  expires_in: 3599,
  ext_expires_in: 3599,
  access_token: 'eyJ0eXAiOiJKV1QiLCJub25jZSI6.payload.sig',
  refresh_token: '0.AXEAabc',
}

Deno.test('microsoft365: authorizes on /common without PKCE, offline_access, response_mode=query', async () => {
  await realHosts(() => {
    const { endpoint, params } = authorizeRequest('microsoft365')
    assert.equal(endpoint, 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize')
    assert.deepEqual(params, {
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: redirectUri('microsoft365'),
      scope: 'offline_access https://graph.microsoft.com/.default',
      state,
      response_mode: 'query',
    })
  })
})

Deno.test('microsoft365: the code exchange is a form with the client in the body and no verifier', async () => {
  await realHosts(async () => {
    const { request } = await codeExchange('microsoft365', Response.json(tokens))
    assert.equal(request.url, 'https://login.microsoftonline.com/common/oauth2/v2.0/token')
    assert.equal(request.headers.authorization, undefined)
    assert.deepEqual(request.body, {
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: redirectUri('microsoft365'),
      client_id: 'cid',
      client_secret: 'csecret',
    })
  })
})

Deno.test('microsoft365: a refresh answer with a new refresh token replaces the old one', async () => {
  const first = await grantOf('microsoft365', tokens)
  assert.equal(first.tokens.expires_at, now + 3599 * 1000)
  const next = await grantOf('microsoft365', { ...tokens, refresh_token: '0.AXEAdef' }, {
    previous: first.tokens,
  })
  assert.equal(next.tokens.refresh_token, '0.AXEAdef')
  assert.equal(next.rotated, true)
})

Deno.test('microsoft365: AADSTS invalid_grant is dead; a Graph 401 refreshes; 429 waits', async () => {
  const refusal = Response.json({
    error: 'invalid_grant',
    error_description: 'AADSTS70008: The provided authorization code or refresh token has expired.',
  }, { status: 400 })
  assert.equal(await refusalIsDeadGrant('microsoft365', refusal), true)
  const expired = Response.json({ error: { code: 'InvalidAuthenticationToken' } }, { status: 401 })
  assert.equal(await classify('microsoft365', expired), 'auth_expired')
  const limited = Response.json({ error: { code: 'TooManyRequests' } }, {
    status: 429,
    headers: { 'retry-after': '1' },
  })
  assert.equal(await classify('microsoft365', limited), 'rate_limited')
})
