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
  // Not in the registry (hubspot, this test's example before, now is).
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
