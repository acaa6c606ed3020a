// Contact records as Salesforce's query returns them, read with zod into the shapes we answer
// with (a picker row) and store (a campaign lead).
import { z } from 'zod'
import { ProviderError } from '../../http/errors.ts'
import type { LeadSource, RemoteContact } from '../types.ts'
import { accountField, idField, textField } from './contact-fields.ts'

const pickerRecordSchema = z.looseObject({
  Id: idField,
  FirstName: textField,
  LastName: textField,
  Name: textField,
  Email: textField,
  Phone: textField,
  MobilePhone: textField,
  Title: textField,
  Department: textField,
  AccountId: textField,
  Account: accountField,
})

const leadRecordSchema = z.looseObject({
  Id: idField,
  FirstName: textField,
  LastName: textField,
  Email: textField,
  Phone: textField,
  Title: textField,
  Account: accountField,
})

export type { LeadSource, RemoteContact }

function parseRecord<S extends z.ZodType>(schema: S, record: unknown): z.output<S> {
  const parsed = schema.safeParse(record)
  if (!parsed.success) {
    throw new ProviderError('Salesforce returned a Contact we cannot read', {
      code: 'salesforce_invalid_response',
    })
  }
  return parsed.data
}

/**
 * A picker row from a record of `pickerFields`.
 *
 * @throws {ProviderError} 502 when the record lacks an id or has fields of the wrong type.
 */
export function toRemoteContact(record: unknown): RemoteContact {
  const r = parseRecord(pickerRecordSchema, record)
  return {
    id: r.Id,
    first_name: r.FirstName,
    last_name: r.LastName,
    name: r.Name,
    email: r.Email,
    phone: r.Phone,
    mobile_phone: r.MobilePhone,
    title: r.Title,
    department: r.Department,
    account_id: r.AccountId,
    account_name: r.Account?.Name ?? null,
  }
}

/**
 * A lead's columns from a record of `leadFields`; the account's name is the lead's company.
 *
 * @throws {ProviderError} 502 when the record lacks an id or has fields of the wrong type.
 */
export function toLeadSource(record: unknown): LeadSource {
  const r = parseRecord(leadRecordSchema, record)
  return {
    source_id: r.Id,
    first_name: r.FirstName,
    last_name: r.LastName,
    email: r.Email,
    phone: r.Phone,
    company: r.Account?.Name ?? null,
    title: r.Title,
  }
}
