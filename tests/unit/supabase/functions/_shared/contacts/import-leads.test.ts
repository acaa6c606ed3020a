import assert from 'node:assert/strict'
import { canonicalSourceIds } from '../../../../../../supabase/functions/_shared/contacts/import-leads.ts'

Deno.test('import-leads: 15- and 18-character spellings of one Contact collapse to one id', () => {
  const ids = canonicalSourceIds([
    '003RO0000035WQg',
    '003RO0000035WQgYAM',
    '001D000000IRFmaIAH'.replace('001', '003'),
  ])
  assert.deepEqual([...ids.keys()], ['003RO0000035WQgYAM', '003D000000IRFmaIAH'])
  assert.equal(ids.get('003RO0000035WQgYAM'), '003RO0000035WQg', 'the first spelling is kept')
})

Deno.test('import-leads: case matters in 15-character ids', () => {
  assert.equal(canonicalSourceIds(['003RO0000035WQg', '003RO0000035WQG']).size, 2)
})

Deno.test('import-leads: a re-cased 18-character id is never re-cased into a valid one', () => {
  assert.throws(() => canonicalSourceIds(['003ro0000035wqgyam']), RangeError)
})
