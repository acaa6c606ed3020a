// Slack's registry entry on recorded answers: OAuth v2 with comma scopes and no PKCE, the team and
// authed_user read from the answer, rotation when the app turned it on, 200 + ok:false errors.
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
  revokeWith,
  state,
} from '../../../../../../helpers/provider-checks.ts'
import { getProvider } from '../../../../../../../supabase/functions/_shared/providers/registry.ts'

// Recorded (docs topic "oauth.v2.access", example response of a bot install).
const install = {
  ok: true,
  access_token: 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy',
  token_type: 'bot',
  scope: 'channels:read,chat:write',
  bot_user_id: 'U0KRQLJ9H',
  app_id: 'A0KRD7HC3',
  team: { name: 'Slack Softball Team', id: 'T9TK3CUKW' },
  enterprise: null,
  authed_user: { id: 'U1234', scope: 'chat:write', access_token: 'xoxp-1234', token_type: 'user' },
}
// Recorded (docs topic "Token rotation"): a rotating install and its refresh.
const rotating = {
  ...install,
  access_token: 'xoxe.xoxb-1-abc',
  expires_in: 43200,
  refresh_token: 'xoxe-1-first',
}

Deno.test('slack: authorizes on oauth/v2 with comma-separated scopes and no PKCE', async () => {
  await realHosts(() => {
    const { endpoint, params, raw } = authorizeRequest('slack')
    assert.equal(endpoint, 'https://slack.com/oauth/v2/authorize')
    assert.ok(raw.includes('scope=channels%3Aread%2Cchat%3Awrite'), raw)
    assert.deepEqual(params, {
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: redirectUri('slack'),
      scope: 'channels:read,chat:write',
      state,
    })
  })
})

Deno.test('slack: the code exchange posts a form to oauth.v2.access without a verifier', async () => {
  await realHosts(async () => {
    const { request } = await codeExchange('slack', Response.json(install))
    assert.equal(request.url, 'https://slack.com/api/oauth.v2.access')
    assert.deepEqual(request.body, {
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: redirectUri('slack'),
      client_id: 'cid',
      client_secret: 'csecret',
    })
  })
})

Deno.test('slack: the bot token is stored; team and authed_user name the grant', async () => {
  const grant = await grantOf('slack', install)
  assert.equal(grant.tokens.access_token, install.access_token)
  assert.equal(grant.tokens.refresh_token, undefined)
  assert.equal(grant.tokens.expires_at, undefined)
  assert.equal(grant.externalOrgId, 'T9TK3CUKW')
  assert.equal(grant.externalUserId, 'U1234')
  assert.deepEqual(grant.scopes, ['channels:read', 'chat:write'])
  assert.deepEqual(grant.metadata, {
    team_id: 'T9TK3CUKW',
    bot_user_id: 'U0KRQLJ9H',
    authed_user_id: 'U1234',
  })
})

Deno.test('slack: with token rotation each refresh replaces the refresh token', async () => {
  const first = await grantOf('slack', rotating)
  assert.equal(first.tokens.expires_at, now + 43200 * 1000)
  const next = await grantOf('slack', {
    ok: true,
    access_token: 'xoxe.xoxb-1-def',
    refresh_token: 'xoxe-1-second',
    expires_in: 43200,
    token_type: 'bot',
    team: { id: 'T9TK3CUKW' },
  }, { previous: first.tokens })
  assert.equal(next.tokens.refresh_token, 'xoxe-1-second')
  assert.equal(next.rotated, true)
  assert.equal(getProvider('slack').spec.rotatesRefreshToken, true)
})

Deno.test('slack: a refused refresh answers 200 ok:false, and is still a dead grant', async () => {
  const refusal = Response.json({ ok: false, error: 'invalid_refresh_token' })
  assert.equal(await refusalIsDeadGrant('slack', refusal), true)
  const badClient = Response.json({ ok: false, error: 'invalid_client_id' })
  assert.equal(await refusalIsDeadGrant('slack', badClient), false)
})

Deno.test('slack: 200 token_expired refreshes, invalid_auth is dead, ok:true is a success', async () => {
  const json = (body: unknown, status = 200) => Response.json(body, { status })
  assert.equal(await classify('slack', json({ ok: false, error: 'token_expired' })), 'auth_expired')
  assert.equal(await classify('slack', json({ ok: false, error: 'invalid_auth' })), 'dead_grant')
  assert.equal(await classify('slack', json({ ok: false, error: 'token_revoked' })), 'dead_grant')
  assert.equal(await classify('slack', json({ ok: false, error: 'channel_not_found' })), undefined)
  assert.equal(await classify('slack', json({ ok: true, channels: [] })), undefined)
  const limited = new Response('{"ok":false,"error":"ratelimited"}', {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': '3' },
  })
  assert.equal(await classify('slack', limited), 'rate_limited')
})

Deno.test('slack: auth.revoke takes the token alone', async () => {
  await realHosts(async () => {
    const { outcome, seen } = await revokeWith(
      'slack',
      { access_token: 'xoxb-1' },
      () => Response.json({ ok: true, revoked: true }),
    )
    assert.equal(outcome, 'revoked')
    assert.equal(seen[0].url, 'https://slack.com/api/auth.revoke')
    assert.deepEqual(seen[0].body, { token: 'xoxb-1' })
  })
})
