import assert from 'node:assert/strict'
import { createLocalJWKSet } from 'jose'
import { generateSigningKey, mintUserJwt, publicJwks } from '../../../../../../scripts/local/jwt.ts'
import {
  jwksUrl,
  verifySupabaseJwt,
  verifyUserJwt,
} from '../../../../../../supabase/functions/_shared/auth/verify-jwt.ts'
import { UnauthorizedError } from '../../../../../../supabase/functions/_shared/http/errors.ts'

const key = await generateSigningKey()
const keys = { jwks: createLocalJWKSet(publicJwks(key)) }
const sub = '0f8fad5b-d9cb-469f-a165-70867728950e'
const supabaseUrl = 'https://abc.supabase.co'
const issuer = `${supabaseUrl}/auth/v1`

Deno.test('verifySupabaseJwt: accepts any role and audience, as the platform gateway does', async () => {
  const token = await mintUserJwt({ key, sub, role: 'anon', audience: 'anything' })
  const payload = await verifySupabaseJwt(token, keys)
  assert.equal(payload.role, 'anon')
})

Deno.test('verifyUserJwt: returns the claims, extra ones included', async () => {
  const token = await mintUserJwt({
    key,
    supabaseUrl,
    sub,
    email: 'a@example.com',
    appMetadata: { provider: 'email' },
    claims: { custom: 1 },
  })
  const claims = await verifyUserJwt(token, keys, issuer)
  assert.equal(claims.sub, sub)
  assert.equal(claims.email, 'a@example.com')
  assert.deepEqual(claims.app_metadata, { provider: 'email' })
  assert.equal(claims.custom, 1)
})

Deno.test('verifyUserJwt: accepts fixed, non-RFC test uuids that Postgres accepts', async () => {
  const token = await mintUserJwt({ key, supabaseUrl, sub: '00000000-0000-0000-0000-000000000001' })
  assert.equal(
    (await verifyUserJwt(token, keys, issuer)).sub,
    '00000000-0000-0000-0000-000000000001',
  )
})

Deno.test('verifyUserJwt: with no keys at all, every token is refused', async () => {
  const token = await mintUserJwt({ key, supabaseUrl, sub })
  await assert.rejects(() => verifyUserJwt(token, {}, issuer), UnauthorizedError)
})

Deno.test('verifyUserJwt: a token issued by another project is refused, though our key signed it', async () => {
  const token = await mintUserJwt({ key, sub, supabaseUrl: 'https://other.supabase.co' })
  await assert.rejects(() => verifyUserJwt(token, keys, issuer), UnauthorizedError)
})

Deno.test('verifyUserJwt: a token without iss is refused', async () => {
  const token = await mintUserJwt({ key, supabaseUrl, sub, claims: { iss: undefined } })
  assert.equal(JSON.parse(atob(token.split('.')[1])).iss, undefined)
  await assert.rejects(() => verifyUserJwt(token, keys, issuer), UnauthorizedError)
})

Deno.test('jwksUrl: the Supabase discovery path on the project URL', () => {
  assert.equal(
    jwksUrl('https://abc.supabase.co').href,
    'https://abc.supabase.co/auth/v1/.well-known/jwks.json',
  )
})
