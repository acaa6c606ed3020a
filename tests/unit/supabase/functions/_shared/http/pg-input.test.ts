import assert from 'node:assert/strict'
import {
  findUnstorableText,
  pgTextProblem,
  pgTimestamp,
} from '../../../../../../supabase/functions/_shared/http/pg-input.ts'

Deno.test('pgTextProblem: refuses U+0000 and unpaired surrogates, keeps the rest', () => {
  assert.equal(pgTextProblem('a\u0000'), 'must not contain U+0000')
  assert.equal(pgTextProblem('\ud800'), 'must not contain unpaired surrogates')
  assert.equal(pgTextProblem('x\udfff'), 'must not contain unpaired surrogates')
  for (const fine of ['', 'Zoë', '🙂', 'a\tb\nc', '\u0001', '\uffff']) {
    assert.equal(pgTextProblem(fine), undefined, JSON.stringify(fine))
  }
})

Deno.test('findUnstorableText: walks arrays, objects and keys; leaves non-text alone', () => {
  assert.deepEqual(findUnstorableText({ a: [1, { b: 'x\u0000' }] }), {
    path: 'a.1.b',
    message: 'must not contain U+0000',
  })
  assert.equal(findUnstorableText({ a: [1, null, true, { b: 'fine' }], d: new Date(0) }), undefined)
  assert.equal(
    findUnstorableText({ '\ud800': 1 })?.message,
    'a key must not contain unpaired surrogates',
  )
})

Deno.test('pgTimestamp: only what timestamptz holds', () => {
  const since = pgTimestamp()
  for (
    const ok of [
      '2024-01-01T00:00:00Z',
      '0001-01-01T00:00:00+15:59',
      '9999-12-31T23:59:59.999999-15:59',
      '2024-02-29T12:00:00.5+01:00',
    ]
  ) assert.ok(since.safeParse(ok).success, ok)
  for (
    const bad of [
      '0000-01-01T00:00:00Z', // Postgres has no year 0
      '2024-13-01T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-01-01T00:00:00+16:00', // time zone displacement out of range
      '2024-01-01T00:00:00-23:59',
      '294277-01-01T00:00:00Z',
      '2024-01-01',
    ]
  ) assert.equal(since.safeParse(bad).success, false, bad)
  const cursor = pgTimestamp({ precision: 6 })
  assert.ok(cursor.safeParse('2024-01-01T00:00:00.123456Z').success)
  assert.equal(cursor.safeParse('2024-13-01T00:00:00.123456Z').success, false)
  assert.equal(cursor.safeParse('0000-01-01T00:00:00.000000Z').success, false)
  assert.equal(cursor.safeParse('2024-01-01T00:00:00.123Z').success, false)
})

Deno.test('findUnstorableText: a body nested 100,000 levels deep is walked without overflowing', () => {
  const depth = 100_000
  const deep = JSON.parse('{"a":'.repeat(depth) + '"\\u0000"' + '}'.repeat(depth))
  const found = findUnstorableText(deep)
  assert.equal(found?.message, 'must not contain U+0000')
  assert.equal(found?.path.split('.').length, depth)
  assert.equal(findUnstorableText(JSON.parse('['.repeat(depth) + ']'.repeat(depth))), undefined)
})
