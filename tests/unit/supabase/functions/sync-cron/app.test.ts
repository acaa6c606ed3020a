import assert from 'node:assert/strict'
import { app } from '../../../../../supabase/functions/sync-cron/app.ts'
import { offlineCaller } from '../../../../helpers/offline-app.ts'

// These calls are refused before any SQL, so no database is needed; ticks and "sync now" run
// against a database in tests/e2e/sync-cron.test.ts.
const call = offlineCaller(app, { SYNC_CRON_SECRET: 'unit-test-sync-cron-secret' })

Deno.test('sync-cron: a tick without the secret, or with another, is 401', async () => {
  for (const authorization of [undefined, 'Bearer nope', 'Basic dW5pdA==', 'Bearer ']) {
    const headers = new Headers({ 'content-type': 'application/json' })
    if (authorization) headers.set('authorization', authorization)
    const response = await call('/sync-cron', { method: 'POST', headers, body: '{}' })
    assert.equal(response.status, 401, authorization)
    assert.equal((await response.json()).error.code, 'unauthorized')
  }
})

Deno.test('sync-cron: "sync now" without a user token is 401', async () => {
  const response = await call('/sync-cron/integrations/a1000000-0000-4000-8000-00000000000a', {
    method: 'POST',
  })
  assert.equal(response.status, 401)
  await response.body?.cancel()
})

Deno.test('sync-cron: other methods and paths are JSON 404s', async () => {
  for (const [path, method] of [['/sync-cron', 'GET'], ['/sync-cron/other', 'POST']]) {
    const response = await call(path, { method })
    assert.equal(response.status, 404, `${method} ${path}`)
    assert.equal((await response.json()).error.code, 'not_found')
  }
})
