import assert from 'node:assert/strict'
import { app } from '../../../../../supabase/functions/authorize/app.ts'
import { setEnv } from '../../../../helpers/env.ts'
import { captureLogs } from '../../../../helpers/logs.ts'

// Refused before any SQL, so no database is needed; the flow is in tests/e2e/connect.test.ts.
async function call(path: string, init?: Parameters<typeof app.request>[1]): Promise<Response> {
  const restore = setEnv({ SUPABASE_URL: 'http://127.0.0.1:9' })
  const logs = captureLogs()
  try {
    return await app.request(path, init)
  } finally {
    logs.restore()
    restore()
  }
}

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
