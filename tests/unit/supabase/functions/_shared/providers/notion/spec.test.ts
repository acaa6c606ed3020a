// Notion's registry entry on recorded answers: owner=user, a JSON token request with the client
// in a Basic header, the workspace kept, no refresh, a 401 is a dead grant, Notion-Version.
import assert from 'node:assert/strict'
import {
  authorizeRequest,
  challenge,
  classify,
  codeExchange,
  grantOf,
  realHosts,
  redirectUri,
  state,
  verifier,
} from '../../../../../../helpers/provider-checks.ts'
import { getProvider } from '../../../../../../../supabase/functions/_shared/providers/registry.ts'

import { withCredentials } from '../../../../../../../supabase/functions/_shared/connections/authorized-fetch.ts'
import { memoryConnection } from '../../../../../../helpers/provider-fixtures.ts'

// Recorded (Notion docs topic "Authorization", token response).
const tokens = {
  access_token: 'ntn_abc123',
  token_type: 'bearer',
  bot_id: 'b3414d659-1224-5ty7-6ffr-cc9d8773drt601288f',
  workspace_name: 'Acme Inc.',
  workspace_icon: null,
  workspace_id: 'j565j4d7x3-2882-61bs-564a-jj9d9ui-c36hxfr7x',
  owner: { type: 'user', user: { object: 'user', id: 'u1' } },
  duplicated_template_id: null,
  request_id: 'r1',
}

Deno.test('notion: authorizes with owner=user and PKCE, no scopes', async () => {
  await realHosts(() => {
    const { endpoint, params } = authorizeRequest('notion')
    assert.equal(endpoint, 'https://api.notion.com/v1/oauth/authorize')
    assert.deepEqual(params, {
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: redirectUri('notion'),
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      owner: 'user',
    })
  })
})

Deno.test('notion: the token request is JSON with the client in a Basic header', async () => {
  await realHosts(async () => {
    const { request } = await codeExchange('notion', Response.json(tokens))
    assert.equal(request.url, 'https://api.notion.com/v1/oauth/token')
    assert.equal(request.contentType, 'application/json')
    assert.equal(request.headers.authorization, `Basic ${btoa('cid:csecret')}`)
    assert.deepEqual(request.body, {
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: redirectUri('notion'),
      code_verifier: verifier,
    })
  })
})

Deno.test('notion: the workspace and bot become connection config; the token never expires', async () => {
  const grant = await grantOf('notion', tokens)
  assert.deepEqual(grant.metadata, {
    workspace_id: 'j565j4d7x3-2882-61bs-564a-jj9d9ui-c36hxfr7x',
    workspace_name: 'Acme Inc.',
    bot_id: 'b3414d659-1224-5ty7-6ffr-cc9d8773drt601288f',
  })
  assert.deepEqual(grant.tokens, { access_token: 'ntn_abc123' })
})

Deno.test('notion: every call carries Notion-Version; a 401 without a refresh token is final', async () => {
  const provider = getProvider('notion')
  const connection = memoryConnection(provider, { access_token: 'ntn_abc123' })
  const signed = await withCredentials(
    connection,
    new Request('https://api.notion.com/v1/users/me'),
  )
  assert.equal(signed.headers.get('notion-version'), '2022-06-28')
  assert.equal(signed.headers.get('authorization'), 'Bearer ntn_abc123')
  const refused = Response.json({ object: 'error', status: 401, code: 'unauthorized' }, {
    status: 401,
  })
  // auth_expired with nothing to refresh with: authorizedFetch turns it into reauth_required.
  assert.equal(await classify('notion', refused, { access_token: 'ntn_abc123' }), 'auth_expired')
  assert.equal(provider.spec.revokeUrl, undefined)
})
