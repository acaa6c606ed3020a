// A HubSpot CRM object (contacts, companies) as a source of the sync engine: CRM search in
// (modified ms, hs_object_id) order, page by page from a keyset position (crm-read.ts), deletes
// from the archived listing and a periodic id reconciliation (object-deletes.ts), and what
// HubSpot's errors mean for a run.
import { ProviderError } from '../../http/errors.ts'
import { OAuthTokenError } from '../../oauth/token-client.ts'
import type {
  SourceErrorVerdict,
  SourceOptions,
  SourcePage,
  SyncCursor,
  SyncSource,
} from '../../sync/source.ts'
import type { RecordMapping } from '../../sync/upsert.ts'
import { HubSpotApiError, HubSpotLimitError } from './api-errors.ts'
import { type HubSpotApi, hubspotApi } from './api.ts'
import { readSearchPage } from './crm-page.ts'
import {
  decodePosition,
  encodePosition,
  type HubSpotCursor,
  hubspotCursorSchema,
  isCursorAfter,
  type ObjectRead,
  type ReadPosition,
  readPosition,
  searchBody,
  stepAfterPage,
} from './crm-read.ts'
import { hubspotObjectDeletes } from './object-deletes.ts'

/** What a HubSpot failure means for a run. */
export function classifyHubSpotError(error: unknown): SourceErrorVerdict | undefined {
  // The daily allowance resets at the portal's midnight: the engine's limit backoff covers it.
  if (error instanceof HubSpotLimitError) return { kind: 'rate_limited' }
  if (error instanceof HubSpotApiError) {
    // A 429 of a rolling window drained the portal's shared budget (api.ts): the retry waits
    // for it there. A body cut short or garbled on the way is a network fault.
    if (error.retryable || error.category === 'INVALID_RESPONSE') {
      return error.retryAfterMs === undefined
        ? { kind: 'transient' }
        : { kind: 'transient', retryAfterMs: error.retryAfterMs }
    }
    return undefined
  }
  if (error instanceof OAuthTokenError) {
    // The token endpoint failing to answer may work later; a refused grant never does.
    const status = error.providerStatus
    return status >= 500 || status === 429 ? { kind: 'transient' } : undefined
  }
  if (
    error instanceof ProviderError &&
    ['hubspot_unreachable', 'provider_unreachable', 'token_response_invalid'].includes(error.code)
  ) {
    return { kind: 'transient' }
  }
  return undefined
}

/** One HubSpot object as the engine reads it. */
export interface HubSpotObjectSync extends ObjectRead {
  /** source_type of the rows. */
  sourceType: string
  /** Maps a search answer's `results` onto the target table's columns. */
  mapping: RecordMapping
}

/** The source of one integration's `object`, for one run. */
export function hubspotObjectSource(
  object: HubSpotObjectSync,
  integrationId: string,
  options: SourceOptions,
  api: HubSpotApi = hubspotApi(integrationId, { timeoutMs: options.requestTimeoutMs }),
): SyncSource {
  async function page(position: ReadPosition, signal: AbortSignal): Promise<SourcePage> {
    const response = await api.request<unknown>({
      method: 'POST',
      path: `/crm/v3/objects/${object.objectType}/search`,
      body: searchBody(object, position),
      search: true,
      signal,
    })
    const read = readSearchPage(
      response.data,
      response.text,
      object.modifiedProperty,
      object.mapping,
    )
    const step = stepAfterPage(position, read.records, read.more)
    return {
      rows: read.rows,
      cursor: step.cursor,
      next: step.next === null ? null : encodePosition(step.next),
      answeredAt: response.answeredAt,
    }
  }

  return {
    sourceType: object.sourceType,
    table: object.mapping.table,
    get apiCalls() {
      return api.apiCalls
    },
    start: (cursor, lookback, signal) =>
      page(
        readPosition(cursor as HubSpotCursor | null, lookback?.seconds ?? null, lookback?.from),
        signal,
      ),
    next: (handle, signal) => page(decodePosition(handle), signal),
    isAfter: (a: SyncCursor, b: SyncCursor | null) =>
      isCursorAfter(a as HubSpotCursor, b as HubSpotCursor | null),
    parseCursor(stored) {
      if (stored === null || stored === undefined) return null
      const parsed = hubspotCursorSchema.safeParse(stored)
      return parsed.success ? { ...parsed.data } : undefined
    },
    classify: classifyHubSpotError,
    deletes: hubspotObjectDeletes(api, object.objectType),
  }
}
