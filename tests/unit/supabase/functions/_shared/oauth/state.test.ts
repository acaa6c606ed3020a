import assert from 'node:assert/strict'
import {
  createState,
  hashState,
  isWellFormedState,
} from '../../../../../../supabase/functions/_shared/oauth/state.ts'

Deno.test('state: 32 random bytes as 43 base64url characters, fresh each time', () => {
  const states = Array.from({ length: 100 }, createState)
  for (const state of states) assert.match(state, /^[A-Za-z0-9_-]{43}$/)
  assert.equal(new Set(states).size, 100)
})

Deno.test('state: only our shape is accepted before any lookup', () => {
  assert.ok(isWellFormedState(createState()))
  for (const value of [undefined, '', 'short', `${createState()}x`, `${createState().slice(1)}~`]) {
    assert.equal(isWellFormedState(value), false, String(value))
  }
})

Deno.test('state: stored as its SHA-256 (32 bytes), never as itself', async () => {
  const state = createState()
  const hash = await hashState(state)
  assert.equal(hash.length, 32)
  assert.deepEqual(hash, await hashState(state))
  assert.notDeepEqual(hash, await hashState(createState()))
})
