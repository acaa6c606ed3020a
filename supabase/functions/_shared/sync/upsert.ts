// The page upsert: one statement per page, generated once from the column description, that
// inserts new contacts, updates changed ones only when the source's stamp says they are newer,
// and soft-deletes what the source deleted.
import type { Tx } from '../db/client.ts'
import { type ContactRow, contactSyncColumns, type SyncedColumn } from './contact-columns.ts'

export interface UpsertCounts {
  /** Rows inserted or changed as live contacts. */
  upserted: number
  /** Rows written as deleted (soft delete). */
  deleted: number
}

/**
 * The statement for `columns`. Parameters: $1 the page as JSON text (an array of rows; typed
 * text so the driver sends it as is, not encoded once more), $2 business_id, $3 integration_id,
 * $4 source_type.
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
export function buildContactUpsert(columns: readonly SyncedColumn[]): string {
  const names = columns.map((column) => column.name)
  const recordset = [
    'source_id text',
    'source_modstamp timestamptz',
    'deleted boolean',
    ...columns.map((column) => `${column.name} ${column.type}`),
  ].join(', ')
  const compared = [...names, 'integration_id', 'sync_status']
  const changed = `(${compared.map((name) => `excluded.${name}`).join(', ')}) is distinct from ` +
    `(${compared.map((name) => `c.${name}`).join(', ')})`
  return `
    with page as (
      select * from jsonb_to_recordset($1::text::jsonb) as r(${recordset})
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

const contactUpsert = buildContactUpsert(contactSyncColumns)

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

/** Upserts one page of contacts in one statement. `tx` must come from `asService`. */
export async function upsertContacts(
  tx: Tx,
  target: { businessId: string; integrationId: string; sourceType: string },
  rows: ContactRow[],
): Promise<UpsertCounts> {
  if (rows.length === 0) return { upserted: 0, deleted: 0 }
  const [counts] = await tx.unsafe<UpsertCounts[]>(contactUpsert, [
    JSON.stringify(newestPerRecord(rows)),
    target.businessId,
    target.integrationId,
    target.sourceType,
  ])
  return counts
}
