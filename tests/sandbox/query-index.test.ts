// Ordered queries over a large org: the sorted view with its binary-search start answers exactly
// what a filter and sort of every record answers.

import assert from 'node:assert/strict'
import { createClock } from '../../scripts/sandbox/salesforce/clock.ts'
import { execute } from '../../scripts/sandbox/salesforce/query.ts'
import { compileQuery } from '../../scripts/sandbox/salesforce/soql/evaluate.ts'
import { parseSoql } from '../../scripts/sandbox/salesforce/soql/parser.ts'
import { type OrgState, SandboxState } from '../../scripts/sandbox/salesforce/state.ts'
import type { StoredRecord } from '../../scripts/sandbox/salesforce/store.ts'

const START = Date.parse('2026-06-01T00:00:00Z')

/**
 * An org whose Contacts have what ordered reads trip on: 400 sharing one SystemModstamp (a
 * bulk update), deleted ones, a late commit not yet visible, and nulls in sorted fields.
 */
function largeOrg(): { org: OrgState; now: number; sharedStamp: number } {
  const state = new SandboxState(createClock(START), 3)
  const { org } = state.createOrg({ name: 'Index', contacts: 1500, seed: 9, app: false })
  const data = org.data
  const ids = [...data.table('Contact').records.keys()]
  const sharedStamp = START - 3_600_000
  ids.slice(100, 500).forEach((id, i) =>
    data.update('Contact', id, { Title: i % 3 === 0 ? null : `Title ${i % 7}` }, {
      at: sharedStamp,
      systemModstamp: sharedStamp,
    })
  )
  for (const id of ids.slice(600, 650)) data.softDelete('Contact', id, { at: START - 60_000 })
  data.insert('Contact', { LastName: 'Late' }, {
    at: START,
    systemModstamp: START - 30_000,
    visibleAt: START + 60_000,
  })
  data.insert('Contact', { LastName: null, FirstName: 'Nameless' }, { at: START - 1000 })
  return { org, now: START, sharedStamp }
}

/** What the query answers: every record filtered, then sorted by the compiled comparator. */
function reference(org: OrgState, soql: string, includeDeleted: boolean, now: number) {
  const q = compileQuery(parseSoql(soql), org.data, now)
  const kept = [...org.data.table(q.def.name).records.values()].filter((rec) =>
    rec.visibleAt <= now && (includeDeleted || rec.deletedAt === null) && q.matches(rec)
  )
  if (q.compare) kept.sort(q.compare)
  const end = q.limit === null ? kept.length : q.offset + q.limit
  return kept.slice(q.offset, end).map((rec) => rec.id)
}

function answer(org: OrgState, soql: string, includeDeleted: boolean, now: number) {
  const q = compileQuery(parseSoql(soql), org.data, now)
  return execute(q, org, includeDeleted, now).map((rec) => rec.id)
}

const soqlTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')

