import assert from 'node:assert/strict'
import { join } from 'node:path'
import { errorCodes } from '../../../../../../../supabase/functions/_shared/http/openapi/error-codes.ts'
import { repoRoot } from '../../../../../../helpers/gateway.ts'

// Codes that are not HTTP answers: zod's issue code, a validation detail's code, and run error
// codes that sync_runs records (a failed run is a 200 with its code).
const notAnswers = new Set([
  'custom',
  'hubspot_invalid_page',
  'hubspot_response_invalid',
  'invalid_text',
  'salesforce_invalid_page',
  'salesforce_response_invalid',
  'sync_source_missing',
  // An object's own run failure (issue 11): kept on its sync state and runs, alerted.
  'field_missing',
  'object_missing',
  'object_access_denied',
])

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name)
    if (entry.isDirectory) yield* sourceFiles(path)
    else if (entry.name.endsWith('.ts')) yield path
  }
}

Deno.test('every error code the functions give is in the catalog the document lists them from', async () => {
  const found = new Set<string>()
  for await (const file of sourceFiles(join(repoRoot, 'supabase', 'functions'))) {
    const text = await Deno.readTextFile(file)
    for (const match of text.matchAll(/\bcode: '([a-z_]+)'/g)) found.add(match[1])
    // Class defaults: super(status, 'code', ...) and new AppError(status, 'code', ...).
    for (const match of text.matchAll(/\(\s*\d{3},\s*'([a-z_]+)'/g)) found.add(match[1])
  }
  assert.ok(found.has('integration_exists') && found.has('not_found'), 'the scan finds codes')
  const missing = [...found].filter((code) => !notAnswers.has(code) && !(code in errorCodes))
  assert.deepEqual(missing, [], 'add these to _shared/http/openapi/error-codes.ts')
})
