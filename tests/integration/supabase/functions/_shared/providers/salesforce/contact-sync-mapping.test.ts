// The Salesforce page mapping Postgres runs (salesforceContactMapping) against the one in
// TypeScript (toContactRow): the same rows, metadata included, for every shape a record takes.
import assert from 'node:assert/strict'
import {
  readContactPage,
  salesforceContactMapping,
  syncedContactSchema,
  toContactRow,
} from '../../../../../../../supabase/functions/_shared/providers/salesforce/contact-sync-mapping.ts'
import {
  newestPerRecord,
  storable,
} from '../../../../../../../supabase/functions/_shared/sync/upsert.ts'
import { adminSql } from '../../../../../../helpers/test-db.ts'
import { contactRecord } from '../../../../../../helpers/salesforce-contact-record.ts'

/** The shared fixture with the values that stress the mapping: quotes, a backslash, an offset. */
function record(overrides: Record<string, unknown> = {}) {
  return contactRecord({
    Account: { attributes: { type: 'Account', url: '/x' }, Name: 'Acme "Ltd" \\ Co' },
    DoNotCall: true,
    LastModifiedDate: '2026-03-02T11:00:00.123+0100',
    ...overrides,
  })
}

const records = [
  record(),
  record({ Id: '003RO0000035WQh', Account: null, AccountId: null, Phone: '555', IsDeleted: true }),
  record({ Id: '003RO0000035WQiYAM', MasterRecordId: '003RO0000035WQgYAM', IsDeleted: true }),
  record({ Id: '003RO0000035WQjYAM', FirstName: null, LastName: 'Only', Email: null }),
  // Fields the org hides from us are absent, not null.
  (({ Department: _d, LeadSource: _l, CreatedDate: _c, HasOptedOutOfEmail: _h, ...rest }) => rest)(
    record({ Id: '003RO0000035WQkYAM' }),
  ),
  record({ Id: '003RO0000035WQlYAM', LastName: 'Nul\u0000Byte', Account: { Name: 'A\u0000B' } }),
  // A lone surrogate: valid in JavaScript strings, refused by jsonb.
  record({ Id: '003RO0000035WQoYAM', FirstName: 'Half \ud800 pair' }),
  // One record twice: the newer wins; on a tie, the later.
  record({
    Id: '003RO0000035WQmYAM',
    LastName: 'old',
    SystemModstamp: '2026-03-02T10:00:04.000+0000',
  }),
  record({
    Id: '003RO0000035WQmYAM',
    LastName: 'new',
    SystemModstamp: '2026-03-02T10:00:06.000+0000',
  }),
  record({
    Id: '003RO0000035WQnYAM',
    LastName: 'first',
    SystemModstamp: '2026-03-02T10:00:06.000+0000',
  }),
  record({
    Id: '003RO0000035WQnYAM',
    LastName: 'second',
    SystemModstamp: '2026-03-02T10:00:06.000+0000',
  }),
]

Deno.test('salesforceContactMapping: Postgres maps a page exactly as toContactRow does', async () => {
  const sql = adminSql()
  try {
    const data = { totalSize: records.length, done: true, records: structuredClone(records) }
    const page = readContactPage(data, JSON.stringify(data))
    assert.deepEqual(page.rows.cleaned, ['003RO0000035WQlYAM', '003RO0000035WQoYAM'])
    // As the upsert runs it: no field mapping, no source record kept, no account rows.
    const rows = await sql.unsafe(
      `with opts as (select '{}'::jsonb as field_mapping, false as keep_source)
       select * from (${salesforceContactMapping.pageSql}) page
        where $3::uuid is null order by source_id`,
      [page.rows.json, crypto.randomUUID(), null, 'salesforce'],
    )
    const mapped = rows.map(({ account_id, account_source_id: _a, custom_fields, ...row }) => {
      assert.equal(account_id, null)
      assert.deepEqual(custom_fields, {})
      return row
    })
    const expected = newestPerRecord(
      records.map((raw) => toContactRow(syncedContactSchema.parse(storable(raw)))),
    ).sort((a, b) => (a.source_id < b.source_id ? -1 : 1))
    assert.deepEqual(
      mapped.map((row) => ({
        ...row,
        source_modstamp: (row.source_modstamp as Date).toISOString(),
      })),
      expected,
    )
  } finally {
    await sql.end()
  }
})

Deno.test('readContactPage: a page without changes is passed on as Salesforce sent it', () => {
  const data = { totalSize: 1, done: true, records: [record()] }
  const body = JSON.stringify(data)
  assert.equal(readContactPage(data, body).rows.json, body)
})

Deno.test("salesforceContactMapping: mapped fields go to custom_fields under the team's names, the record to source_metadata when kept", async () => {
  const sql = adminSql()
  try {
    const raw = record({ Favourite__c: 'tea', Score__c: 7, Empty__c: null })
    const data = { totalSize: 1, done: true, records: [raw] }
    const page = readContactPage(data, JSON.stringify(data))
    const [row] = await sql.unsafe(
      `with opts as (select $5::text::jsonb as field_mapping, $6::boolean as keep_source)
       select custom_fields, source_metadata from (${salesforceContactMapping.pageSql}) page
        where $3::uuid is null`,
      [
        page.rows.json,
        crypto.randomUUID(),
        null,
        'salesforce',
        JSON.stringify({ Favourite__c: 'drink', Score__c: 'score', Empty__c: 'empty' }),
        true,
      ],
    )
    assert.deepEqual(row.custom_fields, { drink: 'tea', score: 7, empty: null })
    const { attributes: _attributes, ...kept } = raw as Record<string, unknown>
    assert.deepEqual(row.source_metadata.record, kept)
  } finally {
    await sql.end()
  }
})
