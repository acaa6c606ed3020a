// The SOQL parser: every construct the sandbox supports, and malformed input rejected as Salesforce does.

import assert from 'node:assert/strict'
import { parseSoql } from '../../scripts/sandbox/salesforce/soql/parser.ts'
import { SoqlError } from '../../scripts/sandbox/salesforce/soql/errors.ts'
import type { Condition } from '../../scripts/sandbox/salesforce/soql/ast.ts'

function rejects(soql: string, code: string, detail: string | RegExp): SoqlError {
  try {
    parseSoql(soql)
  } catch (e) {
    assert.ok(e instanceof SoqlError, `expected SoqlError, got ${e}`)
    assert.equal(e.errorCode, code)
    if (typeof detail === 'string') assert.equal(e.detail, detail)
    else assert.match(e.detail, detail)
    return e
  }
  assert.fail(`expected ${soql} to be rejected`)
}

Deno.test('parses a field list with parent relationship fields', () => {
  const q = parseSoql('SELECT Id, FirstName, Account.Name, Account.Owner.Name FROM Contact')
  assert.deepEqual(q.fields.map((f) => f.segments), [
    ['Id'],
    ['FirstName'],
    ['Account', 'Name'],
    ['Account', 'Owner', 'Name'],
  ])
  assert.equal(q.from.name, 'Contact')
  assert.equal(q.where, null)
})

Deno.test('parses keywords case-insensitively and an object alias', () => {
  const q = parseSoql("select c.Id from Contact c where c.LastName = 'X' order by c.Id")
  assert.equal(q.from.alias, 'c')
  assert.deepEqual(q.fields[0].segments, ['c', 'Id'])
})

Deno.test('parses every comparison operator', () => {
  for (const op of ['=', '!=', '<>', '<', '<=', '>', '>=']) {
    const q = parseSoql(`SELECT Id FROM Contact WHERE NumberOfEmployees ${op} 5`)
    const w = q.where as Extract<Condition, { kind: 'compare' }>
    assert.equal(w.kind, 'compare')
    assert.equal(w.op, op === '<>' ? '!=' : op)
    assert.deepEqual(w.value, { kind: 'number', value: 5, pos: w.value.pos })
  }
})

Deno.test('parses LIKE, IN and NOT IN', () => {
  const like = parseSoql("SELECT Id FROM Contact WHERE Email LIKE '%@acme\\_co.com'").where!
  assert.equal(like.kind, 'like')
  const inList = parseSoql("SELECT Id FROM Contact WHERE Id IN ('003A', '003B')").where!
  assert.ok(inList.kind === 'in' && !inList.negated && inList.values.length === 2)
  const notIn = parseSoql("SELECT Id FROM Contact WHERE LastName NOT IN ('a', null)").where!
  assert.ok(notIn.kind === 'in' && notIn.negated && notIn.values[1].kind === 'null')
})

Deno.test('parses AND, OR and NOT with parentheses', () => {
  const q = parseSoql(
    "SELECT Id FROM Contact WHERE (SystemModstamp = 2024-01-01T00:00:00Z AND Id > '003000000000001') OR SystemModstamp > 2024-01-01T00:00:00Z",
  )
  const w = q.where!
  assert.equal(w.kind, 'or')
  assert.ok(w.kind === 'or' && w.items[0].kind === 'and' && w.items[1].kind === 'compare')
  const n = parseSoql("SELECT Id FROM Contact WHERE Title != null AND (NOT LastName = 'x')").where!
  assert.ok(n.kind === 'and' && n.items[1].kind === 'not')
  const top = parseSoql("SELECT Id FROM Contact WHERE NOT LastName = 'x'").where!
  assert.equal(top.kind, 'not')
})

Deno.test('decodes string literal escapes', () => {
  const q = parseSoql("SELECT Id FROM Contact WHERE LastName = 'O\\'Brien \\\\ \\n\\t\\u00e9'")
  const w = q.where as Extract<Condition, { kind: 'compare' }>
  assert.deepEqual(w.value.kind === 'string' && w.value.value, "O'Brien \\ \n\té")
})

Deno.test('parses unquoted datetime literals with Z, offsets and fractions, and date literals', () => {
  const value = (literal: string) => {
    const w = parseSoql(`SELECT Id FROM Contact WHERE SystemModstamp >= ${literal}`)
      .where as Extract<
        Condition,
        { kind: 'compare' }
      >
    return w.value
  }
  const z = value('2024-01-01T10:00:00Z')
  assert.equal(z.kind === 'datetime' && z.ms, Date.UTC(2024, 0, 1, 10))
  const plus = value('2024-01-01T12:00:00+02:00')
  assert.equal(plus.kind === 'datetime' && plus.ms, Date.UTC(2024, 0, 1, 10))
  const minus = value('2024-01-01T05:00:00-05:00')
  assert.equal(minus.kind === 'datetime' && minus.ms, Date.UTC(2024, 0, 1, 10))
  const frac = value('2024-01-01T10:00:00.000+00:00')
  assert.equal(frac.kind === 'datetime' && frac.ms, Date.UTC(2024, 0, 1, 10))
  assert.deepEqual(value('2024-02-29').kind, 'date')
  const rel = value('LAST_N_DAYS:30')
  assert.ok(rel.kind === 'dateLiteral' && rel.name === 'LAST_N_DAYS' && rel.n === 30)
  assert.equal(value('TODAY').kind, 'dateLiteral')
})

