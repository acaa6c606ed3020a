import assert from 'node:assert/strict'
import {
  checkFieldMapping,
  findMappingProblems,
} from '../../../../../../supabase/functions/_shared/objects/field-mapping.ts'
import type { DescribedField } from '../../../../../../supabase/functions/_shared/providers/describe.ts'
import { AppError } from '../../../../../../supabase/functions/_shared/http/errors.ts'

function field(name: string, overrides: Partial<DescribedField> = {}): DescribedField {
  return {
    name,
    label: name,
    type: 'string',
    custom: name.endsWith('__c'),
    nillable: true,
    compoundFieldName: null,
    unstorable: null,
    ...overrides,
  }
}

const fields = [
  field('Email', { type: 'email' }),
  field('Nickname__c'),
  field('Photo__c', { type: 'base64', unstorable: 'unsupported_type' }),
  field('MailingAddress', { type: 'address', unstorable: 'compound' }),
  field('MailingCity', { compoundFieldName: 'MailingAddress' }),
]
const columns = new Set(['id', 'email', 'custom_fields'])

Deno.test('field mapping: readable, storable fields onto free names pass', () => {
  assert.deepEqual(
    findMappingProblems({ Nickname__c: 'nickname', MailingCity: 'city' }, fields, columns),
    [],
  )
})

Deno.test('field mapping: each bad entry is named with its reason, in the mapping order', () => {
  const problems = findMappingProblems(
    {
      Hidden__c: 'hidden',
      email: 'work_email',
      Photo__c: 'photo',
      MailingAddress: 'address',
      Nickname__c: 'custom_fields',
      MailingCity: 'city',
    },
    fields,
    columns,
  )
  assert.deepEqual(problems.map((p) => [p.field, p.reason]), [
    ['Hidden__c', 'unknown_field'],
    ['email', 'unknown_field'],
    ['Photo__c', 'unsupported_type'],
    ['MailingAddress', 'compound_field'],
    ['Nickname__c', 'target_reserved'],
  ])
  assert.match(problems[0].message, /does not exist or the connected user cannot read it/)
  assert.match(problems[1].message, /spelled Email/, "only the provider's own spelling maps")
  assert.match(problems[2].message, /type base64/)
})

Deno.test('field mapping: the check throws field_mapping_invalid naming the first field', () => {
  assert.throws(
    () => checkFieldMapping({ Photo__c: 'photo' }, fields, columns),
    (error: unknown) => {
      assert.ok(error instanceof AppError)
      assert.deepEqual([error.status, error.code], [400, 'field_mapping_invalid'])
      assert.match(error.message, /Photo__c/)
      return true
    },
  )
  checkFieldMapping({}, fields, columns)
})
