// A Contact as the sync's query returns it, checked and mapped onto the contacts columns: what
// the record says goes to a column where one exists, the rest to source_metadata. The sync's
// pages are mapped by Postgres (`salesforceContactMapping`, the same mapping as `toContactRow`
// in SQL), so the function checks each record's shape and otherwise passes the page's bytes on.
import { z } from 'zod'
import { ProviderError } from '../../http/errors.ts'
import type { ContactRow } from '../../sync/contact-columns.ts'
import type { RecordBatch, RecordMapping } from '../../sync/upsert.ts'
import { storable } from '../../sync/upsert.ts'
import { accountField, idField, textField } from './contact-fields.ts'
import type { ContactCursor } from './contact-sync-soql.ts'
import { toId18 } from './ids.ts'

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

/** Fields read as text (string or null; absent when the org hides them). */
const textFields = [
  'FirstName',
  'LastName',
  'Email',
  'Phone',
  'MobilePhone',
  'Title',
  'Department',
  'AccountId',
  'OwnerId',
  'MailingStreet',
  'MailingCity',
  'MailingState',
  'MailingPostalCode',
  'MailingCountry',
  'LeadSource',
  'MasterRecordId',
] as const

/** Fields of the query, typed for Postgres to read the page with (`jsonb_to_recordset`). */
const pageColumns = [
  ['Id', 'text'],
  ['SystemModstamp', 'timestamptz'],
  ['IsDeleted', 'boolean'],
  ...textFields.map((name) => [name, 'text']),
  ['Account', 'jsonb'],
  ['HasOptedOutOfEmail', 'boolean'],
  ['DoNotCall', 'boolean'],
  ['CreatedDate', 'timestamptz'],
  ['LastModifiedDate', 'timestamptz'],
] as const