Deno.test('parses null and boolean literals', () => {
  const w = parseSoql(
    'SELECT Id FROM Contact WHERE IsDeleted = TRUE AND Email = NULL AND DoNotCall = false',
  )
    .where!
  assert.ok(w.kind === 'and')
  assert.deepEqual(
    w.items.map((i) => i.kind === 'compare' && i.value.kind),
    ['boolean', 'null', 'boolean'],
  )
})

Deno.test('parses ORDER BY several fields with directions and null ordering, LIMIT and OFFSET', () => {
  const q = parseSoql(
    'SELECT Id FROM Contact ORDER BY SystemModstamp ASC, LastName DESC NULLS LAST, Email NULLS FIRST, Id LIMIT 10 OFFSET 20',
  )
  assert.deepEqual(q.orderBy.map((o) => [o.field.segments.join('.'), o.descending, o.nullsLast]), [
    ['SystemModstamp', false, false],
    ['LastName', true, true],
    ['Email', false, false],
    ['Id', false, false],
  ])
  assert.equal(q.limit, 10)
  assert.equal(q.offset, 20)
})

Deno.test('parses SELECT COUNT()', () => {
  const q = parseSoql('SELECT COUNT() FROM Contact WHERE IsDeleted = false')
  assert.equal(q.count, true)
})

Deno.test('rejects a misspelled keyword with unexpected token and its position', () => {
  const e = rejects('SELECT Id FORM Contact', 'MALFORMED_QUERY', "unexpected token: 'FORM'")
  assert.equal(
    e.render('SELECT Id FORM Contact'),
    "\nSELECT Id FORM Contact\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FORM'",
  )
  const multi = rejects(
    'SELECT Id\nFROM Contact\nWHERE Id = ',
    'MALFORMED_QUERY',
    "unexpected token: '<EOF>'",
  )
  assert.match(multi.render('SELECT Id\nFROM Contact\nWHERE Id = '), /ERROR at Row:3:Column:12/)
})

Deno.test('rejects AND and OR mixed without parentheses', () => {
  rejects(
    "SELECT Id FROM Contact WHERE AccountId = '001000000000001' AND LastName LIKE 'test' OR Email LIKE 'test'",
    'MALFORMED_QUERY',
    "unexpected token: 'OR'",
  )
})

Deno.test('rejects NOT after AND unless parenthesised', () => {
  rejects(
    "SELECT Id FROM Contact WHERE Title != null AND NOT LastName = 'x'",
    'MALFORMED_QUERY',
    "unexpected token: 'NOT'",
  )
})

Deno.test('rejects an unterminated string and an illegal escape', () => {
  rejects(
    "SELECT Id FROM Contact WHERE LastName = 'abc",
    'MALFORMED_QUERY',
    "unexpected token: '<EOF>'",
  )
  rejects(
    "SELECT Id FROM Contact WHERE LastName = 'a\\qb'",
    'MALFORMED_QUERY',
    /Illegal character sequence '\\q'/,
  )
})

Deno.test('rejects a datetime whose + offset arrived as a space (not URL-encoded)', () => {
  rejects(
    'SELECT Id FROM Contact WHERE SystemModstamp > 2024-01-01T00:00:00 00:00',
    'MALFORMED_QUERY',
    /unexpected token/,
  )
})

Deno.test('rejects impossible dates and datetimes', () => {
  rejects(
    'SELECT Id FROM Contact WHERE Birthdate = 2024-13-01',
    'MALFORMED_QUERY',
    'Invalid date: 2024-13-01',
  )
  rejects(
    'SELECT Id FROM Contact WHERE CreatedDate > 2024-01-15T25:00:00Z',
    'MALFORMED_QUERY',
    'Invalid datetime: 2024-01-15T25:00:00Z',
  )
})

Deno.test('rejects an OFFSET above 2,000', () => {
  rejects(
    'SELECT Id FROM Contact OFFSET 2001',
    'NUMBER_OUTSIDE_VALID_RANGE',
    'Maximum SOQL offset allowed is 2000',
  )
})

Deno.test('rejects an empty statement, a missing FROM and trailing garbage', () => {
  rejects('   ', 'MALFORMED_QUERY', 'SOQL statements cannot be empty or null')
  rejects('SELECT Id', 'MALFORMED_QUERY', "unexpected token: '<EOF>'")
  rejects('SELECT Id FROM Contact LIMIT 5 junk', 'MALFORMED_QUERY', "unexpected token: 'junk'")
  rejects('SELECT Id, FROM Contact', 'MALFORMED_QUERY', "unexpected token: 'FROM'")
  rejects(
    'SELECT Id FROM Contact WHERE LastName = :name',
    'MALFORMED_QUERY',
    "unexpected token: ':'",
  )
})
