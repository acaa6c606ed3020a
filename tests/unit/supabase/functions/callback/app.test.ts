import assert from 'node:assert/strict'
import { app } from '../../../../../supabase/functions/callback/app.ts'
import { offlineCaller } from '../../../../helpers/offline-app.ts'

// What is refused before any SQL: no database here. Known states, replays, expiry and the
// completion are in tests/e2e/connect.test.ts.
const oauthEnv = {
  PUBLIC_FUNCTIONS_URL: 'https://ref.supabase.co/functions/v1',
  APP_REDIRECT_ALLOWLIST: 'https://app.example.test/settings',
}
const call = offlineCaller(app, oauthEnv)
const withErrorPage = offlineCaller(app, {
  ...oauthEnv,
  APP_ERROR_REDIRECT_URL: 'https://app.example.test/settings/connect-error',
})
const malformed = [
  'code=abc',
  'code=abc&state=short',
  `code=abc&state=${'~'.repeat(43)}`,
  'error=access_denied',
]

Deno.test('callback: without an error page, a missing or malformed state is a JSON 400 state_invalid', async () => {
  for (const query of malformed) {
    const response = await call(`/callback/salesforce?${query}`)
    assert.equal(response.status, 400, query)
    assert.equal(response.headers.get('location'), null)
    assert.equal((await response.json()).error.code, 'state_invalid')
  }
})

Deno.test('callback: with APP_ERROR_REDIRECT_URL, a malformed state is sent there with error=state_invalid', async () => {
  for (const query of malformed) {
    const response = await withErrorPage(`/callback/salesforce?${query}`)
    assert.equal(response.status, 302, query)
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer')
    const page = new URL(response.headers.get('location')!)
    assert.equal(page.origin + page.pathname, 'https://app.example.test/settings/connect-error')
    assert.equal(page.searchParams.get('error'), 'state_invalid')
    assert.match(page.searchParams.get('message') ?? '', /start again/)
  }
})

Deno.test('callback: an unknown provider is a 404', async () => {
  const response = await call(`/callback/no-such-provider?code=abc&state=${'A'.repeat(43)}`)
  assert.equal(response.status, 404)
  await response.body?.cancel()
})

Deno.test('callback: oversized parameters are refused as validation errors', async () => {
  const response = await call(`/callback/salesforce?state=${'A'.repeat(300)}`)
  assert.equal(response.status, 400)
  assert.equal((await response.json()).error.code, 'validation_failed')
})

Deno.test('callback: U+0000 in any parameter is a validation error before the state is looked at', async () => {
  const state = 'A'.repeat(43)
  for (
    const query of [
      `error=%00&state=${state}`,
      `error=access_denied%00&state=${state}`,
      `error=access_denied&error_description=a%00b&state=${state}`,
      `code=abc%00&state=${state}`,
      `code=abc&state=${state.slice(1)}%00`,
    ]
  ) {
    const response = await call(`/callback/salesforce?${query}`)
    assert.equal(response.status, 400, query)
    assert.equal((await response.json()).error.code, 'validation_failed', query)
  }
  // A provider's description may span lines; that is not hostile.
  const lines = await call(`/callback/salesforce?error=access_denied&error_description=a%0Ab`)
  assert.equal((await lines.json()).error.code, 'state_invalid')
})

Deno.test('callback: completing without a user token is a 401', async () => {
  const response = await call('/callback/complete', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ticket: 'A'.repeat(43) }),
  })
  assert.equal(response.status, 401)
  assert.equal((await response.json()).error.code, 'unauthorized')
})

Deno.test('callback: OAuth 1.0a without a well-formed oauth_token is state_invalid; a refusal without one is access_denied', async () => {
  for (const query of ['oauth_verifier=abc', 'oauth_token=short&oauth_verifier=abc', 'code=abc']) {
    const response = await call(`/callback/trello?${query}`)
    assert.equal(response.status, 400, query)
    assert.equal((await response.json()).error.code, 'state_invalid', query)
  }
  const refused = await call('/callback/trello?oauth_problem=user_refused')
  assert.equal(refused.status, 400)
  assert.equal((await refused.json()).error.code, 'access_denied')
  const page = await withErrorPage('/callback/trello?oauth_problem=user_refused')
  assert.equal(page.status, 302)
  assert.equal(new URL(page.headers.get('location')!).searchParams.get('error'), 'access_denied')
  // OAuth 2 callbacks do not read OAuth 1.0a parameters: an unbound refusal stays state_invalid.
  const oauth2 = await call('/callback/salesforce?oauth_problem=user_refused')
  assert.equal((await oauth2.json()).error.code, 'state_invalid')
})
