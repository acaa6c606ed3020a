// Google's registry entry on recorded answers: access_type=offline and prompt=consent, PKCE,
// refresh without a new refresh token, revocation with the token alone.
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
  verifier,
} from '../../../../../../helpers/provider-checks.ts'

// Recorded (docs topic "Using OAuth 2.0 for Web Server Applications", token response).
const tokens = {
  access_token: 'ya29.a0AfH6SMB',
  expires_in: 3599,
  refresh_token: '1//0gdXyz',
  scope: 'openid https://www.googleapis.com/auth/userinfo.email',
  token_type: 'Bearer',
  id_token: 'eyJhbGciOi.payload.sig',
}

Deno.test('google: authorizes offline with consent, PKCE and space-separated scopes', async () => {
  await realHosts(() => {
    const { endpoint, params } = authorizeRequest('google')
    assert.equal(endpoint, 'https://accounts.google.com/o/oauth2/v2/auth')
    assert.deepEqual(params, {
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: redirectUri('google'),
      scope: 'openid email',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
    })
  })
})

Deno.test('google: the code exchange is a form on oauth2.googleapis.com with the verifier', async () => {
  await realHosts(async () => {
    const { request } = await codeExchange('google', Response.json(tokens))
    assert.equal(request.url, 'https://oauth2.googleapis.com/token')
    assert.equal(request.body && (request.body as Record<string, string>).code_verifier, verifier)
    assert.equal((request.body as Record<string, string>).client_secret, 'csecret')
  })
})

Deno.test('google: a refresh keeps the refresh token; invalid_grant is dead', async () => {
  const first = await grantOf('google', tokens)
  const { refresh_token: _, ...refreshAnswer } = tokens
  const next = await grantOf('google', refreshAnswer, { previous: first.tokens })
  assert.equal(next.tokens.refresh_token, '1//0gdXyz')
  assert.equal(next.tokens.expires_at, now + 3599 * 1000)
  const refusal = Response.json({
    error: 'invalid_grant',
    error_description: 'Token has been expired or revoked.',
  }, { status: 400 })
  assert.equal(await refusalIsDeadGrant('google', refusal), true)
})

Deno.test('google: revocation posts the token alone to oauth2.googleapis.com/revoke', async () => {
  await realHosts(async () => {
    const { outcome, seen } = await revokeWith(
      'google',
      { access_token: 'at', refresh_token: '1//0gd' },
      () => Response.json({}),
    )
    assert.equal(outcome, 'revoked')
    assert.equal(seen[0].url, 'https://oauth2.googleapis.com/revoke')
    assert.deepEqual(seen[0].body, { token: '1//0gd' })
  })
})
