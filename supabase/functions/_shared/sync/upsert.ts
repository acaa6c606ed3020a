// The page upsert: one statement per page, generated once per mapping from the column
// description, that inserts new contacts, updates changed ones only when the source's stamp says
// they are newer, and soft-deletes what the source deleted. Postgres reads the page's JSON and maps
// it onto the columns, so the function only moves the page's bytes: parsing and mapping records in
// JavaScript cost several times the CPU of everything else a page does, and CPU is what an edge
// function has least of.
import type { Tx } from '../db/client.ts'
import { type ContactRow, contactSyncColumns, type SyncedColumn } from './contact-columns.ts'

/**
 * How the upsert reads a page: a SQL query over `$1` (the page's JSON text, typed text so the
 * driver sends it as is) giving one row per record with the columns `source_id`,
 * `source_modstamp` (timestamptz), `deleted` (boolean) and every synced column, at most one row
 * per source_id (the newest). A provider states its own mapping here, next to its reader.
 */
export interface RecordMapping {
  /** For logs and the statement cache. */
  readonly name: string
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
  /** Rows inserted or changed as live contacts. */
  upserted: number
  /** Rows written as deleted (soft delete). */
  deleted: number
}

/** The page query of `ContactRow` JSON (an array of rows), typed by the column description. */
export function contactRowsPageSql(columns: readonly SyncedColumn[]): string {
  const recordset = [
    'source_id text',
    'source_modstamp timestamptz',
    'deleted boolean',
    ...columns.map((column) => `${column.name} ${column.type}`),
  ].join(', ')
  return `select * from jsonb_to_recordset($1::text::jsonb) as r(${recordset})`
}

/**
 * The statement for `columns`, reading the page with `pageSql` (default: `ContactRow` JSON, see
 * `contactRowsPageSql`). Parameters: $1 the page as JSON text, $2 business_id, $3
 * integration_id, $4 source_type.
 *
 * A row wins when its stamp is newer, or when the stamps are equal and its content differs.
 * Salesforce stamps have one-second precision, so a record changed (or deleted) twice in one
 * second shows the same stamp twice; the later read is the later version (reads of one
 * integration never overlap, thanks to the lease), and the lookback re-read delivers it. A
 * strict `>` would keep the first version forever. Equal and identical rows are not written at
 * all, which keeps the lookback's re-reads free.
 *
 * Deleted records are kept as tombstones (deleted_at, sync_status 'deleted'), also when first
 * seen deleted: the stamp they carry keeps an older live version from resurrecting them, and an
 * undelete at the source (a newer live version) brings them back.
 */
export function buildContactUpsert(
  columns: readonly SyncedColumn[],
  pageSql: string = contactRowsPageSql(columns),
): string {
  const names = columns.map((column) => column.name)
  const compared = [...names, 'integration_id', 'sync_status']
  const changed = `(${compared.map((name) => `excluded.${name}`).join(', ')}) is distinct from ` +
    `(${compared.map((name) => `c.${name}`).join(', ')})`
  return `
    with page as (
      ${pageSql}
    ), written as (
      insert into public.contacts as c
        (business_id, integration_id, source_type, source_id, ${names.join(', ')},
         source_modstamp, last_synced_at, sync_status, deleted_at)
      select $2::uuid, $3::uuid, $4::text, r.source_id, ${
    names.map((name) => `r.${name}`).join(', ')
  },
             r.source_modstamp, now(),
             case when r.deleted then 'deleted' else 'synced' end,
             case when r.deleted then now() end
        from page r
      on conflict (business_id, source_type, source_id) do update
         set ${names.map((name) => `${name} = excluded.${name}`).join(', ')},
             integration_id = excluded.integration_id,
             source_modstamp = excluded.source_modstamp,
             last_synced_at = excluded.last_synced_at,
             sync_status = excluded.sync_status,
             deleted_at = case when excluded.deleted_at is null then null
                               else coalesce(c.deleted_at, excluded.deleted_at) end
       where c.source_modstamp is null
          or excluded.source_modstamp > c.source_modstamp
          or (excluded.source_modstamp = c.source_modstamp and ${changed})
      returning c.sync_status
    )
    select (count(*) filter (where sync_status = 'synced'))::int as upserted,
           (count(*) filter (where sync_status = 'deleted'))::int as deleted
      from written`
}

/** Statements by mapping name: each is built once per process. */
const statements = new Map<string, string>()

function upsertFor(mapping: RecordMapping): string {
  let statement = statements.get(mapping.name)
  if (!statement) {
    statement = buildContactUpsert(contactSyncColumns, mapping.pageSql)
    statements.set(mapping.name, statement)
  }
  return statement
}

/** ContactRow JSON, read by the column description (rows mapped by the caller). */
export const contactRowMapping: RecordMapping = {
  name: 'contact_rows',
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

/** Upserts one page of contacts in one statement. `tx` must come from `asService`. */
export async function upsertContacts(
  tx: Tx,
  target: { businessId: string; integrationId: string; sourceType: string },
  batch: RecordBatch | ContactRow[],
): Promise<UpsertCounts> {
  const records = Array.isArray(batch) ? contactRowsBatch(batch) : batch
  if (records.length === 0) return { upserted: 0, deleted: 0 }
  const [counts] = await tx.unsafe<UpsertCounts[]>(upsertFor(records.mapping), [
    records.json,
    target.businessId,
    target.integrationId,
    target.sourceType,
  ])
  return counts
}
