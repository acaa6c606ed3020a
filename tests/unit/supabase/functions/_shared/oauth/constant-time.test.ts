import assert from 'node:assert/strict'
import { constantTimeEqual } from '../../../../../../supabase/functions/_shared/oauth/constant-time.ts'

Deno.test('constantTimeEqual: equal only for identical strings', () => {
  assert.equal(constantTimeEqual('abc', 'abc'), true)
  assert.equal(constantTimeEqual('', ''), true)
  assert.equal(constantTimeEqual('abc', 'abd'), false)
  assert.equal(constantTimeEqual('abc', 'ab'), false)
  assert.equal(constantTimeEqual('ab', 'abc'), false)
  assert.equal(constantTimeEqual('é', 'e'), false)
})
