import assert from 'node:assert/strict'
import { app } from '../../../../../supabase/functions/alerts/app.ts'
import { offlineCaller } from '../../../../helpers/offline-app.ts'

// Refused before any SQL, so no database is needed; the routes themselves are covered by
// tests/e2e/alerts.test.ts.
const call = offlineCaller(app)

Deno.test('alerts: every route refuses an anonymous caller with a JSON 401', async () => {
  for (
    const [method, path] of [
      ['POST', '/alerts/webhooks'],
      ['GET', '/alerts/webhooks?business_id=a0000000-0000-4000-8000-00000000000a'],
      ['PATCH', '/alerts/webhooks/a0000000-0000-4000-8000-00000000000a'],
      ['POST', '/alerts/webhooks/a0000000-0000-4000-8000-00000000000a/rotate-secret'],
      ['POST', '/alerts/webhooks/a0000000-0000-4000-8000-00000000000a/test'],
      ['DELETE', '/alerts/webhooks/a0000000-0000-4000-8000-00000000000a'],
      ['GET', '/alerts/deliveries?business_id=a0000000-0000-4000-8000-00000000000a'],
    ]
  ) {
    const response = await call(path, { method })
    assert.equal(response.status, 401, `${method} ${path}`)
    assert.equal((await response.json()).error.code, 'unauthorized')
  }
})

Deno.test('alerts: preflight is answered without a token', async () => {
  const response = await call('/alerts/webhooks', {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
  })
  assert.equal(response.status, 204)
})
