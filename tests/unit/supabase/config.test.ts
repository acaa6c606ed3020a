// supabase/config.toml's per-function settings are what a deploy needs: every function has its
// own table with verify_jwt as intended, an entrypoint that exists, and the one import map the
// repo's deno.json uses too, so tests type-check against what is deployed.
import assert from 'node:assert/strict'
import { join, resolve } from 'node:path'
import { listDeployedFunctions, repoRoot } from '../../../scripts/deploy/function-config.ts'

// Functions a browser or user app calls with a user JWT keep the gateway's check; the OAuth
// callback (reached by the provider's redirect), sync-cron (called by pg_cron with its own
// secret) and webhooks (providers sign their deliveries) must set it false or the gateway would
// refuse them. A new function belongs here.
const intendedVerifyJwt: Record<string, boolean> = {
  alerts: true,
  authorize: true,
  callback: false,
  contacts: true,
  integrations: true,
  proxy: true,
  'sync-cron': false,
  webhooks: false,
}

const functions = await listDeployedFunctions()
const sharedImportMap = join(repoRoot, 'supabase', 'functions', 'import_map.json')

Deno.test('config.toml sets verify_jwt explicitly for every function, as intended', () => {
  const actual = Object.fromEntries(functions.map((fn) => [fn.name, fn.verifyJwt]))
  assert.deepEqual(actual, intendedVerifyJwt)
  for (const fn of functions) assert.ok(fn.inConfigToml, `[functions.${fn.name}] is missing`)
})

Deno.test('every function has its entrypoint, and config.toml names no missing function', async () => {
  for (const fn of functions) {
    const stat = await Deno.stat(fn.entrypoint).catch(() => undefined)
    assert.ok(stat?.isFile, `${fn.name}: entrypoint ${fn.entrypoint} does not exist`)
  }
})

Deno.test('every function deploys with the one shared import map, from config.toml', async () => {
  for (const fn of functions) {
    assert.equal(fn.importMapSource, 'config.toml', fn.name)
    assert.equal(fn.importMap, sharedImportMap, fn.name)
  }
  const map = JSON.parse(await Deno.readTextFile(sharedImportMap))
  assert.equal(typeof map.imports, 'object')
})

Deno.test("the repo's deno.json resolves through the same import map, and declares none of its own", async () => {
  const denoJson = JSON.parse(await Deno.readTextFile(join(repoRoot, 'deno.json')))
  assert.equal(resolve(repoRoot, denoJson.importMap), sharedImportMap)
  // Deno ignores "importMap" when "imports" or "scopes" is present.
  assert.equal(denoJson.imports, undefined)
  assert.equal(denoJson.scopes, undefined)
})