Deno.test('ordered queries answer the same records in the same order as filtering and sorting every record', () => {
  const { org, now, sharedStamp } = largeOrg()
  const byKeyset = reference(
    org,
    'SELECT Id FROM Contact ORDER BY SystemModstamp, Id',
    true,
    now,
  )
  const rec = (id: string) => org.data.get('Contact', id)!
  // Cursors at the start, inside the shared stamp's run, at its last row, at the end, past it.
  const shared = byKeyset.filter((id) => rec(id).values.SystemModstamp === sharedStamp)
  const cursors = [byKeyset[0], shared[0], shared[137], shared.at(-1)!, byKeyset.at(-1)!]
  const queries: string[] = []
  for (const id of cursors) {
    const at = soqlTime(rec(id).values.SystemModstamp as number)
    queries.push(
      `SELECT Id FROM Contact WHERE SystemModstamp > ${at} OR (SystemModstamp = ${at} AND Id > '${id}') ORDER BY SystemModstamp, Id`,
      `SELECT Id FROM Contact WHERE (SystemModstamp = ${at} AND Id > '${id}') OR SystemModstamp > ${at} ORDER BY SystemModstamp, Id LIMIT 250`,
      `SELECT Id FROM Contact WHERE SystemModstamp >= ${at} ORDER BY SystemModstamp, Id`,
      `SELECT Id FROM Contact WHERE SystemModstamp = ${at} ORDER BY SystemModstamp, Id`,
      `SELECT Id FROM Contact WHERE Id > '${id}' ORDER BY Id`,
      `SELECT Id FROM Contact WHERE Id >= '${id}' AND SystemModstamp > ${at} ORDER BY Id LIMIT 7 OFFSET 3`,
    )
  }
  queries.push(
    `SELECT Id FROM Contact WHERE SystemModstamp > ${
      soqlTime(now + 86_400_000)
    } ORDER BY SystemModstamp, Id`,
    // Text sorts case-insensitively, nulls first or last.
    "SELECT Id FROM Contact WHERE LastName >= 'M' ORDER BY LastName, Id",
    "SELECT Id FROM Contact WHERE Title > 'title 3' ORDER BY Title NULLS LAST, Id",
    "SELECT Id FROM Contact WHERE Title >= 'Title 2' AND Title > 'Title 4' ORDER BY Title, Id",
    // Bounds the index cannot use: a branch without one, a descending order, an upper bound.
    `SELECT Id FROM Contact WHERE SystemModstamp > ${
      soqlTime(sharedStamp)
    } OR LastName = 'Smith' ORDER BY SystemModstamp, Id`,
    `SELECT Id FROM Contact WHERE SystemModstamp >= ${
      soqlTime(sharedStamp)
    } ORDER BY SystemModstamp DESC, Id`,
    `SELECT Id FROM Contact WHERE SystemModstamp < ${
      soqlTime(sharedStamp)
    } ORDER BY SystemModstamp, Id`,
    'SELECT Id FROM Contact ORDER BY SystemModstamp, Id LIMIT 100 OFFSET 50',
  )
  for (const soql of queries) {
    for (const includeDeleted of [true, false]) {
      for (const at of [now, now + 120_000]) {
        assert.deepEqual(
          answer(org, soql, includeDeleted, at),
          reference(org, soql, includeDeleted, at),
          `${soql} (queryAll: ${includeDeleted}, at +${at - now} ms)`,
        )
      }
    }
  }
})

Deno.test('a keyset query tests only the rows from its bound on, not every row before it', () => {
  const { org, now } = largeOrg()
  const order = reference(org, 'SELECT Id FROM Contact ORDER BY SystemModstamp, Id', true, now)
  const cursor = org.data.get('Contact', order.at(-11)!)!
  const at = soqlTime(cursor.values.SystemModstamp as number)
  const q = compileQuery(
    parseSoql(
      `SELECT Id FROM Contact WHERE SystemModstamp > ${at} OR (SystemModstamp = ${at} AND Id > '${cursor.id}') ORDER BY SystemModstamp, Id`,
    ),
    org.data,
    now,
  )
  const matches = q.matches
  let tested = 0
  q.matches = (rec: StoredRecord) => {
    tested++
    return matches(rec)
  }
  assert.deepEqual(execute(q, org, true, now).map((rec) => rec.id), order.slice(-10))
  // The rows from the cursor's stamp on, not the org's 1,500.
  const fromStamp =
    order.filter((id) =>
      org.data.get('Contact', id)!.values.SystemModstamp === cursor.values.SystemModstamp
    ).length
  assert.ok(tested <= 10 + fromStamp, `tested ${tested} rows`)
})

Deno.test("a write to one table keeps another table's sorted view; a write to it rebuilds it", () => {
  const { org, now } = largeOrg()
  const soql = 'SELECT Id FROM Contact ORDER BY SystemModstamp, Id'
  answer(org, soql, true, now)
  const view = () => [...org.data.sortedViews.values()][0].rows
  const first = view()
  org.data.update('User', org.adminUserId, { Title: 'Admin' })
  answer(org, soql, true, now)
  assert.equal(view(), first)
  const id = [...org.data.table('Contact').records.keys()][0]
  org.data.update('Contact', id, { Title: 'Moved' }, { at: now })
  assert.equal(answer(org, soql, true, now).at(-1), id)
  assert.notEqual(view(), first)
})
