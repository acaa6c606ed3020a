// HubSpot's registry entry on recorded answers: authorize on app.hubspot.com, tokens on
// api.hubapi.com, 30-minute tokens, portalId after connecting, revocation as a DELETE.
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
  withStubbedFetch,
} from '../../../../../../helpers/provider-checks.ts'
import { getProvider } from '../../../../../../../supabase/functions/_shared/providers/registry.ts'
import { hookContext } from '../../../../../../../supabase/functions/_shared/connections/authorized-fetch.ts'
import { memoryConnection } from '../../../../../../helpers/provider-fixtures.ts'

// Recorded (hubspot.md §1.2): code and refresh answers, with hub_id and scopes since 2025-08.
const tokens = {
  token_type: 'bearer',
  refresh_token: 'na1-ab12-cd34-ef56',
  access_token: 'COjJ7Z2yMhIHAAEAQAAAARiO1ooBIPv0bCj',
  expires_in: 1800,
  hub_id: 62515,
  scopes: ['oauth', 'crm.objects.contacts.read'],
}

Deno.test('hubspot: authorizes on app.hubspot.com with PKCE and space-separated scopes', async () => {
  await realHosts(() => {
    const { endpoint, params, raw } = authorizeRequest('hubspot')
    assert.equal(endpoint, 'https://app.hubspot.com/oauth/authorize')
    assert.ok(raw.includes('scope=oauth%20crm.objects.contacts.read'), raw)
    assert.deepEqual(params, {
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: redirectUri('hubspot'),
      scope: 'oauth crm.objects.contacts.read',
      state: 'S'.repeat(43),
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
  })
})

Deno.test('hubspot: exchanges the code on api.hubapi.com, a form with the client in it', async () => {
  await realHosts(async () => {
    const { request } = await codeExchange('hubspot', Response.json(tokens))
    assert.equal(request.url, 'https://api.hubapi.com/oauth/v1/token')
    assert.equal(request.contentType, 'application/x-www-form-urlencoded')
    assert.equal(request.headers.authorization, undefined)
    assert.deepEqual(request.body, {
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: redirectUri('hubspot'),
      code_verifier: 'v'.repeat(43),
      client_id: 'cid',
      client_secret: 'csecret',
    })
  })
})

Deno.test('hubspot: the token answer expires in 30 minutes; a refresh keeps the same token', async () => {
  const grant = await grantOf('hubspot', tokens)
  assert.equal(grant.tokens.access_token, tokens.access_token)
  assert.equal(grant.tokens.refresh_token, 'na1-ab12-cd34-ef56')
  assert.equal(grant.tokens.expires_at, now + 1800 * 1000)
  const refreshed = await grantOf('hubspot', tokens, { previous: grant.tokens })
  assert.equal(refreshed.rotated, false)
  assert.equal(getProvider('hubspot').spec.expiry.source, 'expires_in')
})

Deno.test('hubspot: the portal id comes from /account-info/v3/details after connecting', async () => {
  await realHosts(async () => {
    const provider = getProvider('hubspot')
    const connection = memoryConnection(provider, { access_token: 'at', refresh_token: 'rt' })
    const extra = await withStubbedFetch(
      () => Response.json({ portalId: 62515, timeZone: 'US/Eastern', uiDomain: 'app.hubspot.com' }),
      async (seen) => {
        const extra = await provider.hooks.postConnect!(hookContext(connection))
        assert.equal(seen[0].url, 'https://api.hubapi.com/account-info/v3/details')
        assert.equal(seen[0].headers.authorization, 'Bearer at')
        return extra
      },
    )
    assert.deepEqual(extra, { portalId: '62515' })
  })
})

Deno.test('hubspot: a revoked refresh token (400 BAD_REFRESH_TOKEN) is a dead grant', async () => {
  const refusal = Response.json({
    status: 'BAD_REFRESH_TOKEN',
    message: 'refresh token is invalid, expired or revoked',
    error: 'invalid_grant',
    error_description: 'refresh token is invalid, expired or revoked',
  }, { status: 400 })
  assert.equal(await refusalIsDeadGrant('hubspot', refusal), true)
  const limited = Response.json({ status: 'error', message: 'You have reached your rate limit.' }, {
    status: 429,
  })
  // A 429 from the token endpoint is a refusal to retry later, never a dead grant.
  assert.equal(await refusalIsDeadGrant('hubspot', limited), false)
})

Deno.test('hubspot: 401 refreshes; a 429 with remaining 0 and no Retry-After is a rate limit', async () => {
  const expired = Response.json({ status: 'error', category: 'EXPIRED_AUTHENTICATION' }, {
    status: 401,
  })
  assert.equal(await classify('hubspot', expired), 'auth_expired')
  const limited = new Response('{"errorType":"RATE_LIMIT"}', {
    status: 429,
    headers: { 'x-hubspot-ratelimit-remaining': '0' },
  })
  assert.equal(await classify('hubspot', limited), 'rate_limited')
})

Deno.test('hubspot: revocation DELETEs the refresh token in the path, unauthenticated', async () => {
  await realHosts(async () => {
    const { outcome, seen } = await revokeWith(
      'hubspot',
      { access_token: 'at', refresh_token: 'na1-ab/12' },
      () => new Response(null, { status: 204 }),
    )
    assert.equal(outcome, 'revoked')
    assert.equal(seen[0].method, 'DELETE')
    assert.equal(seen[0].url, 'https://api.hubapi.com/oauth/v1/refresh-tokens/na1-ab%2F12')
    assert.equal(seen[0].headers.authorization, undefined)
  })
})
