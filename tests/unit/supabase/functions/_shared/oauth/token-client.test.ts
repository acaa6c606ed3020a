// The token client against a scripted token endpoint: what it sends and how it reads answers.
import assert from 'node:assert/strict'
import { type SeenRequest, withScriptedEndpoint } from '../../../../../helpers/scripted-endpoint.ts'
import { ProviderError } from '../../../../../../supabase/functions/_shared/http/errors.ts'
import {
  exchangeAuthorizationCode,
  OAuthTokenError,
  refreshAccessToken,
  revokeToken,
} from '../../../../../../supabase/functions/_shared/oauth/token-client.ts'

/** The scripted endpoint these tests call. */
const withEndpoint = (
  respond: () => Response,
  run: (url: string, seen: SeenRequest[]) => Promise<void>,
) => withScriptedEndpoint('/services/oauth2/token', respond, run)

const client = { clientId: '3MVGclient', clientSecret: 'top-secret' }
const ok = () =>
  Response.json({
    access_token: '00Dxx0000001gPL!AR8AQ',
    refresh_token: '5Aep861abc',
    instance_url: 'https://acme.my.salesforce.com',
    id: 'https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001Sv6AAAS',
    issued_at: '1699999999999',
    scope: 'api refresh_token',
    token_type: 'Bearer',
  })
const refused = (error: string, description: string) =>
  Response.json({ error, error_description: description }, { status: 400 })

Deno.test('token client: the code exchange posts a form with the verifier and the client', async () => {
  await withEndpoint(ok, async (url, seen) => {
    const tokens = await exchangeAuthorizationCode({
      tokenUrl: url,
      client,
      code: 'aPrx%3D=',
      redirectUri: 'https://fn.example/callback/salesforce',
      codeVerifier: 'v'.repeat(43),
    })
    assert.equal(tokens.access_token, '00Dxx0000001gPL!AR8AQ')
    assert.equal(tokens.instance_url, 'https://acme.my.salesforce.com')
    assert.equal(seen[0].contentType, 'application/x-www-form-urlencoded')
    assert.deepEqual(seen[0].form, {
      grant_type: 'authorization_code',
      code: 'aPrx%3D=',
      redirect_uri: 'https://fn.example/callback/salesforce',
      code_verifier: 'v'.repeat(43),
      client_id: '3MVGclient',
      client_secret: 'top-secret',
    })
  })
})

Deno.test('token client: the refresh grant omits the secret when the app has none', async () => {
  await withEndpoint(ok, async (url, seen) => {
    await refreshAccessToken({ tokenUrl: url, client: { clientId: 'c' }, refreshToken: 'r' })
    assert.deepEqual(seen[0].form, {
      grant_type: 'refresh_token',
      refresh_token: 'r',
      client_id: 'c',
    })
  })
})

Deno.test('token client: Salesforce error bodies become typed errors without secrets', async () => {
  const cases: Array<[string, string, (error: OAuthTokenError) => void]> = [
    ['invalid_grant', 'expired access/refresh token', (e) => assert.ok(e.isInvalidGrant)],
    ['invalid_grant', 'invalid code verifier', (e) => assert.ok(e.isInvalidGrant)],
    ['invalid_client_id', 'client identifier invalid', (e) => assert.ok(e.isClientError)],
    ['invalid_client', 'invalid client credentials', (e) => assert.ok(e.isClientError)],
    ['unsupported_grant_type', 'grant type not supported', (e) => assert.ok(!e.isInvalidGrant)],
  ]
  for (const [code, description, check] of cases) {
    await withEndpoint(() => refused(code, description), async (url) => {
      await assert.rejects(
        () => refreshAccessToken({ tokenUrl: url, client, refreshToken: '5Aep861secret' }),
        (error: unknown) => {
          assert.ok(error instanceof OAuthTokenError)
          assert.equal(error.oauthError, code)
          assert.equal(error.description, description)
          assert.equal(error.providerStatus, 400)
          assert.equal(error.status, 502)
          check(error)
          const shown = JSON.stringify({ message: error.message, details: error.details })
          assert.ok(!shown.includes('5Aep861secret') && !shown.includes('top-secret'))
          return true
        },
      )
    })
  }
})

Deno.test('token client: HTML, non-JSON and tokenless answers are provider errors', async () => {
  const answers = [
    () => new Response('<html>Maintenance</html>', { status: 503 }),
    () => new Response('not json', { status: 200 }),
    () => Response.json({ token_type: 'Bearer' }),
  ]
  for (const answer of answers) {
    await withEndpoint(answer, async (url) => {
      await assert.rejects(
        () => refreshAccessToken({ tokenUrl: url, client, refreshToken: 'r' }),
        ProviderError,
      )
    })
  }
})

Deno.test('token client: an unreachable endpoint is provider_unreachable', async () => {
  await assert.rejects(
    () => refreshAccessToken({ tokenUrl: 'http://127.0.0.1:9/token', client, refreshToken: 'r' }),
    (error: unknown) => error instanceof ProviderError && error.code === 'provider_unreachable',
  )
})

Deno.test('token client: revoke posts the token; an unknown token counts as revoked', async () => {
  await withEndpoint(() => new Response(null, { status: 200 }), async (url, seen) => {
    assert.equal(await revokeToken(url, 'rt'), 'revoked')
    assert.deepEqual(seen[0].form, { token: 'rt' })
  })
  await withEndpoint(() => refused('invalid_token', 'invalid token'), async (url) => {
    assert.equal(await revokeToken(url, 'rt'), 'already_invalid')
  })
  await withEndpoint(
    () => new Response('error=unsupported_token_type', { status: 400 }),
    async (url) => {
      await assert.rejects(() => revokeToken(url, 'rt'), OAuthTokenError)
    },
  )
})
