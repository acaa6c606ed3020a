// The gateway as the stack runs it (scripts/local/services.sh: `deno run --watch=<functions>,
// <config.toml> scripts/local/gateway.ts`) serves an edited function on the next request, as
// `supabase functions serve` does: a change to a function or to a _shared module it imports.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { repoRoot } from '../../../helpers/gateway.ts'

function freePort(): number {
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 })
  const port = (listener.addr as Deno.NetAddr).port
  listener.close()
  return port
}

/** The function's answer once the gateway serves `expected` (polls while it restarts). */
async function waitForVersion(url: string, expected: number): Promise<number | undefined> {
  let seen: number | undefined
  for (let attempt = 0; attempt < 300 && seen !== expected; attempt++) {
    try {
      const response = await fetch(url)
      if (response.ok) seen = (await response.json()).version
      else await response.body?.cancel()
    } catch {
      // Restarting: nothing listens for a moment.
    }
    if (seen !== expected) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return seen
}

Deno.test('gateway: an edited function or _shared module is what the next request runs', async () => {
  const dir = await Deno.makeTempDir({ prefix: 'gateway-reload-' })
  const functions = join(dir, 'functions')
  await Deno.mkdir(join(functions, 'hello'), { recursive: true })
  await Deno.mkdir(join(functions, '_shared'))
  const configToml = join(dir, 'config.toml')
  await Deno.writeTextFile(configToml, '[functions.hello]\nverify_jwt = false\n')
  const shared = join(functions, '_shared', 'version.ts')
  const app = join(functions, 'hello', 'app.ts')
  await Deno.writeTextFile(shared, 'export const version = 1\n')
  await Deno.writeTextFile(
    app,
    "import { version } from '../_shared/version.ts'\n" +
      'export const app = { fetch: () => Response.json({ version }) }\n',
  )
  const port = freePort()
  const gateway = new Deno.Command(Deno.execPath(), {
    args: [
      'run',
      '-A',
      '--no-clear-screen',
      `--watch=${functions}/,${configToml}`,
      join(repoRoot, 'scripts', 'local', 'gateway.ts'),
    ],
    env: {
      GATEWAY_PORT: String(port),
      GATEWAY_FUNCTIONS_DIR: functions,
      GATEWAY_CONFIG_TOML: configToml,
      SUPABASE_DB_URL: 'postgresql://nobody@127.0.0.1:9/none',
      STATE_DIR: dir,
      NO_COLOR: '1',
    },
    stdout: 'null',
    stderr: 'null',
  }).spawn()
  const url = `http://127.0.0.1:${port}/functions/v1/hello`
  try {
    assert.equal(await waitForVersion(url, 1), 1, 'serves the function as written')
    await Deno.writeTextFile(shared, 'export const version = 2\n')
    assert.equal(await waitForVersion(url, 2), 2, 'a _shared change is picked up')
    await Deno.writeTextFile(
      app,
      'export const app = { fetch: () => Response.json({ version: 3 }) }\n',
    )
    assert.equal(await waitForVersion(url, 3), 3, 'a function change is picked up')
  } finally {
    gateway.kill('SIGTERM')
    await gateway.status
    await Deno.remove(dir, { recursive: true })
  }
})