/** A datetime as the ISO 8601 UTC text `toISOString` gives, in SQL. */
const isoUtc = (column: string) =>
  `to_char(r."${column}" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/**
 * `toContactRow` in SQL, over the query page's JSON (`$1`, the response body as Salesforce sent
 * it): the page's `records`, one row per Id (a repeat keeps its newest version, the later one on
 * a tie, as `newestPerRecord` does). Records reach it only after `readContactPage` checked them,
 * so every cast succeeds. jsonb_strip_nulls drops unset fields, as `compact` does.
 */
export const salesforceContactMapping: RecordMapping = {
  name: 'salesforce_contact',
  pageSql: `
      select distinct on (r."Id") r."Id" as source_id, r."SystemModstamp" as source_modstamp,
             r."IsDeleted" as deleted, r."FirstName" as first_name, r."LastName" as last_name,
             r."Email" as email, coalesce(r."Phone", r."MobilePhone") as phone,
             r."Account"->>'Name' as company, r."Title" as title,
             jsonb_strip_nulls(jsonb_build_object(
               'account_id', r."AccountId",
               'owner_id', r."OwnerId",
               'mobile_phone', r."MobilePhone",
               'department', r."Department",
               'lead_source', r."LeadSource",
               'mailing_street', r."MailingStreet",
               'mailing_city', r."MailingCity",
               'mailing_state', r."MailingState",
               'mailing_postal_code', r."MailingPostalCode",
               'mailing_country', r."MailingCountry",
               'has_opted_out_of_email', r."HasOptedOutOfEmail",
               'do_not_call', r."DoNotCall",
               'master_record_id', r."MasterRecordId",
               'created_date', ${isoUtc('CreatedDate')},
               'last_modified_date', ${isoUtc('LastModifiedDate')}
             )) as source_metadata
        from rows from (jsonb_to_recordset(($1::text::jsonb)->'records') as (${
    pageColumns.map(([name, type]) => `"${name}" ${type}`).join(', ')
  })) with ordinality as r(${pageColumns.map(([name]) => `"${name}"`).join(', ')}, n)
       order by r."Id", r."SystemModstamp" desc, r.n desc`,
}

const queryPageSchema = z.looseObject({
  done: z.boolean(),
  nextRecordsUrl: z.string().optional(),
  records: z.array(z.unknown()),
})

export interface ContactPage {
  rows: RecordBatch
  /** The greatest (SystemModstamp, Id) of the page; null when it is empty. */
  cursor: ContactCursor | null
  nextRecordsUrl: string | null
}

const flagFields = ['HasOptedOutOfEmail', 'DoNotCall'] as const
const optionalDateFields = ['CreatedDate', 'LastModifiedDate'] as const

const isNullish = (value: unknown) => value === null || value === undefined
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Epoch ms of a Salesforce datetime, NaN when it is not one. */
function salesforceMs(value: unknown): number {
  if (typeof value !== 'string') return NaN
  // Salesforce sends UTC (`+0000`): the common case without a regular expression.
  if (value.endsWith('+0000')) return Date.parse(`${value.slice(0, -5)}Z`)
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
}

/**
 * True when `record` has the shape `syncedContactSchema` accepts: the same rules written as
 * plain checks, which cost a small part of the schema's parse on pages of 2,000 records.
 */
function isSyncedContact(record: unknown): record is Record<string, unknown> {
  if (!isObject(record)) return false
  if (typeof record.Id !== 'string' || toId18(record.Id) === undefined) return false
  if (Number.isNaN(salesforceMs(record.SystemModstamp))) return false
  if (typeof record.IsDeleted !== 'boolean') return false
  for (const field of textFields) {
    const value = record[field]
    if (typeof value !== 'string' && !isNullish(value)) return false
  }
  for (const field of flagFields) {
    const value = record[field]
    if (typeof value !== 'boolean' && !isNullish(value)) return false
  }
  for (const field of optionalDateFields) {
    const value = record[field]
    if (!isNullish(value) && Number.isNaN(salesforceMs(value))) return false
  }
  const account = record.Account
  if (isNullish(account)) return true
  return isObject(account) && (typeof account.Name === 'string' || isNullish(account.Name))
}

function invalidRecord(raw: unknown): ProviderError {
  const parsed = syncedContactSchema.safeParse(raw)
  return new ProviderError('Salesforce sent a Contact we cannot read', {
    code: 'salesforce_invalid_page',
    details: {
      issues: parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.')),
    },
  })
}

/**
 * Reads one query page: checks every record, finds the cursor, and hands the page on for
 * Postgres to map (`salesforceContactMapping`). `body` is the response text the page was parsed
 * from: passed on as it is unless a record had to change (a 15-character Id made canonical, or
 * U+0000 or a lone surrogate cleaned from a value: Postgres cannot store them, and one such value must not stop the
 * integration's sync; the record is stored cleaned, and the batch names it). The cursor is the
 * page's greatest position, not merely its last row, so a page out of order could never move the
 * cursor past a record it did not store.
 *
 * @throws {ProviderError} `salesforce_invalid_page` when the page or a record is not what the
 * query asked for.
 */
export function readContactPage(data: unknown, body?: string): ContactPage {
  const page = queryPageSchema.safeParse(data)
  if (!page.success || (!page.data.done && !page.data.nextRecordsUrl)) {
    throw new ProviderError('Salesforce sent a query page we cannot read', {
      code: 'salesforce_invalid_page',
    })
  }
  const records = page.data.records
  // The body's escapes say whether a value may hold U+0000 or a surrogate (alone, jsonb refuses
  // it); a false alarm (an escaped pair) only costs a look at each record.
  const mayHoldNul = body === undefined || body.includes('\\u0000') ||
    /\\u[dD][89a-fA-F]/.test(body)
  let changed = body === undefined
  // The greatest (epoch ms, Id) so far: the order of `isCursorAfter` (stamps as instants, then
  // Ids by code unit), compared without formatting a date per record.
  let best: { ms: number; id: string } | null = null
  const cleaned: string[] = []
  for (let i = 0; i < records.length; i++) {
    const record = records[i]
    if (!isSyncedContact(record)) throw invalidRecord(record)
    let kept = record
    if ((record.Id as string).length !== 18) kept = { ...kept, Id: toId18(record.Id as string) }
    if (mayHoldNul) {
      const clean = storable(kept)
      if (clean !== kept) cleaned.push(clean.Id as string)
      kept = clean
    }
    if (kept !== record) {
      records[i] = kept
      changed = true
    }
    const ms = salesforceMs(kept.SystemModstamp)
    const id = kept.Id as string
    if (!best || ms > best.ms || (ms === best.ms && id > best.id)) best = { ms, id }
  }
  const cursor = best ? { modstamp: new Date(best.ms).toISOString(), id: best.id } : null
  return {
    rows: {
      length: records.length,
      json: changed ? JSON.stringify({ records }) : body!,
      mapping: salesforceContactMapping,
      cleaned,
    },
    cursor,
    nextRecordsUrl: page.data.done ? null : page.data.nextRecordsUrl!,
  }
}
