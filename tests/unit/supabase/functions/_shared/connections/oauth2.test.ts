// The spec-driven OAuth 2.0 client against a scripted token endpoint: what a provider's spec
// changes in the requests (Basic client auth, JSON bodies, extra params, PKCE off) and how a
// standard token response becomes a grant.
import assert from 'node:assert/strict'
import {
  authorizationUrl,
  exchangeCode,
  refreshTokens,
  standardGrant,
} from '../../../../../../supabase/functions/_shared/connections/oauth2.ts'
import { deskSpec, fixtureProvider } from '../../../../../helpers/provider-fixtures.ts'

interface Seen {
  contentType: string | null
  authorization: string | null
  body: string
}

/** A token endpoint that records each request and answers with `respond`. */
async function withEndpoint(
  respond: () => Response,
  run: (url: string, seen: Seen[]) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = []
  const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: () => {} }, async (req) => {
    seen.push({
      contentType: req.headers.get('content-type'),
      authorization: req.headers.get('authorization'),
      body: await req.text(),
    })
    const response = respond()
    response.headers.set('connection', 'close')
    return response
  })
  try {
    await run(`http://127.0.0.1:${server.addr.port}/oauth/token`, seen)
  } finally {
    await server.shutdown()
  }
}

const desk = fixtureProvider(deskSpec)
const client = { clientId: 'desk id', clientSecret: 's3cret:+' }
const tokens = () =>
  Response.json({ access_token: 'at', refresh_token: 'rt', expires_in: 1800, scope: 'read,write' })

Deno.test('oauth2: Basic client auth, a JSON body, the spec token params, no verifier without PKCE', async () => {
  await withEndpoint(tokens, async (url, seen) => {
    await exchangeCode(desk, {
      tokenUrl: url,
      client,
      code: 'c0de',
      redirectUri: 'https://fn.example/callback/fixture-desk',
      codeVerifier: 'v'.repeat(43),
    })
    assert.equal(seen[0].contentType, 'application/json')
    // RFC 6749 §2.3.1: form-encode id and secret, then base64 them joined by a colon.
    assert.equal(seen[0].authorization, `Basic ${btoa('desk+id:s3cret%3A%2B')}`)
    assert.deepEqual(JSON.parse(seen[0].body), {
      expires_in: '1800',
      grant_type: 'authorization_code',
      code: 'c0de',
      redirect_uri: 'https://fn.example/callback/fixture-desk',
    })
    await refreshTokens(desk, { tokenUrl: url, client, refreshToken: 'rt' })
    assert.deepEqual(JSON.parse(seen[1].body), { grant_type: 'refresh_token', refresh_token: 'rt' })
  })
})

Deno.test('oauth2: the authorization URL has the spec scopes, separator and params, PKCE only when on', () => {
  const request = {
    clientId: 'id',
    redirectUri: 'https://fn.example/cb',
    state: 'S'.repeat(43),
    codeChallenge: 'C'.repeat(43),
  }
  const url = new URL(
    authorizationUrl(desk.spec, 'https://acme.desk.example/oauth/authorize', request),
  )
  assert.equal(url.searchParams.get('scope'), 'read,write')
  assert.equal(url.searchParams.get('access_type'), 'offline')
  assert.equal(url.searchParams.get('code_challenge'), null, 'the spec turns PKCE off')
  const pkce = fixtureProvider({ ...deskSpec, id: 'pkce', pkce: true })
  const withPkce = new URL(authorizationUrl(pkce.spec, 'https://a.example/auth', request))
  assert.equal(withPkce.searchParams.get('code_challenge_method'), 'S256')
})

Deno.test('oauth2: a standard grant keeps the old refresh token, computes expires_at, reads metadata', () => {
  const spec = fixtureProvider({
    ...deskSpec,
    id: 'meta',
    tokenResponseMetadata: { 'team.id': 'team_id', api_domain: 'api_domain' },
  }).spec
  const now = Date.UTC(2026, 0, 1)
  const grant = standardGrant(
    { access_token: 'at2', expires_in: '1800', scope: 'read,write', team: { id: 'T1' } },
    { spec, config: {}, tokenUrl: 'https://x.example/t', previous: { refresh_token: 'rt1' }, now },
  )
  assert.deepEqual(grant.tokens, {
    access_token: 'at2',
    refresh_token: 'rt1',
    expires_at: now + 1_800_000,
    scope: 'read,write',
  })
  assert.deepEqual(grant.scopes, ['read', 'write'])
  assert.deepEqual(grant.metadata, { team_id: 'T1' })
  assert.equal(grant.rotated, false)
  const rotated = standardGrant(
    { access_token: 'at3', refresh_token: 'rt2' },
    { spec, config: {}, tokenUrl: 'https://x.example/t', previous: { refresh_token: 'rt1' }, now },
  )
  assert.equal(rotated.rotated, true)
  assert.equal(rotated.tokens.refresh_token, 'rt2')
})
