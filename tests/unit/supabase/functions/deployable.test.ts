// Every function deploys as the Supabase CLI bundles it: its module graph, resolved with only the
// import map the CLI picks (never the repo's deno.json), has no unresolved import, needs no
// network once cached, and reads no file outside supabase/functions/ (the CLI uploads only that).
import assert from 'node:assert/strict'
import { join, relative, sep } from 'node:path'
import {
  listDeployedFunctions,
  repoRoot,
  resolveFunctionGraph,
} from '../../../../scripts/deploy/function-config.ts'

const functionsDir = join(repoRoot, 'supabase', 'functions')
// Every request goes to a proxy on the discard port, where nothing listens: an npm lookup that
// needs the registry fails, one the cache answers does not. (Changing the registry URL instead
// would change the cache's key and miss it.)
const deadProxy = 'http://127.0.0.1:9'
const offline = {
  HTTPS_PROXY: deadProxy,
  HTTP_PROXY: deadProxy,
  https_proxy: deadProxy,
  http_proxy: deadProxy,
  NO_PROXY: '',
  no_proxy: '',
}
const functions = await listDeployedFunctions()

Deno.test('the CLI finds every function folder of supabase/functions', () => {
  assert.deepEqual(functions.map((fn) => fn.name), [
    'alerts',
    'authorize',
    'callback',
    'contacts',
    'integrations',
    'proxy',
    'sync-cron',
    'webhooks',
  ])
})

for (const fn of functions) {
  Deno.test(`${fn.name}: resolves every import with the import map the CLI picks`, async () => {
    // Fill the cache first (a no-op when `deno check` already did), then resolve offline.
    const cache = ['cache', '--no-config', '--no-lock', '--quiet']
    if (fn.importMap) cache.push('--import-map', fn.importMap)
    await new Deno.Command(Deno.execPath(), { args: [...cache, fn.entrypoint] }).output()

    const graph = await resolveFunctionGraph(fn, offline)
    assert.deepEqual(
      graph.problems,
      [],
      `import map: ${fn.importMap ?? 'none'} (${fn.importMapSource})`,
    )
    assert.ok(graph.npmPackages.length > 0, 'the graph includes its npm packages')
    const outside = graph.localFiles.filter((file) =>
      !file.startsWith(functionsDir + sep) && file !== functionsDir
    ).map((file) => relative(repoRoot, file))
    assert.deepEqual(outside, [], 'local modules outside supabase/functions/ are not uploaded')
  })
}
