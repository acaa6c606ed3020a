import assert from 'node:assert/strict'
import { app } from '../../../../../supabase/functions/integrations/app.ts'
import { offlineCaller } from '../../../../helpers/offline-app.ts'

// These checks refuse the request before any SQL, so no database is needed; the listing itself
// is covered by tests/integration/integrations.test.ts.
const call = offlineCaller(app)

Deno.test('integrations: listing businesses without a token is 401', async () => {
  const response = await call('/integrations/businesses')
  assert.equal(response.status, 401)
  assert.equal((await response.json()).error.code, 'unauthorized')
})

Deno.test('integrations: without a token even an unknown route is a 401, revealing no routes', async () => {
  // Authentication applies to the whole function, as the platform's verify_jwt does; with a
  // valid token an unknown route is a JSON 404 (tests/integration/integrations.test.ts).
  for (
    const [path, method] of [['/integrations/nope', 'GET'], ['/integrations/businesses', 'DELETE']]
  ) {
    const response = await call(path, { method })
    assert.equal(response.status, 401, `${method} ${path}`)
    assert.equal((await response.json()).error.code, 'unauthorized')
  }
})

Deno.test('integrations: preflight is answered without a token', async () => {
  const response = await call('/integrations/businesses', {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
  })
  assert.equal(response.status, 204)
  assert.equal(response.headers.get('access-control-allow-origin'), '*')
})
