// The Contact as the sync reads it: the fields of its query, their kinds, and the mapping onto
// the contacts columns (what the record says goes to a column where one exists, the rest to
// source_metadata, mapped fields to custom_fields). The sync's pages are mapped by Postgres
// (`salesforceContactMapping`, the same mapping as `toContactRow` in SQL); sync-page.ts checks
// each record's shape and otherwise passes the page's bytes on.
import { z } from 'zod'
import { accountCompanySql, type ContactRow, contactsTable } from '../../sync/tables.ts'
import type { RecordMapping } from '../../sync/upsert.ts'
import { accountField, idField, textField } from './contact-fields.ts'
import {
  type FieldKind,
  isoUtc,
  keptRecordSql,
  mappedFieldsSql,
  newestFirst,
  pageRecordsSql,
  readSObjectPage,
  type SObjectPage,
  type SObjectSync,
} from './sync-page.ts'
import type { ReadStart, SalesforceCursor } from './sync-soql.ts'
import { syncSoql } from './sync-soql.ts'

/**
 * Fields the sync reads. Component fields only: the compound MailingAddress would repeat them
 * as a nested object in every record. SystemModstamp (not LastModifiedDate) is the cursor,
 * because automated changes move only it (facts §2.6); IsDeleted comes with queryAll.
 */
export const contactSyncFields = [
  'Id',
  'FirstName',
  'LastName',
  'Email',
  'Phone',
  'MobilePhone',
  'Title',
  'Department',
  'AccountId',
  'Account.Name',
  'OwnerId',
  'MailingStreet',
  'MailingCity',
  'MailingState',
  'MailingPostalCode',
  'MailingCountry',
  'LeadSource',
  'HasOptedOutOfEmail',
  'DoNotCall',
  'MasterRecordId',
  'CreatedDate',
  'LastModifiedDate',
  'SystemModstamp',
  'IsDeleted',
] as const

/** The query of a Contact read (standard fields only). */
export function contactSyncSoql(start: ReadStart): string {
  return syncSoql('Contact', contactSyncFields, start)
}

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
export function contactCursorOf(record: SyncedContact): SalesforceCursor {
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

/** Fields of the query, typed for Postgres to read the page with (`jsonb_to_record`). */
const pageColumns = [
  ['Id', 'text'],
  ['SystemModstamp', 'timestamptz'],
  ['IsDeleted', 'boolean'],
  ...textFields.map((name) => [name, 'text'] as const),
  ['Account', 'jsonb'],
  ['HasOptedOutOfEmail', 'boolean'],
  ['DoNotCall', 'boolean'],
  ['CreatedDate', 'timestamptz'],
  ['LastModifiedDate', 'timestamptz'],
] as const

/**
 * `toContactRow` in SQL, over the query page's JSON (`$1`, the response body as Salesforce sent
 * it): the page's `records`, one row per Id (a repeat keeps its newest version, the later one on
 * a tie, as `newestPerRecord` does). Records reach it only after the page was checked, so every
 * cast succeeds. jsonb_strip_nulls drops unset fields, as `compact` does.
 *
 * The company follows the synced account (the invariant is written down at contactsTable): the
 * account row of AccountId, when the business has one from this source, gives the company and
 * account_id; else the name the read gave. Mapped fields go to custom_fields under the team's
 * names; the whole record to source_metadata.record when the team opted in.
 */
export const salesforceContactMapping: RecordMapping = {
  name: 'salesforce_contact',
  table: contactsTable,
  pageSql: `
      select distinct on (r."Id") r."Id" as source_id, r."SystemModstamp" as source_modstamp,
             r."IsDeleted" as deleted, r."FirstName" as first_name, r."LastName" as last_name,
             r."Email" as email, coalesce(r."Phone", r."MobilePhone") as phone,
             case when a.id is null then r."Account"->>'Name' else ${accountCompanySql} end
               as company,
             r."Title" as title,
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
             )) || ${keptRecordSql} as source_metadata,
             a.id as account_id, r."AccountId" as account_source_id,
             ${mappedFieldsSql} as custom_fields
        from ${pageRecordsSql(pageColumns)}
        left join public.accounts a
          on a.business_id = $2::uuid and a.source_type = $4::text and a.source_id = r."AccountId"
       ${newestFirst}`,
}

const kinds: Record<string, FieldKind> = {
  HasOptedOutOfEmail: 'flag',
  DoNotCall: 'flag',
  CreatedDate: 'datetime',
  LastModifiedDate: 'datetime',
  Account: 'parent',
}

/** How the sync reads Contacts. */
export const contactSync: SObjectSync = {
  sobject: 'Contact',
  select: contactSyncFields,
  checks: [
    ...textFields.map((field) => [field, 'text'] as const),
    ...Object.entries(kinds),
  ],
  mapping: salesforceContactMapping,
}

/** Reads one Contact query page (see readSObjectPage). */
export function readContactPage(data: unknown, body?: string): SObjectPage {
  return readSObjectPage(contactSync, data, body)
}
