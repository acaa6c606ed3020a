import assert from 'node:assert/strict'
import { parseSoql } from '../../../../../../../scripts/sandbox/salesforce/soql/parser.ts'
import { tokenize } from '../../../../../../../scripts/sandbox/salesforce/soql/lexer.ts'
import {
  contactsByIdParts,
  contactsByIdSoql,
  remotePageSoql,
} from '../../../../../../../supabase/functions/_shared/providers/salesforce/contact-soql.ts'
import {
  containsSearch,
  searchNeedsRecheck,
  soqlContains,
  soqlString,
} from '../../../../../../../supabase/functions/_shared/providers/salesforce/soql.ts'

// The sandbox's SOQL lexer reads string literals by Salesforce's escape rules; a literal we
// write must come back out of it as exactly one string token holding the original value.
function readBack(literal: string): string {
  const tokens = tokenize(literal)
  assert.equal(tokens.length, 2, `one token for ${literal}`)
  const [token] = tokens
  assert.equal(token.kind, 'string')
  return token.kind === 'string' ? token.value : ''
}

const hostile = [
  "O'Brien",
  "' OR Name != '",
  "\\' OR Name != '",
  'back\\slash',
  'trailing\\',
  '\\\\',
  "''",
  'tab\there',
  'line\nbreak',
  'naïve Zoë 東京',
]

Deno.test('contact-soql: soqlString escapes quotes and backslashes so values round-trip', () => {
  assert.equal(soqlString("O'Brien"), "'O\\'Brien'")
  assert.equal(soqlString('a\\b'), "'a\\\\b'")
  for (const value of hostile) assert.equal(readBack(soqlString(value)), value, value)
})

Deno.test('contact-soql: soqlString leaves LIKE wildcards alone (they mean nothing outside LIKE)', () => {
  assert.equal(soqlString('100%_'), "'100%_'")
})

Deno.test('contact-soql: soqlContains escapes % and _ so they match literally', () => {
  assert.equal(soqlContains('100%'), "'%100\\%%'")
  assert.equal(soqlContains('a_b'), "'%a\\_b%'")
  assert.equal(soqlContains("it's"), "'%it\\'s%'")
  // After the lexer: the wildcards we add stay bare, the caller's are escaped.
  assert.equal(readBack(soqlContains('5%_x')), '%5\\%\\_x%')
})

Deno.test('contact-soql: no backslash reaches a LIKE pattern except to escape % or _', () => {
  // SOQL defines no LIKE escape for a backslash itself; a backslash in the term becomes `_`.
  assert.equal(soqlContains('a\\b'), "'%a_b%'")
  for (const term of [...hostile, 'ends with\\', '\\%', '\\_', '%\\']) {
    const pattern = readBack(soqlContains(term))
    assert.doesNotMatch(pattern, /\\(?![%_])/, JSON.stringify(term))
  }
})

Deno.test('contact-soql: a search with a backslash is rechecked, literally and without case', () => {
  assert.equal(searchNeedsRecheck('plain'), false)
  assert.equal(searchNeedsRecheck("O'Brien 100%_"), false)
  assert.equal(searchNeedsRecheck('a\\b'), true)
  assert.equal(containsSearch('Bea Back\\slash', 'back\\s'), true)
  assert.equal(containsSearch('Bea Backxslash', 'back\\s'), false)
  assert.equal(containsSearch(null, 'x'), false)
})

Deno.test('contact-soql: control characters SOQL cannot escape are refused, not sent', () => {
  for (const value of ['nul\u0000', 'vt\u000b', 'esc\u001b', 'del\u007f', 'c1\u0085']) {
    assert.throws(() => soqlString(value), RangeError, JSON.stringify(value))
    assert.throws(() => soqlContains(value), RangeError, JSON.stringify(value))
  }
})

Deno.test('contact-soql: an injection attempt stays inside its literal', () => {
  for (const search of hostile) {
    const soql = remotePageSoql({ limit: 10, search })
    const query = parseSoql(soql)
    // Exactly one condition: an OR of two LIKEs; no extra clause leaked out of the string.
    const where = query.where
    assert.equal(where?.kind, 'or', search)
    if (where?.kind === 'or') {
      assert.deepEqual(where.items.map((item) => item.kind), ['like', 'like'], search)
    }
    assert.equal(query.limit, 10)
  }
})

Deno.test('contact-soql: the remote page query orders by Id and keysets on it', () => {
  assert.equal(
    remotePageSoql({ limit: 201, afterId: '003RO0000035WQgYAM', search: 'ann' }),
    'SELECT Id, FirstName, LastName, Name, Email, Phone, MobilePhone, Title, Department, ' +
      "AccountId, Account.Name FROM Contact WHERE Id > '003RO0000035WQgYAM' AND " +
      "(Name LIKE '%ann%' OR Email LIKE '%ann%') ORDER BY Id LIMIT 201",
  )
  assert.match(remotePageSoql({ limit: 1 }), /FROM Contact ORDER BY Id LIMIT 1$/)
})

Deno.test('contact-soql: the builders refuse what the routes should have refused', () => {
  assert.throws(() => remotePageSoql({ limit: 0 }), RangeError)
  assert.throws(() => remotePageSoql({ limit: 2001 }), RangeError)
  assert.throws(() => remotePageSoql({ limit: 10, afterId: "x' OR Id != '" }), RangeError)
  // A 15-character or wrongly cased id is not a canonical cursor position.
  assert.throws(() => remotePageSoql({ limit: 10, afterId: '003RO0000035WQg' }), RangeError)
  assert.throws(() => contactsByIdSoql([]), RangeError)
})

Deno.test('contact-soql: contactsByIdSoql is its three parts around the quoted ids', () => {
  const ids = ['003RO0000035WQgYAM', '003RO0000035WQhYAM']
  const soql = contactsByIdSoql(ids)
  const { head, separator, tail } = contactsByIdParts
  assert.equal(soql, `${head}'${ids[0]}'${separator}'${ids[1]}'${tail}`)
  const query = parseSoql(soql)
  assert.equal(query.where?.kind, 'in')
})
