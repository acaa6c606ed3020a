import assert from 'node:assert/strict'
import { ProviderError } from '../../../../../../../supabase/functions/_shared/http/errors.ts'
import {
  toLeadSource,
  toRemoteContact,
} from '../../../../../../../supabase/functions/_shared/providers/salesforce/contact-records.ts'

const attributes = {
  type: 'Contact',
  url: '/services/data/v62.0/sobjects/Contact/003RO0000035WQgYAM',
}

Deno.test('contact-records: a picker row carries the account name from the nested parent', () => {
  const row = toRemoteContact({
    attributes,
    Id: '003RO0000035WQgYAM',
    FirstName: 'Siobhán',
    LastName: "O'Brien",
    Name: "Siobhán O'Brien",
    Email: 'siobhan@example.com',
    Phone: '+353 1 555 0100',
    MobilePhone: null,
    Title: 'CTO',
    Department: null,
    AccountId: '001D000000IRFmaIAH',
    Account: { attributes: { type: 'Account', url: '/x' }, Name: 'Acme' },
  })
  assert.deepEqual(row, {
    id: '003RO0000035WQgYAM',
    first_name: 'Siobhán',
    last_name: "O'Brien",
    name: "Siobhán O'Brien",
    email: 'siobhan@example.com',
    phone: '+353 1 555 0100',
    mobile_phone: null,
    title: 'CTO',
    department: null,
    account_id: '001D000000IRFmaIAH',
    account_name: 'Acme',
  })
})

Deno.test('contact-records: an empty account lookup is null, not an error', () => {
  const lead = toLeadSource({
    attributes,
    Id: '003RO0000035WQgYAM',
    LastName: 'Solo',
    Account: null,
  })
  assert.deepEqual(lead, {
    source_id: '003RO0000035WQgYAM',
    first_name: null,
    last_name: 'Solo',
    email: null,
    phone: null,
    company: null,
    title: null,
  })
})

Deno.test('contact-records: ids are stored in their canonical 18-character form', () => {
  assert.equal(
    toLeadSource({ Id: '003RO0000035WQg', LastName: 'X' }).source_id,
    '003RO0000035WQgYAM',
  )
  assert.equal(
    toLeadSource({ Id: '003RO0000035WQgYAM', LastName: 'X' }).source_id,
    '003RO0000035WQgYAM',
  )
})

Deno.test('contact-records: a record without an id, or with wrong types, is a provider error', () => {
  const recased = { Id: '003ro0000035wqgyam' } // no Salesforce answer carries a re-cased id
  for (
    const record of [{}, { Id: 'nope' }, recased, { Id: '003RO0000035WQgYAM', Email: 42 }, null]
  ) {
    assert.throws(
      () => toRemoteContact(record),
      (error: unknown) => error instanceof ProviderError && error.status === 502,
    )
  }
})
