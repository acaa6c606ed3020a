import assert from 'node:assert/strict'
import { join } from 'node:path'
import { discoverFunctions, readVerifyJwt } from '../../../../scripts/local/gateway.ts'
import { generateSigningKey, mintUserJwt } from '../../../../scripts/local/jwt.ts'
import { repoRoot, startTestGateway, type TestGateway } from '../../../helpers/gateway.ts'
import { captureLogs } from '../../../helpers/logs.ts'

const fixtures = join(repoRoot, 'tests', 'helpers', 'fixtures')
const functionsDir = join(fixtures, 'functions')
const configTomlPath = join(fixtures, 'config.toml')
const sub = '3e1d7c2a-5b6f-4e8d-9c0a-1b2c3d4e5f60'

async function withGateway(run: (gateway: TestGateway) => Promise<void>): Promise<void> {
  const logs = captureLogs()
  const gateway = await startTestGateway({ functionsDir, configTomlPath })
  try {
    await run(gateway)
  } finally {
    await gateway.close()
    logs.restore()
  }
}

async function assertErrorJson(response: Response, status: number, code: string): Promise<void> {
  assert.equal(response.status, status)
  assert.equal((await response.json()).error.code, code)
}

Deno.test('gateway: functions are folders with app.ts, not starting with _', async () => {
  assert.deepEqual(await discoverFunctions(functionsDir), ['broken', 'echo', 'limited', 'open'])
})

Deno.test('gateway: verify_jwt comes from config.toml and defaults to true', async () => {
  const verify = await readVerifyJwt(configTomlPath, ['echo', 'open'])
  assert.equal(verify.get('echo'), true)
  assert.equal(verify.get('open'), false)
  const real = await readVerifyJwt(join(repoRoot, 'supabase', 'config.toml'), ['integrations'])
  assert.equal(real.get('integrations'), true)
})

Deno.test('gateway: serves the public JWKS of the local key', async () => {
  await withGateway(async (gateway) => {
    const response = await gateway.request('/auth/v1/.well-known/jwks.json')
    assert.equal(response.status, 200)
    const jwks = await response.json()
    assert.deepEqual(jwks.keys.map((jwk: { kid: string }) => jwk.kid), [gateway.key.kid])
    assert.equal(jwks.keys[0].d, undefined)
  })
})

Deno.test('gateway: forwards with a valid token; the function sees /<name>/... and the query', async () => {
  await withGateway(async (gateway) => {
    const token = await gateway.mint({ sub })
    const response = await gateway.request('/functions/v1/echo/a/b?x=1', { token })
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), {
      method: 'GET',
      path: '/echo/a/b',
      query: { x: '1' },
      authorization: true,
      supabase_url: gateway.url,
    })
  })
})

Deno.test('gateway: verify_jwt refuses missing, expired and foreign tokens with JSON 401', async () => {
  await withGateway(async (gateway) => {
    const other = await generateSigningKey()
    const tokens = [
      undefined,
      'not-a-jwt',
      await gateway.mint({ sub, expiresIn: -120 }),
      await mintUserJwt({ key: other, sub }),
    ]
    for (const token of tokens) {
      const response = await gateway.request('/functions/v1/echo/x', { token })
      assert.equal(response.headers.get('access-control-allow-origin'), '*')
      await assertErrorJson(response, 401, 'unauthorized')
    }
  })
})

Deno.test('gateway: verify_jwt = false lets calls without a token through', async () => {
  await withGateway(async (gateway) => {
    const response = await gateway.request('/functions/v1/open/ping')
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { ok: true })
  })
})

Deno.test('gateway: CORS preflight reaches the function without a token', async () => {
  await withGateway(async (gateway) => {
    const response = await gateway.request('/functions/v1/echo/x', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    })
    assert.equal(response.status, 204)
    assert.equal(response.headers.get('access-control-allow-origin'), '*')
    await response.body?.cancel()
  })
})

Deno.test('gateway: unknown functions and paths are JSON 404s', async () => {
  await withGateway(async (gateway) => {
    for (
      const path of [
        '/functions/v1/nope',
        '/functions/v1/_shared/app',
        '/functions/v1/no-app',
        '/rest/v1/x',
      ]
    ) {
      await assertErrorJson(await gateway.request(path), 404, 'not_found')
    }
  })
})

Deno.test('gateway: a function that fails to load is 503 boot_error, others still serve', async () => {
  await withGateway(async (gateway) => {
    await assertErrorJson(await gateway.request('/functions/v1/broken'), 503, 'boot_error')
    assert.equal((await gateway.request('/functions/v1/open/ping').then((r) => r.json())).ok, true)
  })
})

Deno.test("gateway: serves the repo's functions, integrations among them", async () => {
  await withGateway(() => Promise.resolve())
  const logs = captureLogs()
  const gateway = await startTestGateway()
  try {
    assert.ok(gateway.functions.includes('integrations'))
    await assertErrorJson(
      await gateway.request('/functions/v1/integrations/businesses'),
      401,
      'unauthorized',
    )
  } finally {
    await gateway.close()
    logs.restore()
  }
})
