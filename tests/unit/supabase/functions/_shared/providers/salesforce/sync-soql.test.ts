import assert from 'node:assert/strict'
import {
  contactSyncFields,
  contactSyncSoql,
} from '../../../../../../../supabase/functions/_shared/providers/salesforce/contact-sync-mapping.ts'
import {
  cursorSchema as contactCursorSchema,
  idScanSoql,
  idsExistSoql,
  isCursorAfter,
  readStart,
  syncSoql,
} from '../../../../../../../supabase/functions/_shared/providers/salesforce/sync-soql.ts'
import { soqlDateTime } from '../../../../../../../supabase/functions/_shared/providers/salesforce/soql.ts'

const cursor = { modstamp: '2026-03-02T10:00:05.000Z', id: '003RO0000035WQgYAM' }
const select = `SELECT ${contactSyncFields.join(', ')} FROM Contact`

Deno.test('contactSyncSoql: a first read takes everything, ordered by SystemModstamp then Id', () => {
  assert.equal(contactSyncSoql(null), `${select} ORDER BY SystemModstamp, Id`)
})

Deno.test('contactSyncSoql: a resumed read continues after the cursor, ties broken by Id', () => {
  assert.equal(
    contactSyncSoql({ after: cursor }),
    `${select} WHERE SystemModstamp > 2026-03-02T10:00:05Z OR (SystemModstamp = 2026-03-02T10:00:05Z AND Id > '003RO0000035WQgYAM') ORDER BY SystemModstamp, Id`,
  )
})

Deno.test('contactSyncSoql: a lookback read starts at an instant, inclusive', () => {
  assert.equal(
    contactSyncSoql({ from: '2026-03-02T09:55:05.000Z' }),
    `${select} WHERE SystemModstamp >= 2026-03-02T09:55:05Z ORDER BY SystemModstamp, Id`,
  )
})

Deno.test('contactSyncSoql: nothing but a canonical id reaches the query', () => {
  for (const id of ["003RO0000035WQg' OR Id != '", '003RO0000035WQg', '003ro0000035wqgyam']) {
    assert.throws(() => contactSyncSoql({ after: { ...cursor, id } }), RangeError, id)
  }
})

Deno.test('soqlDateTime: unquoted UTC with Z, whole seconds unless there are milliseconds', () => {
  assert.equal(soqlDateTime('2026-03-02T10:00:00.000Z'), '2026-03-02T10:00:00Z')
  assert.equal(soqlDateTime('2026-03-02T11:00:00+01:00'), '2026-03-02T10:00:00Z')
  assert.equal(soqlDateTime('2026-03-02T10:00:00.250Z'), '2026-03-02T10:00:00.250Z')
  assert.throws(() => soqlDateTime('yesterday'), RangeError)
})

Deno.test('readStart: from the beginning, exactly after the cursor, or a lookback before it', () => {
  assert.equal(readStart(null, 300), null)
  assert.deepEqual(readStart(cursor, 0), { after: cursor })
  assert.deepEqual(readStart(cursor, 300), { from: '2026-03-02T09:55:05.000Z' })
})

Deno.test('readStart: the lookback is measured from the earlier of the cursor and the previous read start', () => {
  // The previous read began before its last record's stamp (a read over several runs).
  assert.deepEqual(readStart(cursor, 300, '2026-03-02T09:40:00.000Z'), {
    from: '2026-03-02T09:35:00.000Z',
  })
  // A quiet org: the cursor is older than the read's start, and stays the measure.
  assert.deepEqual(readStart(cursor, 300, '2026-03-02T12:00:00.000Z'), {
    from: '2026-03-02T09:55:05.000Z',
  })
  // A resumed read ignores both: exactly after the cursor.
  assert.deepEqual(readStart(cursor, 0, '2026-03-02T09:40:00.000Z'), { after: cursor })
})

Deno.test('isCursorAfter: by stamp, then by Id; anything is after the beginning', () => {
  const later = { ...cursor, modstamp: '2026-03-02T10:00:06.000Z', id: '003000000000001AAA' }
  const tieAfter = { ...cursor, id: '003RO0000035WQhYAM' }
  assert.equal(isCursorAfter(cursor, null), true)
  assert.equal(isCursorAfter(later, cursor), true)
  assert.equal(isCursorAfter(cursor, later), false)
  assert.equal(isCursorAfter(tieAfter, cursor), true)
  assert.equal(isCursorAfter(cursor, tieAfter), false)
  assert.equal(isCursorAfter(cursor, { ...cursor }), false, 'not strictly after itself')
})

Deno.test('contactCursorSchema: reads the stored cursor and refuses anything else', () => {
  assert.deepEqual(contactCursorSchema.parse(cursor), cursor)
  for (
    const bad of [
      { modstamp: 'soon', id: cursor.id },
      { modstamp: cursor.modstamp, id: '003RO0000035WQg' },
      { ...cursor, extra: 1 },
      'x',
    ]
  ) {
    assert.equal(contactCursorSchema.safeParse(bad).success, false, JSON.stringify(bad))
  }
})

Deno.test('syncSoql: any sObject, the same keyset order; names that are not API names are refused', () => {
  assert.equal(
    syncSoql('Foo__c', ['Id', 'SystemModstamp', 'IsDeleted', 'Bar__c'], { after: cursor }),
    `SELECT Id, SystemModstamp, IsDeleted, Bar__c FROM Foo__c WHERE SystemModstamp > ${
      soqlDateTime(cursor.modstamp)
    } OR (SystemModstamp = ${soqlDateTime(cursor.modstamp)} AND Id > '${cursor.id}') ` +
      'ORDER BY SystemModstamp, Id',
  )
  for (const bad of ['Foo__c FROM Contact', "Bar'", 'Id,Name', '']) {
    assert.throws(() => syncSoql('Foo__c', ['Id', bad], null), RangeError, bad)
    assert.throws(() => syncSoql(bad, ['Id'], null), RangeError, bad)
  }
})

Deno.test('idScanSoql, idsExistSoql: the id scans of any sObject', () => {
  assert.equal(idScanSoql('Lead', null), 'SELECT Id FROM Lead ORDER BY Id')
  assert.equal(
    idScanSoql('Foo__c', cursor.id),
    `SELECT Id FROM Foo__c WHERE Id > '${cursor.id}' ORDER BY Id`,
  )
  assert.equal(
    idsExistSoql('Account', [cursor.id]),
    `SELECT Id FROM Account WHERE Id IN ('${cursor.id}')`,
  )
  assert.throws(() => idScanSoql('Foo; DROP', null), RangeError)
})
