// GitHub's registry entry on recorded answers: PKCE, tokens that never expire, refusals with
// HTTP 200, rate limits by remaining/reset, revocation of the app's grant.
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
  revokeWith,
  state,
  verifier,
} from '../../../../../../helpers/provider-checks.ts'
import { getProvider } from '../../../../../../../supabase/functions/_shared/providers/registry.ts'

import { retryWaitMs } from '../../../../../../../supabase/functions/_shared/connections/authorized-fetch.ts'

// Recorded (docs topic "Authorizing OAuth apps", JSON response).
const tokens = {
  access_token: 'gho_16C7e42F292c6912E7710c838347Ae178B4a',
  scope: 'read:user',
  token_type: 'bearer',
}

Deno.test('github: authorizes with PKCE and read:user', async () => {
  await realHosts(() => {
    const { endpoint, params } = authorizeRequest('github')
    assert.equal(endpoint, 'https://github.com/login/oauth/authorize')
    assert.deepEqual(params, {
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: redirectUri('github'),
      scope: 'read:user',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
  })
})

Deno.test('github: the code exchange asks for JSON; the token never expires', async () => {
  await realHosts(async () => {
    const { request } = await codeExchange('github', Response.json(tokens))
    assert.equal(request.url, 'https://github.com/login/oauth/access_token')
    assert.equal(request.headers.accept, 'application/json')
    assert.equal((request.body as Record<string, string>).code_verifier, verifier)
  })
  const grant = await grantOf('github', tokens)
  assert.deepEqual(grant.tokens, { access_token: tokens.access_token, scope: 'read:user' })
  assert.equal(getProvider('github').spec.expiry.source, 'none')
})

Deno.test('github: a bad code answered with 200 is refused, not read as tokens', async () => {
  await assert.rejects(
    () =>
      codeExchange(
        'github',
        Response.json({
          error: 'bad_verification_code',
          error_description: 'The code passed is incorrect or expired.',
        }),
      ),
    (error: Error & { oauthError?: string }) => error.oauthError === 'bad_verification_code',
  )
})

Deno.test('github: 403 with remaining 0 waits for the reset epoch; other 403s are not retried', async () => {
  const reset = Math.floor(now / 1000) + 5
  const limited = Response.json({ message: 'API rate limit exceeded for user.' }, {
    status: 403,
    headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
  })
  assert.equal(await classify('github', limited, { access_token: 'gho_1' }), 'rate_limited')
  assert.equal(retryWaitMs(getProvider('github').spec, limited.headers, now), 5000)
  const forbidden = Response.json({ message: 'Resource not accessible' }, {
    status: 403,
    headers: { 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': String(reset) },
  })
  assert.equal(await classify('github', forbidden, { access_token: 'gho_1' }), 'other')
  // 401 with no refresh token: authorizedFetch marks the grant dead.
  const bad = Response.json({ message: 'Bad credentials' }, { status: 401 })
  assert.equal(await classify('github', bad, { access_token: 'gho_1' }), 'auth_expired')
})

Deno.test('github: revocation DELETEs the app grant with the client in Basic and the token in JSON', async () => {
  await realHosts(async () => {
    const { outcome, seen } = await revokeWith(
      'github',
      { access_token: 'gho_1' },
      () => new Response(null, { status: 204 }),
    )
    assert.equal(outcome, 'revoked')
    assert.equal(seen[0].method, 'DELETE')
    assert.equal(seen[0].url, 'https://api.github.com/applications/cid/grant')
    assert.equal(seen[0].headers.authorization, `Basic ${btoa('cid:csecret')}`)
    assert.deepEqual(seen[0].body, { access_token: 'gho_1' })
    const gone = await revokeWith(
      'github',
      { access_token: 'gho_1' },
      () => new Response(null, { status: 404 }),
    )
    assert.equal(gone.outcome, 'already_invalid')
  })
})
