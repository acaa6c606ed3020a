// GitLab's registry entry on recorded answers: PKCE, two-hour tokens, rotating refresh tokens,
// RFC 7009 revocation with the client in the body.
import assert from 'node:assert/strict'
import {
  authorizeRequest,
  challenge,
  classify,
  grantOf,
  now,
  realHosts,
  refreshRequest,
  refusalIsDeadGrant,
  revokeWith,
} from '../../../../../../helpers/provider-checks.ts'
import { getProvider } from '../../../../../../../supabase/functions/_shared/providers/registry.ts'

// Recorded (docs topic "OAuth 2.0 identity provider API", token response).
const tokens = {
  access_token: 'gloas-de6780bc506a0446309bd9362820ba8aed28aa506c71eedbe1c5c4f9dd350e54',
  token_type: 'Bearer',
  expires_in: 7200,
  refresh_token: 'glrt-8257e65c97202ed1726cf9571600918f3bffb2544b26e00a61df9897668c33a1',
  created_at: 1607635748,
  scope: 'read_user read_api',
}

Deno.test('gitlab: authorizes with PKCE and space-separated scopes', async () => {
  await realHosts(() => {
    const { endpoint, params } = authorizeRequest('gitlab')
    assert.equal(endpoint, 'https://gitlab.com/oauth/authorize')
    assert.equal(params.scope, 'read_user read_api')
    assert.equal(params.code_challenge, challenge)
    assert.equal(params.code_challenge_method, 'S256')
  })
})

Deno.test('gitlab: each refresh answers a new refresh token, which replaces the old one', async () => {
  await realHosts(async () => {
    const { request } = await refreshRequest('gitlab', Response.json(tokens))
    assert.equal(request.url, 'https://gitlab.com/oauth/token')
    assert.deepEqual(request.body, {
      grant_type: 'refresh_token',
      refresh_token: 'the-rt',
      client_id: 'cid',
      client_secret: 'csecret',
    })
  })
  const first = await grantOf('gitlab', tokens)
  assert.equal(first.tokens.expires_at, now + 7200 * 1000)
  const next = await grantOf('gitlab', { ...tokens, refresh_token: 'glrt-next' }, {
    previous: first.tokens,
  })
  assert.equal(next.tokens.refresh_token, 'glrt-next')
  assert.equal(next.rotated, true)
  assert.equal(getProvider('gitlab').spec.rotatesRefreshToken, true)
})

Deno.test('gitlab: a used or revoked refresh token is dead; an expired token refreshes', async () => {
  const refusal = Response.json({
    error: 'invalid_grant',
    error_description:
      'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  }, { status: 400 })
  assert.equal(await refusalIsDeadGrant('gitlab', refusal), true)
  const expired = Response.json(
    { error: 'invalid_token', error_description: 'Token is expired.' },
    { status: 401 },
  )
  assert.equal(await classify('gitlab', expired), 'auth_expired')
})

Deno.test('gitlab: revocation posts the refresh token with the client in the body', async () => {
  await realHosts(async () => {
    const { seen } = await revokeWith(
      'gitlab',
      { access_token: 'at', refresh_token: 'rt' },
      () => Response.json({}),
    )
    assert.equal(seen[0].url, 'https://gitlab.com/oauth/revoke')
    assert.deepEqual(seen[0].body, { token: 'rt', client_id: 'cid', client_secret: 'csecret' })
  })
})
