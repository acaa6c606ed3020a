// The page upsert: one statement per page, generated once per table and mapping from the table's
// description (tables.ts), that inserts new records, updates changed ones only when the source's
// stamp says they are newer, and soft-deletes what the source deleted. Postgres reads the page's
// JSON and maps it onto the columns, so the function only moves the page's bytes: parsing and
// mapping records in JavaScript cost several times the CPU of everything else a page does, and
// CPU is what an edge function has least of.
import type { Tx } from '../db/client.ts'
import {
  type ContactRow,
  contactsTable,
  contactSyncColumns,
  type SyncedColumn,
  type SyncTable,
} from './tables.ts'

/**
 * How the upsert reads a page: a SQL query over `$1` (the page's JSON text, typed text so the
 * driver sends it as is) giving one row per record with the columns `source_id`,
 * `source_modstamp` (timestamptz), `deleted` (boolean) and every column of `table`, at most one
 * row per source_id (the newest). It may read the CTE `opts` (`field_mapping` jsonb: source
 * field → the team's name; `keep_source` boolean: keep the whole record) and the parameters $2
 * business_id, $3 integration_id, $4 the table's scope. A provider states its own mapping here,
 * next to its reader.
 */
export interface RecordMapping {
  /** For logs and the statement cache: unique per (table, page SQL). */
  readonly name: string
  readonly table: SyncTable
  readonly pageSql: string
}

/** One page's records as the upsert takes them: JSON text and the mapping that reads it. */
export interface RecordBatch {
  /** Records in the page (before any repeat of one record is folded). */
  readonly length: number
  readonly json: string
  readonly mapping: RecordMapping
  /**
   * Source ids of records stored with values cleaned: text Postgres cannot hold (U+0000) is
   * removed rather than letting one record fail every run of its integration.
   */
  readonly cleaned: readonly string[]
}

export interface UpsertCounts {
  /** Rows inserted or changed as live records. */
  upserted: number
  /** Rows written as deleted (soft delete). */
  deleted: number
}

/** Where a page goes: the business and integration, and the table's scope value ($4). */
export interface UpsertTarget {
  businessId: string
  integrationId: string
  /** source_type (the provider) or, for crm_records, the object. */
  scope: string
  /** Source field → the team's name, for custom_fields / data (empty: none). */
  fieldMapping?: Readonly<Record<string, string>>
  /** Keep the whole source record in source_metadata (opt-in). */
  keepSourceRecord?: boolean
}

/** The page query of `ContactRow` JSON (an array of rows), typed by the column description. */
export function contactRowsPageSql(columns: readonly SyncedColumn[]): string {
  const recordset = [
    'source_id text',
    'source_modstamp timestamptz',
    'deleted boolean',
    ...columns.map((column) => `${column.name} ${column.type}`),
  ].join(', ')
  return `select *, null::uuid as account_id, null::text as account_source_id,
                 '{}'::jsonb as custom_fields
            from jsonb_to_recordset($1::text::jsonb) as r(${recordset})`
}

/**
 * The statement for `table`, reading the page with `pageSql`. Parameters: $1 the page as JSON
 * text, $2 business_id, $3 integration_id, $4 the scope (source_type, or the object for
 * crm_records), $5 the field mapping as JSON text, $6 keep the source record.
 *
 * A row wins when its stamp is newer, or when the stamps are equal and its content differs.
 * Salesforce stamps have one-second precision, so a record changed (or deleted) twice in one
 * second shows the same stamp twice; the later read is the later version (reads of one object
 * never overlap, thanks to the lease), and the lookback re-read delivers it. A strict `>` would
 * keep the first version forever. Equal and identical rows are not written at all, which keeps
 * the lookback's re-reads free.
 *
 * Deleted records are kept as tombstones (deleted_at, and sync_status 'deleted' where the table
 * has it), also when first seen deleted: the stamp they carry keeps an older live version from
 * resurrecting them, and an undelete at the source (a newer live version) brings them back.
 */
export function buildUpsert(table: SyncTable, pageSql: string): string {
  const names = table.columns.map((column) => column.name)
  // What a row becomes: a merged column keeps the stored keys the page does not set.
  const newValue = (column: SyncedColumn) =>
    column.merge ? `c.${column.name} || excluded.${column.name}` : `excluded.${column.name}`
  const compared = [
    ...table.columns.map((column) => [newValue(column), `c.${column.name}`]),
    ['excluded.integration_id', 'c.integration_id'],
    table.syncStatus
      ? ['excluded.sync_status', 'c.sync_status']
      : ['excluded.deleted_at is null', 'c.deleted_at is null'],
  ]
  const changed = `(${compared.map(([now]) => now).join(', ')}) is distinct from ` +
    `(${compared.map(([, was]) => was).join(', ')})`
  const key = table.scope === 'object'
    ? ['integration_id', 'object', 'source_id']
    : ['business_id', 'source_type', 'source_id']
  const status = table.syncStatus
    ? { columns: ', sync_status', values: ", case when r.deleted then 'deleted' else 'synced' end" }
    : { columns: '', values: '' }
  const live = table.syncStatus ? "sync_status = 'synced'" : 'deleted_at is null'
  return `
    with opts as (
      select $5::text::jsonb as field_mapping, $6::boolean as keep_source
    ), page as (
      ${pageSql}
    ), written as (
      insert into public.${table.name} as c
        (business_id, integration_id, ${table.scope}, source_id, ${names.join(', ')},
         source_modstamp, last_synced_at${status.columns}, deleted_at)
      select $2::uuid, $3::uuid, $4::text, r.source_id, ${
    names.map((name) => `r.${name}`).join(', ')
  },
             r.source_modstamp, now()${status.values},
             case when r.deleted then now() end
        from page r
      on conflict (${key.join(', ')}) do update
         set ${table.columns.map((column) => `${column.name} = ${newValue(column)}`).join(', ')},
             integration_id = excluded.integration_id,
             source_modstamp = excluded.source_modstamp,
             last_synced_at = excluded.last_synced_at,${
    table.syncStatus ? '\n             sync_status = excluded.sync_status,' : ''
  }
             deleted_at = case when excluded.deleted_at is null then null
                               else coalesce(c.deleted_at, excluded.deleted_at) end
       where c.source_modstamp is null
          or excluded.source_modstamp > c.source_modstamp
          or (excluded.source_modstamp = c.source_modstamp and ${changed})
      returning c.*
    )${table.afterWrite ? `, after_write as (${table.afterWrite}\n      returning 1\n    )` : ''}
    select (count(*) filter (where ${live}))::int as upserted,
           (count(*) filter (where not (${live})))::int as deleted
      from written`
}

