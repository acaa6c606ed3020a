// The one description of what the sync writes into public.contacts: every synced column and its
// Postgres type. The page upsert is generated from it, and providers map records onto it.

/** Postgres types a synced column may have, with the TypeScript value each takes. */
interface ColumnTypes {
  text: string | null
  jsonb: Record<string, unknown>
}

export type ColumnType = keyof ColumnTypes

export interface SyncedColumn {
  name: string
  type: ColumnType
}

/**
 * Columns a provider fills from its record. The key (business_id, source_type, source_id), the
 * source stamp, and the sync's bookkeeping (integration_id, last_synced_at, sync_status,
 * deleted_at) are written by the upsert itself. Tags and custom fields are the team's own and
 * never synced.
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

type ColumnValues = {
  [Column in (typeof contactSyncColumns)[number] as Column['name']]: ColumnTypes[Column['type']]
}

/** One source record as the upsert takes it. */
export interface ContactRow extends ColumnValues {
  /** The record's id at the source, canonical form (Salesforce: 18 characters). */
  source_id: string
  /** The source's modification stamp, ISO 8601: an older stamp never overwrites a newer one. */
  source_modstamp: string
  /** Deleted at the source: stored as a soft delete. */
  deleted: boolean
}
