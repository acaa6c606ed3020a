// Asana's registry entry on recorded answers: PKCE, the default scope, refresh without a new
// refresh token, RFC 7009 revocation with the client in the body.
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
  refusalIsDeadGrant,
  revokeWith,
  state,
  verifier,
} from '../../../../../../helpers/provider-checks.ts'

// Recorded (Asana docs topic "OAuth", token exchange response).
const tokens = {
  access_token: '2/1234/5678:abcdef',
  expires_in: 3600,
  token_type: 'bearer',
  data: { id: 4673218951, gid: '4673218951', name: 'Greg Sanchez', email: 'gsanchez@example.com' },
  refresh_token: '2/1234/5678:refresh',
}

Deno.test('asana: authorizes with PKCE and the default scope', async () => {
  await realHosts(() => {
    const { endpoint, params } = authorizeRequest('asana')
    assert.equal(endpoint, 'https://app.asana.com/-/oauth_authorize')
    assert.deepEqual(params, {
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: redirectUri('asana'),
      scope: 'default',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
  })
})

Deno.test('asana: the code exchange carries the verifier and the client in a form', async () => {
  await realHosts(async () => {
    const { request } = await codeExchange('asana', Response.json(tokens))
    assert.equal(request.url, 'https://app.asana.com/-/oauth_token')
    assert.deepEqual(request.body, {
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: redirectUri('asana'),
      code_verifier: verifier,
      client_id: 'cid',
      client_secret: 'csecret',
    })
  })
})

Deno.test('asana: a refresh answer without refresh_token keeps the one held', async () => {
  const first = await grantOf('asana', tokens)
  const { refresh_token: _, ...refreshAnswer } = tokens
  const next = await grantOf('asana', refreshAnswer, { previous: first.tokens })
  assert.equal(next.tokens.refresh_token, '2/1234/5678:refresh')
  assert.equal(next.rotated, false)
  assert.equal(next.tokens.expires_at, now + 3600 * 1000)
})

Deno.test('asana: invalid_grant is dead; 401 refreshes', async () => {
  const refusal = Response.json({
    error: 'invalid_grant',
    error_description: 'The refresh token is invalid',
  }, { status: 400 })
  assert.equal(await refusalIsDeadGrant('asana', refusal), true)
  assert.equal(
    await classify(
      'asana',
      Response.json({ errors: [{ message: 'Not Authorized' }] }, { status: 401 }),
    ),
    'auth_expired',
  )
})

Deno.test('asana: revocation posts the refresh token with the client in the body', async () => {
  await realHosts(async () => {
    const { outcome, seen } = await revokeWith(
      'asana',
      { access_token: 'at', refresh_token: 'rt' },
      () => new Response(null, { status: 200 }),
    )
    assert.equal(outcome, 'revoked')
    assert.equal(seen[0].url, 'https://app.asana.com/-/oauth_revoke')
    assert.deepEqual(seen[0].body, { token: 'rt', client_id: 'cid', client_secret: 'csecret' })
  })
})
