import assert from 'node:assert/strict'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import {
  generateSigningKey,
  loadOrCreateSigningKey,
  mintUserJwt,
  publicJwks,
} from '../../../../scripts/local/jwt.ts'

const sub = '8a3c8d53-7c1a-4c0e-b7a4-2f8e2f9d0e11'

Deno.test("jwt: minted tokens carry Supabase's access-token claims", async () => {
  const key = await generateSigningKey()
  const token = await mintUserJwt({
    key,
    sub,
    email: 'ann@example.com',
    expiresIn: 600,
    supabaseUrl: 'http://127.0.0.1:54321',
  })
  assert.deepEqual(decodeProtectedHeader(token), { alg: 'ES256', kid: key.kid, typ: 'JWT' })
  const { payload } = await jwtVerify(token, createLocalJWKSet(publicJwks(key)), {
    issuer: 'http://127.0.0.1:54321/auth/v1',
    audience: 'authenticated',
  })
  assert.equal(payload.sub, sub)
  assert.equal(payload.email, 'ann@example.com')
  assert.equal(payload.role, 'authenticated')
  assert.equal(payload.aal, 'aal1')
  assert.equal(payload.is_anonymous, false)
  assert.equal(typeof payload.session_id, 'string')
  assert.equal(payload.exp! - payload.iat!, 600)
  assert.deepEqual(payload.app_metadata, { provider: 'email', providers: ['email'] })
  assert.deepEqual(payload.user_metadata, {})
})

Deno.test('jwt: the public JWKS has kid, alg and use, and no private part', async () => {
  const key = await generateSigningKey()
  const [jwk] = publicJwks(key).keys
  assert.equal(jwk.kid, key.kid)
  assert.equal(jwk.alg, 'ES256')
  assert.equal(jwk.use, 'sig')
  assert.equal(jwk.kty, 'EC')
  assert.equal(jwk.d, undefined)
})

Deno.test("jwt: the stack's key is created once, persisted, and reloaded", async () => {
  const stateDir = await Deno.makeTempDir()
  try {
    const [a, b] = await Promise.all([
      loadOrCreateSigningKey(stateDir),
      loadOrCreateSigningKey(stateDir),
    ])
    assert.equal(a.kid, b.kid)
    const again = await loadOrCreateSigningKey(stateDir)
    assert.equal(again.kid, a.kid)
    const file = `${stateDir}/keys/signing-key.json`
    assert.equal((await Deno.stat(file)).mode! & 0o077, 0)
    const leftovers = [...Deno.readDirSync(`${stateDir}/keys`)].map((entry) => entry.name)
    assert.deepEqual(leftovers, ['signing-key.json'])
    // A token minted with the persisted key verifies against the JWKS of the reloaded one.
    const token = await mintUserJwt({ key: a, sub })
    await jwtVerify(token, createLocalJWKSet(publicJwks(again)))
  } finally {
    await Deno.remove(stateDir, { recursive: true })
  }
})

Deno.test('jwt: mint-jwt CLI prints a token for --sub', async () => {
  const stateDir = await Deno.makeTempDir()
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        'run',
        '-A',
        new URL('../../../../scripts/local/mint-jwt.ts', import.meta.url).pathname,
        '--sub',
        sub,
        '--email',
        'cli@example.com',
        '--expires-in',
        '60',
      ],
      env: { STATE_DIR: stateDir },
    }).output()
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr))
    const token = new TextDecoder().decode(output.stdout).trim()
    const key = await loadOrCreateSigningKey(stateDir)
    const { payload } = await jwtVerify(token, createLocalJWKSet(publicJwks(key)))
    assert.equal(payload.sub, sub)
    assert.equal(payload.email, 'cli@example.com')
    assert.equal(payload.exp! - payload.iat!, 60)

    const usage = await new Deno.Command(Deno.execPath(), {
      args: [
        'run',
        '-A',
        new URL('../../../../scripts/local/mint-jwt.ts', import.meta.url).pathname,
      ],
      env: { STATE_DIR: stateDir },
      stderr: 'piped',
    }).output()
    assert.equal(usage.code, 2)
  } finally {
    await Deno.remove(stateDir, { recursive: true })
  }
})
