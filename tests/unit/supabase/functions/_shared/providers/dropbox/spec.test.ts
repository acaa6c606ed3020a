// Dropbox's registry entry on recorded answers: token_access_type=offline, PKCE, four-hour
// tokens, no new refresh token on refresh, revocation with the access token as Bearer.
import assert from 'node:assert/strict'
import {
  authorizeRequest,
  challenge,
  codeExchange,
  grantOf,
  now,
  realHosts,
  redirectUri,
  refusalIsDeadGrant,
  revokeWith,
  state,
} from '../../../../../../helpers/provider-checks.ts'

// Recorded (Dropbox docs topic "OAuth Guide", /oauth2/token response with offline access).
const tokens = {
  access_token:
    'sl.AbX9y6Fe3AuH5o66-gmJpR032jwAwQPIVVzWXZNkdzcYT02akC2de219dZi6gxYPVnYPrpvISRSf9lxKWJzYLjtMPH-d9fo_0gXex7X37VIvpty4-G8f4-WX45AcEPfRnJJDwzv-',
  expires_in: 14400,
  token_type: 'bearer',
  scope: 'account_info.read files.metadata.read',
  refresh_token: 'nBiM85CZALsAAAAAAAAAAQXHBoNpNutK4ngsXHsqW4iGz9tisb3JyjGqikMJIYbd',
  account_id: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc',
  uid: '12345',
}

Deno.test('dropbox: authorizes with token_access_type=offline and PKCE', async () => {
  await realHosts(() => {
    const { endpoint, params } = authorizeRequest('dropbox')
    assert.equal(endpoint, 'https://www.dropbox.com/oauth2/authorize')
    assert.deepEqual(params, {
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: redirectUri('dropbox'),
      scope: 'account_info.read files.metadata.read',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      token_access_type: 'offline',
    })
  })
})

Deno.test('dropbox: tokens on api.dropboxapi.com; a refresh keeps the refresh token', async () => {
  await realHosts(async () => {
    const { request } = await codeExchange('dropbox', Response.json(tokens))
    assert.equal(request.url, 'https://api.dropboxapi.com/oauth2/token')
  })
  const first = await grantOf('dropbox', tokens)
  assert.equal(first.tokens.expires_at, now + 14400 * 1000)
  const { refresh_token: _, ...refreshAnswer } = tokens
  const next = await grantOf('dropbox', refreshAnswer, { previous: first.tokens })
  assert.equal(next.tokens.refresh_token, tokens.refresh_token)
  const refusal = Response.json({
    error: 'invalid_grant',
    error_description: 'refresh token is invalid or revoked',
  }, { status: 400 })
  assert.equal(await refusalIsDeadGrant('dropbox', refusal), true)
})

Deno.test('dropbox: revocation posts to /2/auth/token/revoke with the access token as Bearer', async () => {
  await realHosts(async () => {
    const { outcome, seen } = await revokeWith(
      'dropbox',
      { access_token: 'sl.at', refresh_token: 'rt' },
      () => new Response('null', { status: 200 }),
    )
    assert.equal(outcome, 'revoked')
    assert.equal(seen[0].method, 'POST')
    assert.equal(seen[0].url, 'https://api.dropboxapi.com/2/auth/token/revoke')
    assert.equal(seen[0].headers.authorization, 'Bearer sl.at')
  })
})
