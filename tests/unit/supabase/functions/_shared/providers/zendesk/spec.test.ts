// Zendesk's registry entry on recorded answers: OAuth on the subdomain, PKCE, expires_in=1800
// asked for on exchange and refresh, rotating refresh tokens, revocation of the current token.
import assert from 'node:assert/strict'
import {
  authorizeRequest,
  challenge,
  codeExchange,
  grantOf,
  now,
  realHosts,
  redirectUri,
  refreshRequest,
  refusalIsDeadGrant,
  revokeWith,
  state,
  verifier,
} from '../../../../../../helpers/provider-checks.ts'

// Recorded (docs topic "OAuth Tokens for Grant Types", Create Token for Grant Type response).
const tokens = {
  access_token: 'gErypPlm4dOVgGRvA1ZzMH5MQ3nLo8bo',
  refresh_token: '31048ba4d7c601302f3173f243da835f',
  token_type: 'bearer',
  scope: 'read write',
  expires_in: 1800,
  refresh_token_expires_in: 604800,
}

Deno.test('zendesk: authorizes on the subdomain with PKCE', async () => {
  await realHosts(() => {
    const { endpoint, params } = authorizeRequest('zendesk', { subdomain: 'acme' })
    assert.equal(endpoint, 'https://acme.zendesk.com/oauth/authorizations/new')
    assert.deepEqual(params, {
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: redirectUri('zendesk'),
      scope: 'read write',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
  })
})

Deno.test('zendesk: exchange and refresh both ask for 30-minute tokens (JSON body)', async () => {
  await realHosts(async () => {
    const { request } = await codeExchange('zendesk', Response.json(tokens), { subdomain: 'acme' })
    assert.equal(request.url, 'https://acme.zendesk.com/oauth/tokens')
    assert.equal(request.contentType, 'application/json')
    assert.deepEqual(request.body, {
      expires_in: '1800',
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: redirectUri('zendesk'),
      code_verifier: verifier,
      client_id: 'cid',
      client_secret: 'csecret',
    })
    const refresh = await refreshRequest('zendesk', Response.json(tokens), { subdomain: 'acme' })
    assert.equal((refresh.request.body as Record<string, string>).expires_in, '1800')
  })
})

Deno.test('zendesk: a refresh replaces the refresh token; invalid_grant is dead', async () => {
  const first = await grantOf('zendesk', tokens, { config: { subdomain: 'acme' } })
  assert.equal(first.tokens.expires_at, now + 1800 * 1000)
  const next = await grantOf('zendesk', { ...tokens, refresh_token: 'next' }, {
    config: { subdomain: 'acme' },
    previous: first.tokens,
  })
  assert.equal(next.rotated, true)
  const refusal = Response.json({
    error: 'invalid_grant',
    error_description: 'The provided refresh token is invalid',
  }, { status: 400 })
  assert.equal(await refusalIsDeadGrant('zendesk', refusal), true)
})

Deno.test('zendesk: revocation DELETEs the current token with it as Bearer', async () => {
  await realHosts(async () => {
    const { outcome, seen } = await revokeWith(
      'zendesk',
      { access_token: 'at', refresh_token: 'rt' },
      () => new Response(null, { status: 204 }),
      { subdomain: 'acme' },
    )
    assert.equal(outcome, 'revoked')
    assert.equal(seen[0].method, 'DELETE')
    assert.equal(seen[0].url, 'https://acme.zendesk.com/api/v2/oauth/tokens/current.json')
    assert.equal(seen[0].headers.authorization, 'Bearer at')
  })
})
