// A Contact as the sync's query returns it, read with zod and mapped onto the contacts columns:
// what the record says goes to a column where one exists, the rest to source_metadata.
import { z } from 'zod'
import { ProviderError } from '../../http/errors.ts'
import type { ContactRow } from '../../sync/contact-columns.ts'
import { accountField, idField, textField } from './contact-fields.ts'
import type { ContactCursor } from './contact-sync-soql.ts'

/**
 * Salesforce datetimes (`2026-03-02T10:00:00.000+0000`, facts §0.8) as ISO 8601 UTC. The offset
 * has no colon, which not every parser takes, so it is added before parsing.
 */
export function parseSalesforceDateTime(value: string): string | undefined {
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString()
}

/** Unset flags are `null`; a field the org hides from us would be absent. Both → null. */
const flag = z.boolean().nullish().transform((value) => value ?? null)
const dateTime = z.string().transform((value, ctx) => {
  const iso = parseSalesforceDateTime(value)
  if (!iso) ctx.addIssue({ code: 'custom', message: 'not a Salesforce datetime' })
  return iso ?? value
})

export const syncedContactSchema = z.looseObject({
  Id: idField,
  SystemModstamp: dateTime,
  IsDeleted: z.boolean(),
  FirstName: textField,
  LastName: textField,
  Email: textField,
  Phone: textField,
  MobilePhone: textField,
  Title: textField,
  Department: textField,
  AccountId: textField,
  Account: accountField,
  OwnerId: textField,
  MailingStreet: textField,
  MailingCity: textField,
  MailingState: textField,
  MailingPostalCode: textField,
  MailingCountry: textField,
  LeadSource: textField,
  HasOptedOutOfEmail: flag,
  DoNotCall: flag,
  MasterRecordId: textField,
  CreatedDate: dateTime.nullish(),
  LastModifiedDate: dateTime.nullish(),
})

export type SyncedContact = z.output<typeof syncedContactSchema>

/** The record's place in the sync's order. */
export function contactCursorOf(record: SyncedContact): ContactCursor {
  return { modstamp: record.SystemModstamp, id: record.Id }
}

/** Keeps the keys whose value is set, so unset fields take no room in every row's metadata. */
function compact(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value != null))
}

/**
 * The contacts row of a record. The phone column takes the main phone, else the mobile; the
 * company is the parent Account's name. A deleted record (Recycle Bin, or merged into
 * MasterRecordId) becomes a soft delete.
 */
export function toContactRow(record: SyncedContact): ContactRow {
  return {
    source_id: record.Id,
    source_modstamp: record.SystemModstamp,
    deleted: record.IsDeleted,
    first_name: record.FirstName,
    last_name: record.LastName,
    email: record.Email,
    phone: record.Phone ?? record.MobilePhone,
    company: record.Account?.Name ?? null,
    title: record.Title,
    source_metadata: compact({
      account_id: record.AccountId,
      owner_id: record.OwnerId,
      mobile_phone: record.MobilePhone,
      department: record.Department,
      lead_source: record.LeadSource,
      mailing_street: record.MailingStreet,
      mailing_city: record.MailingCity,
      mailing_state: record.MailingState,
      mailing_postal_code: record.MailingPostalCode,
      mailing_country: record.MailingCountry,
      has_opted_out_of_email: record.HasOptedOutOfEmail,
      do_not_call: record.DoNotCall,
      master_record_id: record.MasterRecordId,
      created_date: record.CreatedDate,
      last_modified_date: record.LastModifiedDate,
    }),
  }
}

const queryPageSchema = z.looseObject({
  done: z.boolean(),
  nextRecordsUrl: z.string().optional(),
  records: z.array(z.unknown()),
})

export interface ContactPage {
  rows: ContactRow[]
  /** The greatest (SystemModstamp, Id) of the page; null when it is empty. */
  cursor: ContactCursor | null
  nextRecordsUrl: string | null
}

/**
 * Reads one query page. The cursor is the page's greatest position, not merely its last row,
 * so a page out of order could never move the cursor past a record it did not store.
 *
 * @throws {ProviderError} `salesforce_invalid_page` when the page or a record is not what the
 * query asked for.
 */
export function readContactPage(
  data: unknown,
  isAfter: (a: ContactCursor, b: ContactCursor | null) => boolean,
): ContactPage {
  const page = queryPageSchema.safeParse(data)
  if (!page.success || (!page.data.done && !page.data.nextRecordsUrl)) {
    throw new ProviderError('Salesforce sent a query page we cannot read', {
      code: 'salesforce_invalid_page',
    })
  }
  const rows: ContactRow[] = []
  let cursor: ContactCursor | null = null
  for (const raw of page.data.records) {
    const record = syncedContactSchema.safeParse(raw)
    if (!record.success) {
      throw new ProviderError('Salesforce sent a Contact we cannot read', {
        code: 'salesforce_invalid_page',
        details: { issues: record.error.issues.map((issue) => issue.path.join('.')) },
      })
    }
    rows.push(toContactRow(record.data))
    const position = contactCursorOf(record.data)
    if (isAfter(position, cursor)) cursor = position
  }
  return {
    rows,
    cursor,
    nextRecordsUrl: page.data.done ? null : page.data.nextRecordsUrl!,
  }
}
