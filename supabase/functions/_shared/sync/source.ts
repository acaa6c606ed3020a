// The contract between the engine and a provider's sync: read pages after a cursor, tell which
// cursor is later, and say what an error means. Everything else (leases, budget, retries,
// upserts, run records) is the engine's, the same for every provider.
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
}

/** What an error means to the engine; undefined leaves it to the engine's own rules. */
export type SourceErrorVerdict =
  /** May work on a later attempt: retry with backoff (after `retryAfterMs` when the server said). */
  | { kind: 'transient'; retryAfterMs?: number }
  /** The source forgot the read (an expired query locator): start a new read from the last position. */
  | { kind: 'read_expired' }
  /** The provider's API allowance is spent: stop the run, resume after `resumeAfterMs`. */
  | { kind: 'rate_limited'; resumeAfterMs?: number }

export interface SyncSource {
  /** contacts.source_type of the rows this source writes. */
  readonly sourceType: string
  /** Provider API calls made so far. */
  readonly apiCalls: number
  /**
   * Starts a read of every record after `cursor` (null: from the beginning), in the order the
   * cursor follows, re-reading records up to `lookbackSeconds` before it.
   */
  start(
    cursor: SyncCursor | null,
    lookbackSeconds: number,
    signal: AbortSignal,
  ): Promise<SourcePage>
  /** The page after the one that returned `next`. */
  next(next: string, signal: AbortSignal): Promise<SourcePage>
  /** True when `a` lies strictly after `b` (null: the beginning). */
  isAfter(a: SyncCursor, b: SyncCursor | null): boolean
  /** A stored cursor read back; undefined when it is not one of this source's. */
  parseCursor(stored: unknown): SyncCursor | null | undefined
  classify(error: unknown): SourceErrorVerdict | undefined
}

export interface SourceOptions {
  /** Records per page to ask for (a wish: the provider may send fewer). */
  pageSize: number
  /** One provider request's limit before it counts as a transient failure. */
  requestTimeoutMs: number
}

/** Makes the source of one integration for one run. */
export type SourceFactory = (integrationId: string, options: SourceOptions) => SyncSource
