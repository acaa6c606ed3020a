import assert from 'node:assert/strict'
import { containsPattern } from '../../../../../../supabase/functions/_shared/contacts/list-synced.ts'

Deno.test('list-synced: LIKE wildcards and the escape character in a search match literally', () => {
  assert.equal(containsPattern('ann'), '%ann%')
  assert.equal(containsPattern('100%'), '%100\\%%')
  assert.equal(containsPattern('a_b'), '%a\\_b%')
  assert.equal(containsPattern('back\\slash'), '%back\\\\slash%')
  assert.equal(containsPattern("' or 1=1 --"), "%' or 1=1 --%")
})
