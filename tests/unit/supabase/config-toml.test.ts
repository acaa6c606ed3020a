// supabase/config.toml's Data API settings that the README's security section relies on.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { repoRoot } from '../../helpers/gateway.ts'

Deno.test('config.toml: the Data API exposes public and graphql_public only, never net or private', async () => {
  const config = parseToml(await Deno.readTextFile(join(repoRoot, 'supabase', 'config.toml'))) as {
    api?: { schemas?: string[] }
  }
  assert.deepEqual(config.api?.schemas, ['public', 'graphql_public'])
})
