import assert from 'node:assert/strict'
import { app } from '../../../../../supabase/functions/contacts/app.ts'
import { offlineCaller } from '../../../../helpers/offline-app.ts'

// Refused before any SQL or Salesforce call, so no database is needed; the routes themselves are
// covered by tests/e2e/contacts-*.test.ts.
const call = offlineCaller(app)

const integrationId = '8b9c1f4e-2d3a-4b5c-9d8e-7f6a5b4c3d2e'

const routes: Array<[string, string]> = [
  ['GET', `/contacts/${integrationId}/remote`],
  ['GET', `/contacts?integration_id=${integrationId}`],
  ['POST', '/contacts/import'],
]

Deno.test('contacts: every route without a token is a JSON 401', async () => {
  for (const [method, path] of routes) {
    const response = await call(path, { method, body: method === 'POST' ? '{}' : undefined })
    assert.equal(response.status, 401, `${method} ${path}`)
    assert.equal(response.headers.get('www-authenticate'), 'Bearer')
    assert.equal((await response.json()).error.code, 'unauthorized')
  }
})

Deno.test('contacts: preflight is answered without a token', async () => {
  const response = await call('/contacts/import', {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
  })
  assert.equal(response.status, 204)
  assert.equal(response.headers.get('access-control-allow-origin'), '*')
})