/** The contacts statement (tests and benchmarks read it). */
export function buildContactUpsert(
  columns: readonly SyncedColumn[] = contactSyncColumns,
  pageSql: string = contactRowsPageSql(columns),
): string {
  const table = columns === contactSyncColumns
    ? contactsTable
    : { ...contactsTable, columns: [...columns, ...contactsTable.columns.slice(-3)] }
  return buildUpsert(table, pageSql)
}

/** Statements by mapping name: each is built once per process. */
const statements = new Map<string, string>()

function upsertFor(mapping: RecordMapping): string {
  let statement = statements.get(mapping.name)
  if (!statement) {
    statement = buildUpsert(mapping.table, mapping.pageSql)
    statements.set(mapping.name, statement)
  }
  return statement
}

/** ContactRow JSON, read by the column description (rows mapped by the caller). */
export const contactRowMapping: RecordMapping = {
  name: 'contact_rows',
  table: contactsTable,
  pageSql: contactRowsPageSql(contactSyncColumns),
}

/**
 * The same record twice in one statement would make Postgres refuse the whole page ("cannot
 * affect row a second time"); a query never returns that, but a page is cheap to make sure of.
 * The newest version of each record stays.
 */
export function newestPerRecord(rows: ContactRow[]): ContactRow[] {
  const byId = new Map<string, ContactRow>()
  for (const row of rows) {
    const seen = byId.get(row.source_id)
    if (!seen || Date.parse(row.source_modstamp) >= Date.parse(seen.source_modstamp)) {
      byId.set(row.source_id, row)
    }
  }
  return byId.size === rows.length ? rows : [...byId.values()]
}

/** A batch of rows already mapped onto the columns (tests, benchmarks, other sources). */
export function contactRowsBatch(rows: ContactRow[]): RecordBatch {
  const cleaned: string[] = []
  const kept = newestPerRecord(rows).map((row) => {
    const clean = storable(row)
    if (clean !== row) cleaned.push(row.source_id)
    return clean
  })
  return { length: rows.length, json: JSON.stringify(kept), mapping: contactRowMapping, cleaned }
}

/**
 * `value` with what Postgres text and jsonb cannot hold made storable, in its strings at any
 * depth: U+0000 removed, and a lone UTF-16 surrogate (valid in JavaScript, refused by jsonb)
 * replaced by U+FFFD. The same value when there is nothing to clean, so callers can tell by
 * identity whether anything was.
 */
export function storable<T>(value: T): T {
  if (typeof value === 'string') {
    const clean = value.includes('\u0000') ? value.replaceAll('\u0000', '') : value
    return (clean.isWellFormed() ? clean : clean.toWellFormed()) as T
  }
  if (value === null || typeof value !== 'object') return value
  const source = value as Record<string, unknown>
  let copy: Record<string, unknown> | undefined
  for (const [key, item] of Object.entries(source)) {
    const clean = storable(item)
    if (clean === item) continue
    copy ??= (Array.isArray(source) ? [...source] : { ...source }) as Record<string, unknown>
    copy[key] = clean
  }
  return (copy ?? value) as T
}

/**
 * Upserts one page into its mapping's table in one statement. `tx` must come from `asService`;
 * a table that `followsAccounts` must hold the business's company lock (see lockCompanies).
 */
export async function upsertPage(
  tx: Tx,
  target: UpsertTarget,
  records: RecordBatch,
): Promise<UpsertCounts> {
  if (records.length === 0) return { upserted: 0, deleted: 0 }
  const [counts] = await tx.unsafe<UpsertCounts[]>(upsertFor(records.mapping), [
    records.json,
    target.businessId,
    target.integrationId,
    target.scope,
    JSON.stringify(target.fieldMapping ?? {}),
    target.keepSourceRecord ?? false,
  ])
  return counts
}

/**
 * Serializes, until commit, the pages of one business's accounts and contacts from one source
 * type (see contactsTable): a statement that follows sees what the other committed.
 */
export async function lockCompanies(tx: Tx, businessId: string, sourceType: string) {
  await tx`select pg_advisory_xact_lock(hashtextextended(${`companies:${businessId}:${sourceType}`}, 0))`
}

/** Upserts one page of contacts in one statement. `tx` must come from `asService`. */
export async function upsertContacts(
  tx: Tx,
  target: { businessId: string; integrationId: string; sourceType: string },
  batch: RecordBatch | ContactRow[],
): Promise<UpsertCounts> {
  const records = Array.isArray(batch) ? contactRowsBatch(batch) : batch
  await lockCompanies(tx, target.businessId, target.sourceType)
  return await upsertPage(tx, {
    businessId: target.businessId,
    integrationId: target.integrationId,
    scope: target.sourceType,
  }, records)
}
