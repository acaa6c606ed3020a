// Trello's registry entry: OAuth 1.0a URLs, comma scopes and expiration=never, signed API calls,
// a 401 as a dead grant (nothing to refresh), a signed DELETE of the token to revoke.
import assert from 'node:assert/strict'
import { classify, realHosts, revokeWith } from '../../../../../../helpers/provider-checks.ts'
import { getProvider } from '../../../../../../../supabase/functions/_shared/providers/registry.ts'

import { withCredentials } from '../../../../../../../supabase/functions/_shared/connections/authorized-fetch.ts'
import { oauthUrls } from '../../../../../../../supabase/functions/_shared/providers/urls.ts'
import { memoryConnection } from '../../../../../../helpers/provider-fixtures.ts'

Deno.test('trello: OAuth 1.0a endpoints under trello.com/1, read,write for never', async () => {
  await realHosts(() => {
    const provider = getProvider('trello')
    assert.equal(provider.spec.authMode, 'oauth1')
    assert.deepEqual(oauthUrls(provider, {}), {
      requestTokenUrl: 'https://trello.com/1/OAuthGetRequestToken',
      authorizeUrl: 'https://trello.com/1/OAuthAuthorizeToken',
      tokenUrl: 'https://trello.com/1/OAuthGetAccessToken',
      revokeUrl: undefined,
    })
    assert.equal(provider.spec.scopes.default.join(provider.spec.scopes.separator), 'read,write')
    assert.equal(provider.spec.authorizeParams.expiration, 'never')
  })
})

Deno.test('trello: API calls carry an HMAC-SHA1 OAuth header with the consumer key and token', async () => {
  const connection = memoryConnection(getProvider('trello'), {
    access_token: 'tok',
    token_secret: 'tsecret',
  })
  const signed = await withCredentials(
    connection,
    new Request('https://api.trello.com/1/members/me?fields=id'),
  )
  const header = signed.headers.get('authorization') ?? ''
  assert.ok(header.startsWith('OAuth '), header)
  assert.ok(header.includes('oauth_consumer_key="consumer"'), header)
  assert.ok(header.includes('oauth_token="tok"'), header)
  assert.ok(header.includes('oauth_signature_method="HMAC-SHA1"'), header)
  assert.ok(!header.includes('tsecret') && !header.includes('consumer-secret'), header)
})

Deno.test('trello: a 401 (plain text) is a dead grant; a 429 waits', async () => {
  const tokens = { access_token: 'tok', token_secret: 'tsecret' }
  assert.equal(
    await classify('trello', new Response('invalid token', { status: 401 }), tokens),
    'dead_grant',
  )
  const limited = Response.json({ error: 'API_TOKEN_LIMIT_EXCEEDED' }, {
    status: 429,
    headers: { 'retry-after': '1' },
  })
  assert.equal(await classify('trello', limited, tokens), 'rate_limited')
})

Deno.test('trello: revocation is a signed DELETE of /1/tokens/{token}', async () => {
  await realHosts(async () => {
    const { outcome, seen } = await revokeWith(
      'trello',
      { access_token: 'tok', token_secret: 'tsecret' },
      () => Response.json({ _value: null }),
    )
    assert.equal(outcome, 'revoked')
    assert.equal(seen[0].method, 'DELETE')
    assert.equal(seen[0].url, 'https://api.trello.com/1/tokens/tok')
    assert.ok(seen[0].headers.authorization.startsWith('OAuth '))
  })
})
