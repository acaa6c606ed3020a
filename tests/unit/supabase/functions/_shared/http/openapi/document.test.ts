import assert from 'node:assert/strict'
import { z } from 'zod'
import { createApp } from '../../../../../../../supabase/functions/_shared/http/app.ts'
import { requireUser } from '../../../../../../../supabase/functions/_shared/http/auth.ts'
import {
  openApiDocument,
  openApiPath,
} from '../../../../../../../supabase/functions/_shared/http/openapi/document.ts'
import { describeRoute } from '../../../../../../../supabase/functions/_shared/http/openapi/route-docs.ts'
import { validate } from '../../../../../../../supabase/functions/_shared/http/validate.ts'
import { app as integrations } from '../../../../../../../supabase/functions/integrations/app.ts'

function demoApp(limit: z.ZodType) {
  const app = createApp('demo').use(requireUser())
  app.get(
    '/items/:id{[0-9]{3}}',
    describeRoute({
      summary: 'An item',
      responses: { 200: { description: 'It', body: z.object({ name: z.string() }) } },
      errors: ['not_found'],
    }),
    validate('param', z.object({ id: z.string() })),
    validate('query', z.object({ limit })),
    (c) => c.json({ name: 'x' }),
  )
  return app
}

Deno.test('openApiPath turns Hono parameters, patterns with braces included, into {name}', () => {
  assert.equal(openApiPath('/x/:id{[0-9a-fA-F-]{36}}/events'), '/x/{id}/events')
  assert.equal(openApiPath('/x/:provider'), '/x/{provider}')
  assert.equal(openApiPath('/x/:a/:b?'), '/x/{a}/{b}')
})

Deno.test('the document reads the schema the route validates with: changing it changes the document', () => {
  const narrow = openApiDocument([{ name: 'demo', app: demoApp(z.coerce.number().max(10)) }])
  const wide = openApiDocument([{ name: 'demo', app: demoApp(z.coerce.number().max(20)) }])
  const limitOf = (doc: typeof narrow) =>
    (doc.paths['/demo/items/{id}'].get.parameters as Array<{ name: string; schema: unknown }>)
      .find((parameter) => parameter.name === 'limit')?.schema
  assert.deepEqual(limitOf(narrow), { type: 'number', maximum: 10 })
  assert.notDeepEqual(narrow, wide)
})

Deno.test('a route lists the errors of its middleware and its own, grouped by status', () => {
  const doc = openApiDocument([{ name: 'demo', app: demoApp(z.string()) }])
  const op = doc.paths['/demo/items/{id}'].get as { responses: Record<string, unknown> }
  type ErrorResponse = {
    content: {
      'application/json': {
        schema: {
          allOf: [unknown, { properties: { error: { properties: { code: { enum: string[] } } } } }]
        }
      }
    }
  }
  const codesAt = (status: number) =>
    (op.responses[status] as ErrorResponse).content['application/json'].schema.allOf[1].properties
      .error.properties.code.enum
  assert.deepEqual(codesAt(400), ['validation_failed'])
  assert.deepEqual(codesAt(401), ['unauthorized'])
  assert.deepEqual(codesAt(404), ['not_found'])
  assert.deepEqual(codesAt(500), ['internal_error'])
  assert.deepEqual(doc.paths['/demo/items/{id}'].get.security, [{ bearerAuth: [] }])
})

Deno.test('a function serves its own document at /<fn>/openapi.json without a token', async () => {
  const response = await integrations.request('/integrations/openapi.json')
  assert.equal(response.status, 200)
  const document = await response.json()
  assert.equal(document.openapi, '3.1.0')
  assert.ok(document.paths['/integrations/{id}/events'].get, 'the events route is in it')
  assert.deepEqual(
    document.paths['/integrations/{id}'].get.security,
    [{ bearerAuth: [] }],
    'the routes after it still need a JWT',
  )
  const refused = await integrations.request('/integrations/businesses')
  assert.equal(refused.status, 401)
})
