import assert from 'node:assert/strict'
import { app } from '../../../../../supabase/functions/callback/app.ts'
import { captureLogs } from '../../../../helpers/logs.ts'

// A state we could not have issued is refused before any SQL: no database needed here. Known
// states, replays and expiry are in tests/e2e/connect.test.ts.
async function call(path: string): Promise<Response> {
  const logs = captureLogs()
  try {
    return await app.request(path)
  } finally {
    logs.restore()
  }
}

Deno.test('callback: a missing or malformed state is 400 state_invalid, never a redirect', async () => {
  for (
    const query of [
      'code=abc',
      'code=abc&state=short',
      `code=abc&state=${'~'.repeat(43)}`,
      'error=access_denied',
    ]
  ) {
    const response = await call(`/callback/salesforce?${query}`)
    assert.equal(response.status, 400, query)
    assert.equal(response.headers.get('location'), null)
    assert.equal((await response.json()).error.code, 'state_invalid')
  }
})

Deno.test('callback: an unknown provider is a 404', async () => {
  const response = await call(`/callback/hubspot?code=abc&state=${'A'.repeat(43)}`)
  assert.equal(response.status, 404)
  await response.body?.cancel()
})

Deno.test('callback: oversized parameters are refused as validation errors', async () => {
  const response = await call(`/callback/salesforce?state=${'A'.repeat(300)}`)
  assert.equal(response.status, 400)
  assert.equal((await response.json()).error.code, 'validation_failed')
})
