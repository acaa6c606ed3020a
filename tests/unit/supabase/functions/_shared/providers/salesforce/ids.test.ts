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

Deno.test('contact-id: an 18-character id is case-insensitive; its suffix restores the case', () => {
  assert.equal(toId18('003ro0000035wqgyam'), '003RO0000035WQgYAM')
  assert.equal(toId18('003RO0000035WQGYAM'), '003RO0000035WQgYAM')
  assert.equal(toId18('001d000000irfmaiah'), '001D000000IRFmaIAH')
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
  ]
  for (const input of bad) assert.equal(toId18(input), undefined, JSON.stringify(input))
})

Deno.test('contact-id: only ids with the Contact prefix 003 are Contact ids', () => {
  assert.equal(toContactId18('003RO0000035WQg'), '003RO0000035WQgYAM')
  assert.equal(toContactId18('001D000000IRFma'), undefined)
  assert.equal(toContactId18('not an id'), undefined)
})
