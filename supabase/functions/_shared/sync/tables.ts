// The tables the sync writes, one description each: the table, its conflict key, the columns a
// source fills (with their Postgres types), and what else the page's statement keeps true. The
// page upsert (upsert.ts) is generated from a description; a provider maps its records onto
// one (its page SQL), next to its reader.

/** Postgres types a synced column may have, with the TypeScript value each takes. */
interface ColumnTypes {
  text: string | null
  jsonb: Record<string, unknown>
  boolean: boolean | null
  numeric: number | null
  integer: number | null
  uuid: string | null
}

export type ColumnType = keyof ColumnTypes

export interface SyncedColumn {
  name: string
  type: ColumnType
  /**
   * Merged into the stored value (`stored || new`) rather than replacing it: the contact's
   * custom_fields hold the team's own keys next to the mapped ones.
   */
  merge?: boolean
}

/** The tables the sync writes. */
export type SyncTableName = 'contacts' | 'accounts' | 'crm_leads' | 'crm_records'

export interface SyncTable {
  name: SyncTableName
  /**
   * What the upsert's `$4` is and which column it fills: the provider (`source_type`, tables
   * keyed by (business_id, source_type, source_id)) or the object (`object`, crm_records keyed
   * by (integration_id, object, source_id)).
   */
  scope: 'source_type' | 'object'
  /** Columns a source fills from its record, besides the key, stamp and bookkeeping. */
  columns: readonly SyncedColumn[]
  /** The table keeps `sync_status` ('synced' / 'deleted') next to deleted_at (contacts). */
  syncStatus: boolean
  /**
   * SQL run in the same statement after the rows are written, over the CTE `written` (the rows
   * as stored, `returning c.*`), with the upsert's parameters. The accounts' copy of the name
   * into their contacts' company lives here.
   */
  afterWrite?: string
  /**
   * SQL run after the delete phase (deletes.ts) soft-deletes rows of this table, in the same
   * transaction, with $1 the deleted rows' ids (uuid[]). The accounts' clearing of their
   * contacts' company lives here: a delete the read cannot see never passes afterWrite.
   */
  afterDelete?: string
  /**
   * Pages of this table and of the contacts of the same business commit one at a time (a
   * transaction-scoped advisory lock), so the company a contact takes from its account and the
   * name an account writes into its contacts cannot cross (see accountsTable).
   */
  followsAccounts?: boolean
}

/**
 * Columns of public.contacts a source fills. The key (business_id, source_type, source_id), the
 * source stamp, and the sync's bookkeeping (integration_id, last_synced_at, sync_status,
 * deleted_at) are written by the upsert itself. Tags are the team's own and never synced;
 * custom_fields is merged: mapped fields under the team's names, the team's own keys kept.
 */
export const contactSyncColumns = [
  { name: 'first_name', type: 'text' },
  { name: 'last_name', type: 'text' },
  { name: 'email', type: 'text' },
  { name: 'phone', type: 'text' },
  { name: 'company', type: 'text' },
  { name: 'title', type: 'text' },
  { name: 'source_metadata', type: 'jsonb' },
] as const satisfies readonly SyncedColumn[]

/**
 * Contacts. The company invariant, kept by two statements and one lock:
 * - a contact linked to a synced account row (account_id) shows that row's name as company (null
 *   while the account is deleted); a contact whose account has no row shows the name its read
 *   gave (Salesforce Account.Name). The contact's page SQL looks the account row up by
 *   (business_id, source_type, AccountId) and takes its name; the account upsert (accountsTable)
 *   writes its name into every contact linked to it, or whose account_source_id names it, in
 *   the same statement.
 * - Both commit under one advisory lock per (business, source type) (`followsAccounts`), so of
 *   an account page and a contact page, whichever commits second sees the first: a contact page
 *   read before a rename but committed after it takes the new name from the account row, and a
 *   rename committed after a contact page updates that page's rows too.
 */
export const contactsTable: SyncTable = {
  name: 'contacts',
  scope: 'source_type',
  columns: [
    ...contactSyncColumns,
    { name: 'account_id', type: 'uuid' },
    { name: 'account_source_id', type: 'text' },
    { name: 'custom_fields', type: 'jsonb', merge: true },
  ],
  syncStatus: true,
  followsAccounts: true,
}

/** The company text a contact shows for an account row `a` (null while it is deleted). */
export const accountCompanySql = 'case when a.deleted_at is null then a.name end'

/**
 * Accounts. Writing a page also links the business's contacts that name these accounts
 * (account_source_id → account_id) and copies each written account's name into their company:
 * a rename shows on the contacts within the account's own sync, with no contact re-read.
 */
export const accountsTable: SyncTable = {
  name: 'accounts',
  scope: 'source_type',
  columns: [
    { name: 'name', type: 'text' },
    { name: 'website', type: 'text' },
    { name: 'phone', type: 'text' },
    { name: 'industry', type: 'text' },
    { name: 'account_type', type: 'text' },
    { name: 'annual_revenue', type: 'numeric' },
    { name: 'number_of_employees', type: 'integer' },
    { name: 'billing_city', type: 'text' },
    { name: 'billing_state', type: 'text' },
    { name: 'billing_country', type: 'text' },
    { name: 'parent_source_id', type: 'text' },
    { name: 'source_metadata', type: 'jsonb' },
    { name: 'custom_fields', type: 'jsonb', merge: true },
  ],
  syncStatus: false,
  followsAccounts: true,
  afterWrite: `
    update public.contacts k
       set account_id = a.id, company = ${accountCompanySql}
      from written a
     where k.business_id = $2::uuid and k.source_type = $4::text
       and k.account_source_id = a.source_id
       and (k.account_id is distinct from a.id or k.company is distinct from ${accountCompanySql})`,
  afterDelete: `
    update public.contacts k set company = null
     where k.account_id = any($1::uuid[]) and k.company is not null`,
}

/** CRM leads (not campaign leads). */
export const crmLeadsTable: SyncTable = {
  name: 'crm_leads',
  scope: 'source_type',
  columns: [
    { name: 'first_name', type: 'text' },
    { name: 'last_name', type: 'text' },
    { name: 'email', type: 'text' },
    { name: 'phone', type: 'text' },
    { name: 'company', type: 'text' },
    { name: 'title', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'lead_source', type: 'text' },
    { name: 'industry', type: 'text' },
    { name: 'rating', type: 'text' },
    { name: 'is_converted', type: 'boolean' },
    { name: 'converted_account_source_id', type: 'text' },
    { name: 'converted_contact_source_id', type: 'text' },
    { name: 'source_metadata', type: 'jsonb' },
    { name: 'custom_fields', type: 'jsonb', merge: true },
  ],
  syncStatus: false,
}

/** Any other object's records: the mapped fields in `data`, keyed by (integration, object). */
export const crmRecordsTable: SyncTable = {
  name: 'crm_records',
  scope: 'object',
  columns: [{ name: 'data', type: 'jsonb' }],
  syncStatus: false,
}

type ColumnValues = {
  [Column in (typeof contactSyncColumns)[number] as Column['name']]: ColumnTypes[Column['type']]
}

/** One source record as the contacts upsert takes it, already mapped (tests, benchmarks). */
export interface ContactRow extends ColumnValues {
  /** The record's id at the source, canonical form (Salesforce: 18 characters). */
  source_id: string
  /** The source's modification stamp, ISO 8601: an older stamp never overwrites a newer one. */
  source_modstamp: string
  /** Deleted at the source: stored as a soft delete. */
  deleted: boolean
}
