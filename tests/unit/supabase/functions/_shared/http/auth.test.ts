import assert from 'node:assert/strict'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import {
  generateSigningKey,
  mintUserJwt,
  publicJwks,
  type SigningKey,
} from '../../../../../../scripts/local/jwt.ts'
import { createApp } from '../../../../../../supabase/functions/_shared/http/app.ts'
import { requireUser } from '../../../../../../supabase/functions/_shared/http/auth.ts'
import { setEnv } from '../../../../../helpers/env.ts'
import { hs256Jwt, unsignedJwt, userClaims } from '../../../../../helpers/jwt.ts'
import { serveJwks } from '../../../../../helpers/jwks-server.ts'
import { captureLogs } from '../../../../../helpers/logs.ts'

const userId = '5b0c7f7e-3a0e-4a4e-9a53-2c8b1c1d2e3f'
// Each test starts from a project on asymmetric keys only, issuer derived from SUPABASE_URL.
const noLegacySecret = {
  LEGACY_JWT_SECRET: undefined,
  SUPABASE_JWT_SECRET: undefined,
  JWT_ISSUER: undefined,
}
const legacySecret = 'super-secret-jwt-token-with-at-least-32-characters-long'

function testApp() {
  const app = createApp('me')
  app.get(
    '/',
    requireUser(),
    (c) => c.json({ userId: c.var.userId, email: c.var.claims.email, role: c.var.claims.role }),
  )
  return app
}

/** Runs `body` with a JWKS server for `key` as SUPABASE_URL, logs captured. */
async function withProject(
  key: SigningKey,
  body: (call: (token?: string, scheme?: string) => Promise<Response>) => Promise<void>,
  env: Record<string, string | undefined> = {},
): Promise<void> {
  const jwks = serveJwks(publicJwks(key))
  const restore = setEnv({ SUPABASE_URL: jwks.url, ...noLegacySecret, ...env })
  const logs = captureLogs()
  try {
    await body(async (token, scheme = 'Bearer') =>
      await testApp().request(
        '/me',
        token ? { headers: { authorization: `${scheme} ${token}` } } : {},
      )
    )
  } finally {
    logs.restore()
    restore()
    await jwks.close()
  }
}

async function assertUnauthorized(response: Response, message?: RegExp): Promise<void> {
  assert.equal(response.status, 401)
  assert.equal(response.headers.get('www-authenticate'), 'Bearer')
  const body = await response.json()
  assert.equal(body.error.code, 'unauthorized')
  if (message) assert.match(body.error.message, message)
}

const key = await generateSigningKey()

Deno.test("requireUser: a valid ES256 user token from the project's JWKS passes", async () => {
  await withProject(key, async (call) => {
    const response = await call(await mintUserJwt({ key, sub: userId, email: 'ann@example.com' }))
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), {
      userId,
      email: 'ann@example.com',
      role: 'authenticated',
    })
  })
})

Deno.test('requireUser: no token is 401', async () => {
  await withProject(key, async (call) => {
    await assertUnauthorized(await call(), /Missing bearer token/)
  })
})

Deno.test('requireUser: a non-bearer scheme is 401', async () => {
  await withProject(key, async (call) => {
    await assertUnauthorized(await call(await mintUserJwt({ key, sub: userId }), 'Basic'))
  })
})

Deno.test('requireUser: garbage in place of a token is 401, not 500', async () => {
  await withProject(key, async (call) => {
    for (const token of ['abc', 'a.b.c', 'eyJhbGciOiJFUzI1NiJ9.%%%.x', 'sb_publishable_abc']) {
      await assertUnauthorized(await call(token))
    }
  })
})

Deno.test('requireUser: an expired token is 401', async () => {
  await withProject(key, async (call) => {
    await assertUnauthorized(
      await call(await mintUserJwt({ key, sub: userId, expiresIn: -120 })),
      /expired/,
    )
  })
})

Deno.test('requireUser: a token just past exp passes within the clock tolerance', async () => {
  await withProject(key, async (call) => {
    assert.equal((await call(await mintUserJwt({ key, sub: userId, expiresIn: -3 }))).status, 200)
  })
})

Deno.test('requireUser: a token signed by another key is 401', async () => {
  const other = await generateSigningKey()
  await withProject(key, async (call) => {
    // Unknown kid, and the other key passing itself off under our kid.
    await assertUnauthorized(await call(await mintUserJwt({ key: other, sub: userId })))
    const impostor = { ...other, kid: key.kid }
    await assertUnauthorized(await call(await mintUserJwt({ key: impostor, sub: userId })))
  })
})

Deno.test('requireUser: alg none is 401', async () => {
  await withProject(key, async (call) => {
    await assertUnauthorized(await call(unsignedJwt(userClaims(userId))), /algorithm/)
  })
})

Deno.test('requireUser: the wrong audience is 401', async () => {
  await withProject(key, async (call) => {
    await assertUnauthorized(await call(await mintUserJwt({ key, sub: userId, audience: 'anon' })))
  })
})

Deno.test('requireUser: anon and service_role tokens are not user tokens', async () => {
  await withProject(key, async (call) => {
    for (const role of ['anon', 'service_role']) {
      await assertUnauthorized(await call(await mintUserJwt({ key, sub: userId, role })))
    }
  })
})

