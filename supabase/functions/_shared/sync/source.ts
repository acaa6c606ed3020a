// The contract between the engine and a provider's sync of one object: read pages after a
// cursor, tell which cursor is later, and say what an error means. Everything else (leases,
// budget, retries, upserts, run records) is the engine's, the same for every provider and object.
import type { SyncTable } from './tables.ts'
import type { RecordBatch } from './upsert.ts'

/** A position in the source's change order, stored as JSON in integration_sync_state.cursor. */
export type SyncCursor = Record<string, string>

export interface SourcePage {
  /** The page's records, for the upsert to map (see `RecordMapping`). */
  rows: RecordBatch
  /** The position of the page's last record in the read's order; null for an empty page. */
  cursor: SyncCursor | null
  /** Handle of the next page of the same read; null when the read is done. */
  next: string | null
  /**
   * The provider's own time when it answered (ISO 8601; e.g. the HTTP Date header), null when it
   * did not say. The engine measures the lookback from the first answer of each read.
   */
  answeredAt: string | null
}

/** How far back a new read starts (the engine decides; see readPages in engine.ts). */
export interface ReadLookback {
  seconds: number
  /**
   * When the previous read began (provider time), or null: the window is measured back from the
   * earlier of this and the cursor's own position.
   */
  from: string | null
}

/** A record the provider's delete log names: deleted at `deletedAt` (provider time, ISO). */
export interface DeletedRecord {
  id: string
  deletedAt: string
}

/** One call's worth of the delete log (Salesforce getDeleted). */
export interface DeleteLogPage {
  deleted: DeletedRecord[]
  /** The log is complete from here on; a gap before it means deletes may be unknown. */
  earliestAvailable: string
  /** Deletes up to here are in `deleted`; the next call starts here. */
  latestCovered: string
}

/** One page of an id scan: every id that still exists (live or deleted), in id order. */
export interface IdScanPage {
  ids: string[]
  /** Handle of the next page of the same scan; null when the scan is done. */
  next: string | null
  answeredAt: string | null
}

/**
 * What a provider offers to find deletes its change feed no longer shows (records purged from a
 * recycle bin or hard-deleted): a delete log for recent ones, and a scan of the ids that exist
 * for when the log cannot cover the gap.
 */
export interface SourceDeletes {
  /** How far back the delete log reaches at most (Salesforce: 15 days). */
  readonly logWindowMs: number
  /**
   * The order of `scanIds`: by code unit (`text`, Salesforce's 18-character ids; the default)
   * or as the integers they are (`numeric`, HubSpot's ids: "9" before "10").
   */
  readonly idOrder?: 'text' | 'numeric'

  /** Deletes logged in [start, end) (provider time, ISO). */
  log(start: string, end: string, signal: AbortSignal): Promise<DeleteLogPage>
  /** Starts a scan of the ids that exist, after `after` (null: from the first), in id order. */
  scanIds(after: string | null, signal: AbortSignal): Promise<IdScanPage>
  nextIds(next: string, signal: AbortSignal): Promise<IdScanPage>
  /** Which of `ids` still exist (live or deleted), asked now. */
  existing(ids: string[], signal: AbortSignal): Promise<Set<string>>
}

/** What an error means to the engine; undefined leaves it to the engine's own rules. */
export type SourceErrorVerdict =
  /** May work on a later attempt: retry with backoff (after `retryAfterMs` when the server said). */
  | { kind: 'transient'; retryAfterMs?: number }
  /** The source forgot the read (an expired query locator): start a new read from the last position. */
  | { kind: 'read_expired' }
  /** The provider's API allowance is spent: stop the run, resume after `resumeAfterMs`. */
  | { kind: 'rate_limited'; resumeAfterMs?: number }
  /**
   * Only this object cannot be read (a mapped field deleted in the org, no access to the
   * object): its run fails with `code`, the integration and its other objects carry on.
   */
  | { kind: 'object_error'; code: string; message: string }

export interface SyncSource {
  /** source_type of the rows this source writes (the provider). */
  readonly sourceType: string
  /** The table its pages go to (their mappings say the same). */
  readonly table: SyncTable
  /** Provider API calls made so far. */
  readonly apiCalls: number
  /**
   * Starts a read of every record after `cursor` (null: from the beginning), in the order the
   * cursor follows: exactly after it (lookback null), or from `lookback.seconds` before the
   * earlier of the cursor and `lookback.from`.
   */
  start(
    cursor: SyncCursor | null,
    lookback: ReadLookback | null,
    signal: AbortSignal,
  ): Promise<SourcePage>
  /** The page after the one that returned `next`. */
  next(next: string, signal: AbortSignal): Promise<SourcePage>
  /** True when `a` lies strictly after `b` (null: the beginning). */
  isAfter(a: SyncCursor, b: SyncCursor | null): boolean
  /** A stored cursor read back; undefined when it is not one of this source's. */
  parseCursor(stored: unknown): SyncCursor | null | undefined
  classify(error: unknown): SourceErrorVerdict | undefined
  /** Finding purged and hard-deleted records; absent when the provider has no way to. */
  readonly deletes?: SourceDeletes
}

/** An object's sync configuration (integration_objects), checked at run time. */
export interface ObjectSyncConfig {
  /** contact, account, lead, or the provider's API name of another object. */
  object: string
  /** Source field → the team's name (custom_fields, or crm_records.data). */
  fieldMapping: Readonly<Record<string, string>>
  /** Keep the whole source record in source_metadata. */
  keepSourceRecord: boolean
}

export interface SourceOptions {
  /** The object to read, and its field mapping. */
  object: ObjectSyncConfig
  /** Records per page to ask for (a wish: the provider may send fewer). */
  pageSize: number
  /** One provider request's limit before it counts as a transient failure. */
  requestTimeoutMs: number
}

/** Makes the source of one integration's object for one run. */
export type SourceFactory = (integrationId: string, options: SourceOptions) => SyncSource
