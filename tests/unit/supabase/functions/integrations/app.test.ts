import assert from 'node:assert/strict'
import { encodeCursor } from '../../../../../supabase/functions/_shared/contacts/cursor.ts'
import { app } from '../../../../../supabase/functions/integrations/app.ts'
import { runsQuery } from '../../../../../supabase/functions/integrations/schemas.ts'
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

const integrationId = '8b9c1f4e-2d3a-4b5c-9d8e-7f6a5b4c3d2e'

Deno.test('integrations: health and runs without a token are JSON 401s', async () => {
  for (const route of ['health', 'runs', 'runs?limit=5']) {
    const response = await call(`/integrations/${integrationId}/${route}`)
    assert.equal(response.status, 401, route)
    assert.equal((await response.json()).error.code, 'unauthorized')
  }
})

Deno.test('integrations: a runs cursor round-trips; a tampered one or a bad limit is refused', () => {
  const position = { s: '2026-11-01T10:15:00.123456Z', i: '42' }
  const parsed = runsQuery.parse({ cursor: encodeCursor(position) })
  assert.deepEqual(parsed, { limit: 20, cursor: position })
  assert.equal(runsQuery.parse({ limit: '200' }).limit, 200)
  const refused = [
    { cursor: 'not-a-cursor' },
    { cursor: encodeCursor({ ...position, i: "42' or 1=1" }) },
    { cursor: encodeCursor({ ...position, i: '042' }) },
    { cursor: encodeCursor({ ...position, s: '2026-11-01T10:15:00Z' }) },
    { cursor: encodeCursor({ ...position, extra: 1 }) },
    { limit: '0' },
    { limit: '201' },
    { limit: '1.5' },
  ]
  for (const query of refused) {
    assert.equal(runsQuery.safeParse(query).success, false, JSON.stringify(query))
  }
})