Deno.test('requireUser: a sub that is not a uuid is 401', async () => {
  await withProject(key, async (call) => {
    await assertUnauthorized(await call(await mintUserJwt({ key, sub: 'user-1' })))
  })
})

Deno.test('requireUser: a token without exp is 401', async () => {
  await withProject(key, async (call) => {
    const token = await new SignJWT({ sub: userId, role: 'authenticated', aud: 'authenticated' })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .sign(key.privateKey)
    await assertUnauthorized(await call(token))
  })
})

Deno.test('requireUser: RS256 keys from the JWKS are accepted too', async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }
  const rsaKey: SigningKey = { kid: 'rsa-1', privateKey, publicJwk }
  await withProject(rsaKey, async (call) => {
    const token = await new SignJWT(userClaims(userId))
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .sign(privateKey)
    assert.equal((await call(token)).status, 200)
  })
})

Deno.test('requireUser: HS256 passes only when the legacy secret is configured', async () => {
  await withProject(key, async (call) => {
    const token = await hs256Jwt(userClaims(userId), legacySecret)
    await assertUnauthorized(await call(token), /algorithm/)
  })
  await withProject(key, async (call) => {
    assert.equal((await call(await hs256Jwt(userClaims(userId), legacySecret))).status, 200)
    const forged = await hs256Jwt(userClaims(userId), `${legacySecret}-but-not-quite`)
    await assertUnauthorized(await call(forged))
    await assertUnauthorized(
      await call(await hs256Jwt(userClaims(userId, { aud: 'other' }), legacySecret)),
    )
  }, { LEGACY_JWT_SECRET: legacySecret })
})

Deno.test('requireUser: SUPABASE_JWT_SECRET still works as the legacy secret when LEGACY_JWT_SECRET is unset', async () => {
  await withProject(key, async (call) => {
    assert.equal((await call(await hs256Jwt(userClaims(userId), legacySecret))).status, 200)
  }, { SUPABASE_JWT_SECRET: legacySecret })
})

Deno.test('requireUser: LEGACY_JWT_SECRET wins over SUPABASE_JWT_SECRET', async () => {
  await withProject(key, async (call) => {
    assert.equal((await call(await hs256Jwt(userClaims(userId), legacySecret))).status, 200)
  }, { LEGACY_JWT_SECRET: legacySecret, SUPABASE_JWT_SECRET: `${legacySecret}-stale-one` })
})

Deno.test('requireUser: a token from another issuer is 401, whatever key signed it', async () => {
  await withProject(key, async (call) => {
    const foreign = 'https://other-project.supabase.co/auth/v1'
    await assertUnauthorized(
      await call(await mintUserJwt({ key, sub: userId, claims: { iss: foreign } })),
    )
    await assertUnauthorized(
      await call(await hs256Jwt(userClaims(userId, { iss: foreign }), legacySecret)),
    )
  }, { LEGACY_JWT_SECRET: legacySecret })
})

Deno.test('requireUser: a token without iss is 401', async () => {
  await withProject(key, async (call) => {
    await assertUnauthorized(
      await call(await mintUserJwt({ key, sub: userId, claims: { iss: undefined } })),
    )
    await assertUnauthorized(
      await call(await hs256Jwt(userClaims(userId, { iss: undefined }), legacySecret)),
    )
  }, { LEGACY_JWT_SECRET: legacySecret })
})

Deno.test('requireUser: JWT_ISSUER names the issuer when SUPABASE_URL is not what tokens name', async () => {
  const issuer = 'http://127.0.0.1:54321/auth/v1'
  await withProject(key, async (call) => {
    assert.equal(
      (await call(await mintUserJwt({ key, sub: userId, claims: { iss: issuer } }))).status,
      200,
    )
    // The issuer derived from SUPABASE_URL is no longer accepted.
    await assertUnauthorized(await call(await mintUserJwt({ key, sub: userId })))
  }, { JWT_ISSUER: issuer })
})

Deno.test('requireUser: an unreachable JWKS is 503, not 401 or 500', async () => {
  // A port that was just free: connection refused, as when the auth service is down.
  const closed = serveJwks(publicJwks(key))
  await closed.close()
  const restore = setEnv({ SUPABASE_URL: closed.url, ...noLegacySecret })
  const logs = captureLogs()
  try {
    const token = await mintUserJwt({ key, sub: userId })
    const response = await testApp().request('/me', {
      headers: { authorization: `Bearer ${token}` },
    })
    assert.equal(response.status, 503)
    assert.equal((await response.json()).error.code, 'service_unavailable')
  } finally {
    logs.restore()
    restore()
  }
})

Deno.test('requireUser: the JWKS is fetched once and cached per URL', async () => {
  const jwks = serveJwks(publicJwks(key))
  const restore = setEnv({ SUPABASE_URL: jwks.url, ...noLegacySecret })
  const logs = captureLogs()
  try {
    for (let i = 0; i < 3; i++) {
      const token = await mintUserJwt({ key, sub: userId })
      const response = await testApp().request('/me', {
        headers: { authorization: `Bearer ${token}` },
      })
      assert.equal(response.status, 200)
      await response.body?.cancel()
    }
    assert.equal(jwks.hits(), 1)
  } finally {
    logs.restore()
    restore()
    await jwks.close()
  }
})
