// The HubSpot read's keyset positions, pure: where a read starts, each page's search, what a
// page proves (its cursor) and where the next starts, incl. the one-millisecond drain.
import assert from 'node:assert/strict'
import {
  compareIds,
  decodePosition,
  encodePosition,
  hubspotMs,
  isCursorAfter,
  type ObjectRead,
  readPosition,
  searchBody,
  stepAfterPage,
} from '../../../../../../../supabase/functions/_shared/providers/hubspot/crm-read.ts'
import { crossesPeriod } from '../../../../../../../supabase/functions/_shared/providers/hubspot/object-deletes.ts'

const contacts: ObjectRead = {
  objectType: 'contacts',
  modifiedProperty: 'lastmodifieddate',
  properties: ['email'],
}
const T = Date.parse('2026-03-02T10:00:00.000Z')
const rec = (id: string, ms: number) => ({ id, ms })

Deno.test('hubspot read: ids compare as numbers, cursors by (ms, id)', () => {
  assert.ok(compareIds('9', '10') < 0)
  assert.ok(compareIds('10001', '9999') > 0)
  const at = (ms: number, id: string) => ({ modified: new Date(ms).toISOString(), id })
  assert.ok(isCursorAfter(at(T, '10'), at(T, '9')))
  assert.ok(isCursorAfter(at(T + 1, '1'), at(T, '999')))
  assert.ok(!isCursorAfter(at(T, '5'), at(T, '5')))
  assert.ok(isCursorAfter(at(T, '5'), null))
})

Deno.test('hubspot read: datetimes in ISO of any precision or epoch ms; anything else is NaN', () => {
  assert.equal(hubspotMs('2026-03-02T10:00:00Z'), T)
  assert.equal(hubspotMs('2026-03-02T10:00:00.000Z'), T)
  assert.equal(hubspotMs(String(T)), T)
  assert.ok(Number.isNaN(hubspotMs('yesterday')))
  assert.ok(Number.isNaN(hubspotMs(null)))
})

Deno.test('hubspot read: a read starts at the beginning, exactly after the cursor, or a lookback before', () => {
  const cursor = { modified: new Date(T).toISOString(), id: '42' }
  assert.deepEqual(readPosition(null, 300), { kind: 'start' })
  assert.deepEqual(readPosition(cursor, null), { kind: 'after', ms: T, id: '42' })
  assert.deepEqual(readPosition(cursor, 300), { kind: 'from', ms: T - 300_000 })
  // The earlier of the cursor and the previous read's start.
  assert.deepEqual(readPosition(cursor, 300, new Date(T - 60_000).toISOString()), {
    kind: 'from',
    ms: T - 360_000,
  })
})

Deno.test('hubspot read: the search of each position (keyset groups, never an offset)', () => {
  const after = searchBody(contacts, { kind: 'after', ms: T, id: '42' })
  assert.deepEqual(after.filterGroups, [
    {
      filters: [
        { propertyName: 'lastmodifieddate', operator: 'EQ', value: String(T) },
        { propertyName: 'hs_object_id', operator: 'GT', value: '42' },
      ],
    },
    { filters: [{ propertyName: 'lastmodifieddate', operator: 'GT', value: String(T) }] },
  ])
  assert.deepEqual(after.sorts, [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }])
  assert.equal(after.limit, 200)
  assert.equal('after' in after, false)
  assert.deepEqual(after.properties, ['email', 'lastmodifieddate', 'hs_object_id'])
  const drain = searchBody(contacts, { kind: 'drain', ms: T, id: '7' })
  assert.deepEqual(drain.sorts, [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }])
  assert.deepEqual(drain.filterGroups, [{
    filters: [
      { propertyName: 'lastmodifieddate', operator: 'EQ', value: String(T) },
      { propertyName: 'hs_object_id', operator: 'GT', value: '7' },
    ],
  }])
  const companies = searchBody(
    { ...contacts, modifiedProperty: 'hs_lastmodifieddate' },
    { kind: 'from', ms: T },
  )
  assert.deepEqual(companies.filterGroups, [{
    filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(T) }],
  }])
})

