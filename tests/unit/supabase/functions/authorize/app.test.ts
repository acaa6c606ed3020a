import assert from 'node:assert/strict'
import { app } from '../../../../../supabase/functions/authorize/app.ts'
import { offlineCaller } from '../../../../helpers/offline-app.ts'

// Refused before any SQL, so no database is needed; the flow is in tests/e2e/connect.test.ts.
const call = offlineCaller(app)

Deno.test('authorize: without a user token the answer is 401', async () => {
  const response = await call(
    `/authorize/salesforce?integration_id=${crypto.randomUUID()}&redirect_to=https://a.test/`,
  )
  assert.equal(response.status, 401)
  assert.equal((await response.json()).error.code, 'unauthorized')
})

Deno.test('authorize: other methods and paths are JSON 404s', async () => {
  for (const [path, method] of [['/authorize/salesforce', 'POST'], ['/authorize', 'GET']]) {
    const response = await call(path, { method })
    assert.equal(response.status, 404, `${method} ${path}`)
    assert.equal((await response.json()).error.code, 'not_found')
  }
})
