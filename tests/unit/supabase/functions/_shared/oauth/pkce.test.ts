import assert from 'node:assert/strict'
import {
  codeChallengeS256,
  codeVerifierPattern,
  createCodeVerifier,
} from '../../../../../../supabase/functions/_shared/oauth/pkce.ts'

Deno.test('pkce: verifiers are 43 to 128 characters of A-Z a-z 0-9 - _ only, never ~', () => {
  for (const bytes of [32, 48, 64, 96]) {
    for (let i = 0; i < 50; i++) {
      const verifier = createCodeVerifier(bytes)
      assert.match(verifier, /^[A-Za-z0-9_-]+$/)
      assert.ok(!verifier.includes('~'))
      assert.ok(verifier.length >= 43 && verifier.length <= 128, `${verifier.length} chars`)
      assert.match(verifier, codeVerifierPattern)
    }
  }
  assert.equal(createCodeVerifier(32).length, 43)
  assert.equal(createCodeVerifier(96).length, 128)
})

Deno.test('pkce: refuses byte lengths that would leave the RFC 7636 range', () => {
  for (const bytes of [0, 31, 97, 1.5]) {
    assert.throws(() => createCodeVerifier(bytes), RangeError)
  }
})

Deno.test('pkce: every verifier is fresh', () => {
  const seen = new Set(Array.from({ length: 200 }, () => createCodeVerifier()))
  assert.equal(seen.size, 200)
})

Deno.test('pkce: the S256 challenge matches RFC 7636 appendix B', async () => {
  assert.equal(
    await codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
    'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  )
})
