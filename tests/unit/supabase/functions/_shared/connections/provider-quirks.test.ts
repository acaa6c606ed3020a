// What the connections layer does for quirks the registry's providers need: token refusals
// answered with 200 (Slack, GitHub), revocation with client authentication (RFC 7009 §2.1), and
// error classification of a 200 (Slack's `ok: false`).
import assert from 'node:assert/strict'
import { type SeenRequest, withScriptedEndpoint } from '../../../../../helpers/scripted-endpoint.ts'
import { classifyResponse } from '../../../../../../supabase/functions/_shared/connections/authorized-fetch.ts'
import type { Connection } from '../../../../../../supabase/functions/_shared/connections/load.ts'
import { revokeAt } from '../../../../../../supabase/functions/_shared/connections/oauth2.ts'
import { defineProvider } from '../../../../../../supabase/functions/_shared/providers/define.ts'
import {
  exchangeAuthorizationCode,
  OAuthTokenError,
} from '../../../../../../supabase/functions/_shared/oauth/token-client.ts'
import type { ProviderHooks } from '../../../../../../supabase/functions/_shared/providers/types.ts'

/** The scripted endpoint these tests call. */
const withEndpoint = (
  respond: () => Response,
  run: (url: string, seen: SeenRequest[]) => Promise<void>,
) => withScriptedEndpoint('/oauth/revoke', respond, run)

const spec = {
  id: 'quirky',
  displayName: 'Quirky',
  authMode: 'oauth2',
  authorizeUrl: 'https://quirky.example/authorize',
  tokenUrl: 'https://quirky.example/token',
  revokeUrl: 'https://quirky.example/revoke',
  expiry: { source: 'none' },
  apiBaseUrl: 'https://api.quirky.example',
  envClient: { clientId: 'QUIRKY_CLIENT_ID', clientSecret: 'QUIRKY_CLIENT_SECRET' },
} as const
const client = { clientId: 'cid', clientSecret: 'csecret' }

Deno.test('token client: a 200 carrying an OAuth error is a refusal, not a token set', async () => {
  await withEndpoint(
    () => Response.json({ ok: false, error: 'invalid_code' }),
    async (url) => {
      await assert.rejects(
        () => exchangeAuthorizationCode({ tokenUrl: url, client, code: 'c', redirectUri: 'r' }),
        (error: unknown) => error instanceof OAuthTokenError && error.oauthError === 'invalid_code',
      )
    },
  )
})

Deno.test('revoke: the client authenticates as the spec says; without a setting the token goes alone', async () => {
  const basic = defineProvider({ spec: { ...spec, revokeClientAuth: 'basic' } }).spec
  const body = defineProvider({ spec: { ...spec, revokeClientAuth: 'body' } }).spec
  const none = defineProvider({ spec }).spec
  await withEndpoint(() => new Response(null, { status: 200 }), async (url, seen) => {
    assert.equal(await revokeAt(url, 'rt', { spec: basic, client }), 'revoked')
    assert.equal(seen[0].authorization, `Basic ${btoa('cid:csecret')}`)
    assert.deepEqual(seen[0].form, { token: 'rt' })
    await revokeAt(url, 'rt', { spec: body, client })
    assert.equal(seen[1].authorization, null)
    assert.deepEqual(seen[1].form, { token: 'rt', client_id: 'cid', client_secret: 'csecret' })
    await revokeAt(url, 'rt', { spec: none, client })
    assert.deepEqual(seen[2].form, { token: 'rt' })
  })
})

function connectionOf(hooks: ProviderHooks): Connection {
  const provider = defineProvider({ spec, hooks })
  return {
    integrationId: '00000000-0000-4000-8000-000000000001',
    businessId: '00000000-0000-4000-8000-000000000002',
    provider,
    config: {},
    apiVersion: '',
    tokens: { access_token: 'at' },
    tokenVersion: 1,
    apiBaseUrl: provider.spec.apiBaseUrl,
  }
}

Deno.test('classify: a hook may call a 200 an expired token; "other" on a 200 stays a success', async () => {
  const slackish = connectionOf({
    async classifyError(response) {
      const body = await response.clone().json().catch(() => ({}))
      return body.error === 'token_expired' ? 'auth_expired' : 'other'
    },
  })
  assert.equal(
    await classifyResponse(slackish, Response.json({ ok: false, error: 'token_expired' })),
    'auth_expired',
  )
  assert.equal(await classifyResponse(slackish, Response.json({ ok: true })), undefined)
  assert.equal(await classifyResponse(connectionOf({}), Response.json({ ok: true })), undefined)
  assert.equal(
    await classifyResponse(connectionOf({}), new Response(null, { status: 401 })),
    'auth_expired',
  )
})
