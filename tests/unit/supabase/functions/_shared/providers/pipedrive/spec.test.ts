// Pipedrive's registry entry on recorded answers: no PKCE, Basic client auth, the API base from
// api_domain pinned to pipedrive.com, seconds-to-reset rate limits.
import assert from 'node:assert/strict'
import {
  authorizeRequest,
  classify,
  codeExchange,
  grantOf,
  now,
  realHosts,
  redirectUri,
  refreshRequest,
  refusalIsDeadGrant,
  revokeWith,
  state,
} from '../../../../../../helpers/provider-checks.ts'
import { getProvider } from '../../../../../../../supabase/functions/_shared/providers/registry.ts'
import * as urls from '../../../../../../../supabase/functions/_shared/providers/urls.ts'
import { retryWaitMs } from '../../../../../../../supabase/functions/_shared/connections/authorized-fetch.ts'

// Recorded (pipedrive.md §1): the token answer names the company's API host.
const tokens = {
  access_token: 'v1u:AQIBAHj+LzTNK2yuuuaLqifzhWb9crUNKTpk4FlQ9rjnXqp',
  token_type: 'Bearer',
  refresh_token: '1:12345:abcdef0123456789',
  scope: 'base,contacts:read',
  expires_in: 3599,
  api_domain: 'https://acme.pipedrive.com',
}

Deno.test('pipedrive: authorizes without PKCE and without scopes (they live on the app)', async () => {
  await realHosts(() => {
    const { endpoint, params } = authorizeRequest('pipedrive')
    assert.equal(endpoint, 'https://oauth.pipedrive.com/oauth/authorize')
    assert.deepEqual(params, {
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: redirectUri('pipedrive'),
      state,
    })
  })
})

Deno.test('pipedrive: the token request is a form with the client in a Basic header, no verifier', async () => {
  await realHosts(async () => {
    const { request } = await codeExchange('pipedrive', Response.json(tokens))
    assert.equal(request.url, 'https://oauth.pipedrive.com/oauth/token')
    assert.equal(request.headers.authorization, `Basic ${btoa('cid:csecret')}`)
    assert.deepEqual(request.body, {
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: redirectUri('pipedrive'),
    })
    const refresh = await refreshRequest('pipedrive', Response.json(tokens))
    assert.deepEqual(refresh.request.body, { grant_type: 'refresh_token', refresh_token: 'the-rt' })
  })
})

Deno.test('pipedrive: api_domain becomes the company label; the API base stays on pipedrive.com', async () => {
  const grant = await grantOf('pipedrive', tokens)
  assert.deepEqual(grant.metadata, {
    api_domain: 'https://acme.pipedrive.com',
    company_domain: 'acme',
  })
  assert.equal(grant.tokens.expires_at, now + 3599 * 1000)
  await assert.rejects(
    () => grantOf('pipedrive', { ...tokens, api_domain: 'https://evil.example' }),
    (error: Error & { code?: string }) => error.code === 'token_response_invalid',
  )
  await assert.rejects(
    () => grantOf('pipedrive', { ...tokens, api_domain: 'http://acme.pipedrive.com' }),
    (error: Error & { code?: string }) => error.code === 'token_response_invalid',
  )
  // A refresh answer without api_domain keeps the stored company.
  const { api_domain: _, ...bare } = tokens
  const refreshed = await grantOf('pipedrive', bare, { previous: grant.tokens })
  assert.deepEqual(refreshed.metadata, {})
  await realHosts(() => {
    const { apiBaseUrlFor } = urls
    assert.equal(
      apiBaseUrlFor(getProvider('pipedrive').spec, grant.metadata),
      'https://acme.pipedrive.com/api',
    )
  })
})

Deno.test('pipedrive: invalid_grant is dead; a 429 waits x-ratelimit-reset seconds', async () => {
  const refusal = Response.json({
    error: 'invalid_grant',
    error_description: 'Invalid grant: refresh token is invalid',
  }, { status: 400 })
  assert.equal(await refusalIsDeadGrant('pipedrive', refusal), true)
  const limited = Response.json({ success: false, error: 'Request over limit' }, {
    status: 429,
    headers: { 'x-ratelimit-reset': '2', 'x-ratelimit-remaining': '0' },
  })
  assert.equal(
    await classify('pipedrive', limited, undefined, { company_domain: 'acme' }),
    'rate_limited',
  )
  assert.equal(retryWaitMs(getProvider('pipedrive').spec, limited.headers, now), 2000)
})

Deno.test('pipedrive: revocation is RFC 7009 with the client in a Basic header', async () => {
  await realHosts(async () => {
    const { outcome, seen } = await revokeWith(
      'pipedrive',
      { access_token: 'at', refresh_token: 'rt' },
      () => new Response(null, { status: 200 }),
      { company_domain: 'acme' },
    )
    assert.equal(outcome, 'revoked')
    assert.equal(seen[0].url, 'https://oauth.pipedrive.com/oauth/revoke')
    assert.equal(seen[0].headers.authorization, `Basic ${btoa('cid:csecret')}`)
    assert.deepEqual(seen[0].body, { token: 'rt' })
  })
})
