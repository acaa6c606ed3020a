import assert from 'node:assert/strict'
import { z } from 'zod'
import { createApp } from '../../../../../../supabase/functions/_shared/http/app.ts'
import { validate } from '../../../../../../supabase/functions/_shared/http/validate.ts'
import { captureLogs } from '../../../../../helpers/logs.ts'

function testApp() {
  const app = createApp('v')
  app.post(
    '/items',
    validate('json', z.strictObject({ name: z.string().min(1), count: z.number().int() })),
    (c) => c.json({ created: c.req.valid('json') }, 201),
  )
  app.get(
    '/search',
    validate('query', z.strictObject({ limit: z.coerce.number().int().max(100) })),
    (c) => c.json({ limit: c.req.valid('query').limit }),
  )
  app.get(
    '/items/:id',
    validate('param', z.object({ id: z.uuid() })),
    (c) => c.json({ id: c.req.valid('param').id }),
  )
  return app
}

type Init = Parameters<ReturnType<typeof testApp>['request']>[1]

async function call(path: string, init?: Init): Promise<Response> {
  const logs = captureLogs()
  try {
    return await testApp().request(path, init)
  } finally {
    logs.restore()
  }
}

const json = (body: unknown): Init => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

Deno.test('validate: valid input reaches the handler typed', async () => {
  const response = await call('/v/items', json({ name: 'Acme', count: 2 }))
  assert.equal(response.status, 201)
  assert.deepEqual(await response.json(), { created: { name: 'Acme', count: 2 } })
})

Deno.test('validate: a schema failure is 400 validation_failed with the issues', async () => {
  const response = await call('/v/items', json({ name: '', count: 1.5, extra: 'password123' }))
  assert.equal(response.status, 400)
  const text = await response.text()
  const body = JSON.parse(text)
  assert.equal(body.error.code, 'validation_failed')
  const paths = body.error.details.map((issue: { path: string }) => issue.path).sort()
  assert.deepEqual(paths, ['', 'count', 'name'])
  for (const issue of body.error.details) {
    assert.deepEqual(Object.keys(issue).sort(), ['code', 'message', 'path'])
  }
  // Issues say where and what, never echo the submitted values.
  assert.ok(!text.includes('password123'))
})

Deno.test('validate: a JSON body without a JSON content type fails validation', async () => {
  const response = await call('/v/items', { method: 'POST', body: '{"name":"a","count":1}' })
  assert.equal(response.status, 400)
  assert.equal((await response.json()).error.code, 'validation_failed')
})

Deno.test('validate: query and path params are validated too', async () => {
  assert.equal((await call('/v/search?limit=5')).status, 200)
  const tooMany = await call('/v/search?limit=500')
  assert.equal(tooMany.status, 400)
  assert.equal((await tooMany.json()).error.details[0].path, 'limit')
  const badId = await call('/v/items/not-a-uuid')
  assert.equal(badId.status, 400)
  assert.equal((await badId.json()).error.code, 'validation_failed')
})

Deno.test('validate: text Postgres cannot store is a 400 at any depth, the handler never runs', async () => {
  const app = createApp('v')
  let reached = 0
  app.post('/any', validate('json', z.looseObject({})), (c) => {
    reached++
    return c.json({ ok: true })
  })
  app.get('/q', validate('query', z.object({ term: z.string() })), (c) => {
    reached++
    return c.json({ ok: true })
  })
  const logs = captureLogs()
  try {
    const refused: Array<[string, Init, string]> = [
      ['/v/any', json({ name: 'a\u0000b' }), 'name'],
      ['/v/any', json({ deep: [{ list: ['ok', '\ud800'] }] }), 'deep.0.list.1'],
      ['/v/any', json({ nested: { 'key\u0000': 1 } }), 'nested'],
      ['/v/q?term=%00', {}, 'term'],
      // A lone surrogate written as a JSON escape: JSON.parse makes it a lone surrogate.
      ['/v/any', { ...json({}), body: '{"x":"\\udc00"}' }, 'x'],
    ]
    for (const [path, init, where] of refused) {
      const response = await app.request(path, init)
      assert.equal(response.status, 400, path)
      const { error } = await response.json()
      assert.equal(error.code, 'validation_failed')
      assert.deepEqual(error.details.map((issue: { path: string; code: string }) => issue.path), [
        where,
      ])
      assert.equal(error.details[0].code, 'invalid_text')
    }
    assert.equal(reached, 0)
    // A well-formed pair and ordinary control characters are text Postgres stores.
    const fine = await app.request('/v/any', json({ emoji: '🙂', tab: 'a\tb' }))
    assert.equal(fine.status, 200)
    assert.equal(reached, 1)
  } finally {
    logs.restore()
  }
})
