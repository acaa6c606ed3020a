import assert from 'node:assert/strict'
import { ObjectSyncError } from '../../../../../../supabase/functions/_shared/sync/errors.ts'
import {
  objectConfig,
  sourceFor,
} from '../../../../../../supabase/functions/_shared/sync/sources.ts'

Deno.test('objectConfig: a stored mapping is used as it is; none means the standard fields only', () => {
  assert.deepEqual(objectConfig('contact', null), {
    object: 'contact',
    fieldMapping: {},
    keepSourceRecord: false,
  })
  assert.deepEqual(
    objectConfig('Foo__c', {
      field_mapping: { Bar__c: 'bar', Name: 'Our name' },
      keep_source_record: true,
    }),
    { object: 'Foo__c', fieldMapping: { Bar__c: 'bar', Name: 'Our name' }, keepSourceRecord: true },
  )
})

Deno.test('objectConfig: a mapping written past the endpoints that names no plain field fails the object, saying why', () => {
  for (
    const mapping of [
      { 'Bar__c FROM Contact': 'x' },
      { 'Account.Name': 'x' },
      { Bar__c: '' },
      { Bar__c: 5 },
      ['Bar__c'],
      'Bar__c',
    ]
  ) {
    assert.throws(
      () => objectConfig('Foo__c', { field_mapping: mapping, keep_source_record: false }),
      (error: unknown) =>
        error instanceof ObjectSyncError && error.code === 'object_config_invalid' &&
        error.message.startsWith('The field mapping of Foo__c cannot be used'),
      JSON.stringify(mapping),
    )
  }
})

Deno.test('sourceFor: Salesforce syncs its own tables and any sObject; what it cannot read is an object error', () => {
  for (const object of ['contact', 'account', 'lead', 'Foo__c', 'Event', 'Task', 'Opportunity']) {
    assert.equal(typeof sourceFor('salesforce', object), 'function', object)
  }
  for (const [provider, object] of [['salesforce', 'widgets'], ['hubspot', 'Foo__c']]) {
    assert.throws(
      () => sourceFor(provider, object),
      (error: unknown) => error instanceof ObjectSyncError && error.code === 'sync_source_missing',
    )
  }
})
