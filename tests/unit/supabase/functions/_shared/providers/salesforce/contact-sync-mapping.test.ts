import assert from 'node:assert/strict'
import { contactRecord } from '../../../../../../helpers/salesforce-contact-record.ts'
import { ProviderError } from '../../../../../../../supabase/functions/_shared/http/errors.ts'
import {
  parseSalesforceDateTime,
  readContactPage,
  syncedContactSchema,
  toContactRow,
} from '../../../../../../../supabase/functions/_shared/providers/salesforce/contact-sync-mapping.ts'

const record = contactRecord

Deno.test('parseSalesforceDateTime: Salesforce offsets without a colon become ISO UTC', () => {
  assert.equal(parseSalesforceDateTime('2026-03-02T10:00:05.000+0000'), '2026-03-02T10:00:05.000Z')
  assert.equal(parseSalesforceDateTime('2026-03-02T11:00:05.000+0100'), '2026-03-02T10:00:05.000Z')
  assert.equal(parseSalesforceDateTime('not a date'), undefined)
})

Deno.test('toContactRow: columns from fields, the Account name as company, the rest as metadata', () => {
  const row = toContactRow(syncedContactSchema.parse(record()))
  assert.deepEqual(row, {
    source_id: '003RO0000035WQgYAM',
    source_modstamp: '2026-03-02T10:00:05.000Z',
    deleted: false,
    first_name: 'Zoë',
    last_name: "O'Brien",
    email: 'zoe@example.test',
    phone: '+44 20 7946 0000',
    company: 'Acme',
    title: 'CTO',
    source_metadata: {
      account_id: '001D000000IRFmaIAH',
      owner_id: '005D000000IRFmaIAH',
      mobile_phone: '+44 20 7946 0000',
      mailing_street: '1 Main St\nSuite 2',
      mailing_city: 'London',
      mailing_postal_code: 'EC1A 1BB',
      mailing_country: 'United Kingdom',
      has_opted_out_of_email: false,
      do_not_call: false,
      created_date: '2026-01-02T03:04:05.000Z',
      last_modified_date: '2026-03-02T10:00:00.000Z',
    },
  })
})

Deno.test('toContactRow: no account, a deleted or merged record, a 15-character id', () => {
  const row = toContactRow(syncedContactSchema.parse(record({
    Id: '003RO0000035WQg',
    Account: null,
    AccountId: null,
    Phone: '555',
    IsDeleted: true,
    MasterRecordId: '003RO0000035WQhYAM',
  })))
  assert.equal(row.source_id, '003RO0000035WQgYAM')
  assert.deepEqual([row.company, row.phone, row.deleted], [null, '555', true])
  assert.equal(row.source_metadata.master_record_id, '003RO0000035WQhYAM')
  assert.equal('account_id' in row.source_metadata, false)
})

Deno.test('readContactPage: rows, the greatest position as cursor, and the next page', () => {
  const page = readContactPage({
    totalSize: 3,
    done: false,
    nextRecordsUrl: '/services/data/v62.0/query/01gRO0000016PIAYA2-2',
    records: [
      record({ Id: '003RO0000035WQhYAM', SystemModstamp: '2026-03-02T10:00:06.000+0000' }),
      record({ Id: '003RO0000035WQgYAM', SystemModstamp: '2026-03-02T10:00:06.000+0000' }),
    ],
  })
  assert.equal(page.rows.length, 2)
  assert.deepEqual(page.cursor, { modstamp: '2026-03-02T10:00:06.000Z', id: '003RO0000035WQhYAM' })
  assert.equal(page.nextRecordsUrl, '/services/data/v62.0/query/01gRO0000016PIAYA2-2')
  const last = readContactPage({ totalSize: 0, done: true, records: [] })
  assert.deepEqual([last.rows.length, last.cursor, last.nextRecordsUrl], [0, null, null])
})

Deno.test('readContactPage: a page or record we cannot read is a ProviderError', () => {
  for (
    const data of [
      { done: false, records: [] },
      { records: [] },
      { done: true, records: [record({ Id: 'nope' })] },
      { done: true, records: [record({ SystemModstamp: 'later' })] },
      { done: true, records: [record({ IsDeleted: 'no' })] },
    ]
  ) {
    assert.throws(
      () => readContactPage(data),
      (error) => error instanceof ProviderError && error.code === 'salesforce_invalid_page',
      JSON.stringify(data).slice(0, 80),
    )
  }
})
