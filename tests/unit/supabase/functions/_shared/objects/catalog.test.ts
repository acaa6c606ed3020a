import assert from 'node:assert/strict'
import {
  apiNameOf,
  objectKeyOf,
  tableOf,
} from '../../../../../../supabase/functions/_shared/objects/catalog.ts'
import type { ProviderDescribe } from '../../../../../../supabase/functions/_shared/providers/describe.ts'

const describe: ProviderDescribe = {
  ownObjects: { contact: 'Contact', account: 'Account', lead: 'Lead' },
  objects: () => Promise.reject(new Error('not asked')),
  fields: () => Promise.reject(new Error('not asked')),
}

Deno.test('objects catalog: own objects are named by key or API name, in any letter case', () => {
  for (const name of ['contact', 'Contact', 'CONTACT']) {
    assert.equal(objectKeyOf(describe, name), 'contact', name)
  }
  assert.equal(objectKeyOf(describe, 'Lead'), 'lead')
  assert.equal(apiNameOf(describe, 'account'), 'Account')
})

Deno.test('objects catalog: any other object keeps its API name and lands in crm_records', () => {
  assert.equal(objectKeyOf(describe, 'Foo__c'), 'Foo__c')
  assert.equal(apiNameOf(describe, 'Foo__c'), 'Foo__c')
  assert.deepEqual(
    ['contact', 'account', 'lead', 'Foo__c', 'Event'].map(tableOf),
    ['contacts', 'accounts', 'crm_leads', 'crm_records', 'crm_records'],
  )
})

Deno.test('objects catalog: a provider without a lead object does not map "lead" to one', () => {
  const hubspotLike: ProviderDescribe = { ...describe, ownObjects: { contact: 'contacts' } }
  assert.equal(objectKeyOf(hubspotLike, 'contacts'), 'contact')
  assert.equal(objectKeyOf(hubspotLike, 'Lead'), 'Lead')
})
