import assert from 'node:assert/strict'
import { unstorableReason } from '../../../../../../../supabase/functions/_shared/providers/salesforce/field-types.ts'

Deno.test('salesforce describe: scalar field types are storable', () => {
  for (
    const type of [
      'id',
      'reference',
      'string',
      'textarea',
      'email',
      'picklist',
      'multipicklist',
      'boolean',
      'int',
      'double',
      'currency',
      'percent',
      'date',
      'datetime',
      'time',
    ]
  ) {
    assert.equal(unstorableReason({ name: 'F__c', type }, new Set()), null, type)
  }
})

Deno.test('salesforce describe: compound fields (address, location, and the parents of parts) are not', () => {
  assert.equal(unstorableReason({ name: 'MailingAddress', type: 'address' }, new Set()), 'compound')
  assert.equal(unstorableReason({ name: 'Where__c', type: 'location' }, new Set()), 'compound')
  // Contact.Name is a string, but FirstName and LastName name it as their compound.
  assert.equal(unstorableReason({ name: 'Name', type: 'string' }, new Set(['Name'])), 'compound')
})

Deno.test('salesforce describe: file bodies, masked and shapeless types are not storable', () => {
  for (const type of ['base64', 'encryptedstring', 'anyType', 'complexvalue']) {
    assert.equal(unstorableReason({ name: 'F__c', type }, new Set()), 'unsupported_type', type)
  }
})
