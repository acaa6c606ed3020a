import assert from 'node:assert/strict'
import {
  idChecksum,
  toContactId18,
  toId18,
} from '../../../../../../../supabase/functions/_shared/providers/salesforce/ids.ts'

// Test vectors from the facts sheet (§10.3), verified there against Salesforce's algorithm.
const vectors: Array<[string, string]> = [
  ['001D000000IRFma', '001D000000IRFmaIAH'],
  ['003RO0000035WQg', '003RO0000035WQgYAM'],
  ['70130000001tcyI', '70130000001tcyIAAQ'],
  ['a0BA0000000L2ZC', 'a0BA0000000L2ZCMA0'],
  ['AaaAABbbBBCccCC', 'AaaAABbbBBCccCCZZZ'],
]

Deno.test('contact-id: the checksum of a 15-character id matches the known vectors', () => {
  for (const [id15, id18] of vectors) {
    assert.equal(idChecksum(id15), id18.slice(15), id15)
    assert.equal(toId18(id15), id18, id15)
  }
})

Deno.test('contact-id: an 18-character id normalises to itself', () => {
  for (const [, id18] of vectors) assert.equal(toId18(id18), id18)
})

Deno.test('contact-id: an 18-character id is case-safe, not case-insensitive: re-cased, it is refused', () => {
  // Salesforce never uses the suffix to restore a lost case: a re-cased id matches nothing
  // (facts §0.17), so it is not an id we store, compare or send; nothing re-cases it either.
  for (
    const recased of [
      '003ro0000035wqgyam', // lower-cased
      '003RO0000035WQGYAM', // upper-cased
      '003RO0000035WQgyam', // only the suffix lower-cased
      '001d000000irfmaiah',
      'aaaaabbbbbccccczzz', // every letter lower-cased, suffix included
    ]
  ) {
    assert.equal(toId18(recased), undefined, recased)
  }
  // An id whose letters are already all upper case is unchanged by upper-casing, so still valid.
  assert.equal(toId18('AAAAABBBBBCCCCC555'), 'AAAAABBBBBCCCCC555')
})

Deno.test('contact-id: ids are never re-cased, whatever comes in', () => {
  const inputs = [
    ...vectors.flat(),
    '003ro0000035wqgyam',
    '003RO0000035WQGYAM',
    '003ro0000035wqg',
    '003RO0000035WQG',
  ]
  for (const input of inputs) {
    const id = toId18(input)
    if (id !== undefined) assert.equal(id.slice(0, 15), input.slice(0, 15), input)
  }
})

Deno.test('contact-id: 15-character ids are case-sensitive: two cases are two records', () => {
  assert.notEqual(toId18('003RO0000035WQg'), toId18('003RO0000035WQG'))
})

Deno.test('contact-id: refuses what cannot be an id', () => {
  const bad = [
    '',
    '003RO0000035WQ', // 14
    '003RO0000035WQgY', // 16
    '003RO0000035WQgYA', // 17
    '003RO0000035WQgYAMX', // 19
    "003RO0000035WQ'", // quote
    '003RO0000035WQ g',
    '003RO0000035WQgYA9', // 9 is not a checksum character
    '003RO0000035WQgYA_',
    // The suffix marks position 1 (a digit) as upper case: no Salesforce id looks like this.
    '003RO0000035WQgYAN',
    // A suffix that is not the checksum of the 15 characters before it.
    '003RO0000035WQgZZZ',
  ]
  for (const input of bad) assert.equal(toId18(input), undefined, JSON.stringify(input))
})

Deno.test('contact-id: only ids with the Contact prefix 003 are Contact ids', () => {
  assert.equal(toContactId18('003RO0000035WQg'), '003RO0000035WQgYAM')
  assert.equal(toContactId18('001D000000IRFma'), undefined)
  assert.equal(toContactId18('not an id'), undefined)
})