Deno.test('hubspot read: a last page ends the read at its greatest record', () => {
  const step = stepAfterPage({ kind: 'start' }, [rec('5', T), rec('3', T + 1), rec('9', T)], false)
  assert.deepEqual(step, {
    cursor: { modified: new Date(T + 1).toISOString(), id: '3' },
    next: null,
  })
  assert.deepEqual(stepAfterPage({ kind: 'start' }, [], false), { cursor: null, next: null })
})

Deno.test('hubspot read: a full page stops its cursor before its last millisecond', () => {
  // Ties within a millisecond arrive in any id order; the last one may continue next page.
  const step = stepAfterPage(
    { kind: 'start' },
    [rec('9', T), rec('2', T), rec('30', T + 1), rec('4', T + 2), rec('1', T + 2)],
    true,
  )
  assert.deepEqual(step.cursor, { modified: new Date(T + 1).toISOString(), id: '30' })
  assert.deepEqual(step.next, { kind: 'after', ms: T + 1, id: '30' })
})

Deno.test('hubspot read: a full page of one millisecond is drained by id, then the read goes on', () => {
  const same = [rec('12', T), rec('3', T), rec('7', T)]
  // From the start: the millisecond is drained from its first id; the page proves nothing.
  assert.deepEqual(stepAfterPage({ kind: 'start' }, same, true), {
    cursor: null,
    next: { kind: 'drain', ms: T, id: null },
  })
  // Resumed inside that millisecond: the drain starts after the id we stood at.
  assert.deepEqual(stepAfterPage({ kind: 'after', ms: T, id: '2' }, same, true).next, {
    kind: 'drain',
    ms: T,
    id: '2',
  })
  // A drain page moves the cursor to its greatest id and drains on while HubSpot has more...
  const drained = stepAfterPage({ kind: 'drain', ms: T, id: null }, same, true)
  assert.deepEqual(drained.cursor, { modified: new Date(T).toISOString(), id: '12' })
  assert.deepEqual(drained.next, { kind: 'drain', ms: T, id: '12' })
  // ...and its last page hands over to the records after the millisecond.
  assert.deepEqual(stepAfterPage({ kind: 'drain', ms: T, id: '12' }, [rec('20', T)], false).next, {
    kind: 'after',
    ms: T,
    id: '20',
  })
  assert.deepEqual(stepAfterPage({ kind: 'drain', ms: T, id: '20' }, [], false), {
    cursor: null,
    next: { kind: 'after', ms: T, id: '20' },
  })
})

Deno.test("hubspot read: positions survive the engine's next handle", () => {
  for (
    const position of [
      { kind: 'start' },
      { kind: 'from', ms: T },
      { kind: 'after', ms: T, id: '5' },
      { kind: 'drain', ms: T, id: null },
    ] as const
  ) {
    assert.deepEqual(decodePosition(encodePosition(position)), position)
  }
  assert.throws(() => decodePosition('{"kind":"offset","after":10000}'))
})

Deno.test('hubspot deletes: each reconciliation period boundary triggers exactly one scan', () => {
  const day = 86_400_000
  const midnight = Date.parse('2026-03-03T00:00:00.000Z')
  const iso = (ms: number) => new Date(ms).toISOString()
  // Chained log windows: each starts a minute before the previous one's end.
  const ends = [midnight - 90_000, midnight - 20_000, midnight + 30_000, midnight + 100_000]
  let start = midnight - 200_000
  const crossed = ends.map((end) => {
    const hit = crossesPeriod(iso(start), iso(end), day)
    start = end - 60_000
    return hit
  })
  assert.deepEqual(crossed, [false, false, true, false])
  // After the scan the log restarts a minute before the scan began: no second scan that day.
  const scanStart = midnight + 40_000
  assert.equal(crossesPeriod(iso(scanStart - 60_000), iso(midnight + 200_000), day), false)
})
