import assert from 'node:assert/strict'
import {
  parseRetryAfter,
  retryDelaySeconds,
} from '../../../../../../supabase/functions/_shared/alerts/backoff.ts'

const policy = { baseSeconds: 30, maxSeconds: 3600 }

Deno.test('backoff: the wait doubles per attempt, between half and all of base * 2^(n-1)', () => {
  for (const [attempt, full] of [[1, 30], [2, 60], [3, 120], [4, 240], [5, 480]]) {
    assert.equal(retryDelaySeconds(attempt, policy, undefined, () => 0), full / 2)
    assert.equal(retryDelaySeconds(attempt, policy, undefined, () => 0.999999), full)
  }
})

Deno.test('backoff: jitter spreads the waits of deliveries that failed together', () => {
  const waits = new Set(Array.from({ length: 50 }, () => retryDelaySeconds(6, policy)))
  assert.ok(waits.size > 10, `only ${waits.size} distinct waits`)
  for (const wait of waits) assert.ok(wait >= 480 && wait <= 960, String(wait))
})

Deno.test('backoff: the wait never exceeds the cap', () => {
  assert.equal(retryDelaySeconds(30, policy, undefined, () => 0.999999), 3600)
  assert.equal(retryDelaySeconds(30, policy, undefined, () => 0), 1800)
})

Deno.test("backoff: a longer Retry-After is honoured, within the cap; a shorter one isn't", () => {
  assert.equal(retryDelaySeconds(1, policy, 600, () => 0), 600)
  assert.equal(retryDelaySeconds(1, policy, 5, () => 0), 15)
  assert.equal(retryDelaySeconds(1, policy, 86_400, () => 0), 3600)
})

Deno.test('backoff: Retry-After is read as seconds or as an HTTP date', () => {
  const now = Date.parse('2026-11-25T12:00:00Z')
  assert.equal(parseRetryAfter('120', now), 120)
  assert.equal(parseRetryAfter('Wed, 25 Nov 2026 12:02:00 GMT', now), 120)
  assert.equal(parseRetryAfter('Wed, 25 Nov 2026 11:00:00 GMT', now), 0)
  assert.equal(parseRetryAfter(null, now), undefined)
  assert.equal(parseRetryAfter('soon', now), undefined)
})
