import assert from 'node:assert/strict'
import {
  buildDocument,
  documentPath,
  documentText,
  generateTypes,
  typesPath,
} from '../../../scripts/openapi.ts'

// The committed document and types are what frontends and the typed client build on: they must
// be what the code says today. On failure run `npm run openapi` and commit the result.

Deno.test('openapi.json is the document the functions generate (run `npm run openapi`)', async () => {
  const committed = JSON.parse(await Deno.readTextFile(documentPath))
  assert.deepEqual(committed, await buildDocument(), 'openapi.json is stale: run npm run openapi')
})

Deno.test('client/api.d.ts is what openapi-typescript makes of the document', async () => {
  const generated = await Deno.makeTempFile({ suffix: '.json' })
  try {
    await Deno.writeTextFile(generated, documentText(await buildDocument()))
    assert.equal(
      await Deno.readTextFile(typesPath),
      await generateTypes(generated),
      'client/api.d.ts is stale: run npm run openapi',
    )
  } finally {
    await Deno.remove(generated)
  }
})

Deno.test('every route of every function is documented: summary, a success response, security', async () => {
  const document = await buildDocument()
  const operations = Object.entries(document.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ where: `${method} ${path}`, op }))
  )
  assert.ok(operations.length >= 20, `found ${operations.length} operations`)
  for (const { where, op } of operations) {
    assert.ok(typeof op.summary === 'string' && op.summary.length > 0, `${where} has a summary`)
    const statuses = Object.keys(op.responses as object).map(Number)
    // `default`: the proxy's success is whatever status the provider answers.
    const passesThrough = 'default' in (op.responses as object)
    assert.ok(
      statuses.some((status) => status < 400) || passesThrough,
      `${where} documents its success`,
    )
    assert.ok(statuses.includes(500), `${where} documents internal_error`)
    assert.ok(Array.isArray(op.security), `${where} states its security`)
  }
})

Deno.test('security: bearer JWT for user routes, the cron secret for the tick, none for callback and documents', async () => {
  const { paths } = await buildDocument()
  assert.deepEqual(paths['/callback/{provider}'].get.security, [])
  assert.deepEqual(paths['/webhooks/{provider}'].post.security, [])
  assert.deepEqual(paths['/sync-cron'].post.security, [{ cronSecret: [] }])
  assert.deepEqual(paths['/sync-cron/integrations/{id}'].post.security, [{ bearerAuth: [] }])
  assert.deepEqual(paths['/integrations/{id}'].delete.security, [{ bearerAuth: [] }])
  for (const name of ['integrations', 'contacts', 'alerts', 'callback', 'sync-cron', 'authorize']) {
    assert.deepEqual(paths[`/${name}/openapi.json`].get.security, [], `${name}'s document is open`)
  }
})
