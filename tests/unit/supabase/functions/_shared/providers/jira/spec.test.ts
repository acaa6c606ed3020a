// Jira's registry entry on recorded answers: audience and prompt=consent, offline_access, a JSON
// token request, rotating refresh tokens refused with 403 when reused, cloudId after connecting.
import assert from 'node:assert/strict'
import {
  authorizeRequest,
  challenge,
  codeExchange,
  grantOf,
  realHosts,
  redirectUri,
  refusalIsDeadGrant,
  state,
  verifier,
  withStubbedFetch,
} from '../../../../../../helpers/provider-checks.ts'
import { getProvider } from '../../../../../../../supabase/functions/_shared/providers/registry.ts'

import { hookContext } from '../../../../../../../supabase/functions/_shared/connections/authorized-fetch.ts'
import { memoryConnection } from '../../../../../../helpers/provider-fixtures.ts'

// Recorded (docs topic "OAuth 2.0 (3LO) apps"): token response and accessible-resources.
const tokens = {
  access_token: 'eyJraWQiOiJhdGxhc3NpYW4.payload.sig',
  expires_in: 3600,
  token_type: 'Bearer',
  refresh_token: 'eyJraWQiOiJyZWZyZXNo.first',
  scope: 'read:jira-work read:jira-user write:jira-work offline_access',
}
const resources = [
  {
    id: '1324a887-45db-1bf4-1e99-ef0ff456d421',
    name: 'acme',
    url: 'https://acme.atlassian.net',
    scopes: ['read:jira-work'],
  },
  {
    id: '2aa3b887-45db-1bf4-1e99-ef0ff456d422',
    name: 'globex',
    url: 'https://globex.atlassian.net',
    scopes: ['read:jira-work'],
  },
]

Deno.test('jira: authorizes with audience, prompt=consent, offline_access and PKCE', async () => {
  await realHosts(() => {
    const { endpoint, params } = authorizeRequest('jira')
    assert.equal(endpoint, 'https://auth.atlassian.com/authorize')
    assert.deepEqual(params, {
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: redirectUri('jira'),
      scope: 'read:jira-work read:jira-user write:jira-work offline_access',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      audience: 'api.atlassian.com',
      prompt: 'consent',
    })
  })
})

Deno.test('jira: the token request is JSON with the client in the body', async () => {
  await realHosts(async () => {
    const { request } = await codeExchange('jira', Response.json(tokens))
    assert.equal(request.url, 'https://auth.atlassian.com/oauth/token')
    assert.equal(request.contentType, 'application/json')
    assert.deepEqual(request.body, {
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: redirectUri('jira'),
      code_verifier: verifier,
      client_id: 'cid',
      client_secret: 'csecret',
    })
  })
})

Deno.test('jira: rotation: a refresh answer replaces the refresh token; a reused one is a 403 dead grant', async () => {
  const first = await grantOf('jira', tokens)
  const next = await grantOf('jira', { ...tokens, refresh_token: 'eyJraWQiOiJyZWZyZXNo.second' }, {
    previous: first.tokens,
  })
  assert.equal(next.tokens.refresh_token, 'eyJraWQiOiJyZWZyZXNo.second')
  assert.equal(next.rotated, true)
  const reused = Response.json({
    error: 'invalid_grant',
    error_description: 'Unknown or invalid refresh token.',
  }, { status: 403 })
  assert.equal(await refusalIsDeadGrant('jira', reused), true)
})

Deno.test('jira: the cloudId of the configured site (or the first) and the account id after connecting', async () => {
  await realHosts(async () => {
    const provider = getProvider('jira')
    const answer = (url: string) =>
      url.endsWith('/oauth/token/accessible-resources')
        ? Response.json(resources)
        : Response.json({ account_id: '5b10ac8d82e05b22cc7d4ef5', email: 'a@example.com' })
    const lookup = (config: Record<string, string>) =>
      withStubbedFetch(answer, async (seen) => {
        const connection = memoryConnection(
          provider,
          { access_token: 'at', refresh_token: 'rt' },
          config,
        )
        const extra = await provider.hooks.postConnect!(hookContext(connection))
        assert.deepEqual(seen.map((each) => each.url), [
          'https://api.atlassian.com/oauth/token/accessible-resources',
          'https://api.atlassian.com/me',
        ])
        return extra
      })
    assert.deepEqual(await lookup({}), {
      cloudId: '1324a887-45db-1bf4-1e99-ef0ff456d421',
      siteUrl: 'https://acme.atlassian.net',
      accountId: '5b10ac8d82e05b22cc7d4ef5',
    })
    assert.equal(
      (await lookup({ subdomain: 'globex' })).cloudId,
      '2aa3b887-45db-1bf4-1e99-ef0ff456d422',
    )
    await assert.rejects(
      () => lookup({ subdomain: 'initech' }),
      (error: Error & { code?: string }) => error.code === 'post_connect_failed',
    )
  })
})
