// The Salesforce Contact source of the sync engine: queryAll from the (SystemModstamp, Id)
// cursor, pages by nextRecordsUrl, and what Salesforce's errors mean for a run.
import { ProviderError } from '../../http/errors.ts'
import { OAuthTokenError } from '../../oauth/token-client.ts'
import type { SourceErrorVerdict, SourceFactory, SyncCursor } from '../../sync/source.ts'
import { salesforceApi, type SalesforceRequest } from './api.ts'
import { salesforceContactDeletes, serverTime } from './contact-deletes.ts'
import { readContactPage } from './contact-sync-mapping.ts'
import {
  type ContactCursor,
  contactCursorSchema,
  contactSyncSoql,
  isCursorAfter,
  readStart,
} from './contact-sync-soql.ts'
import { SalesforceApiError, SalesforceLimitError } from './rest-errors.ts'

/** What a Salesforce failure means for the run. */
export function classifySalesforceError(error: unknown): SourceErrorVerdict | undefined {
  if (error instanceof SalesforceLimitError) {
    // A concurrency slot frees in seconds; the daily allowance only as its window rolls, which
    // the engine's configured limit backoff covers.
    return {
      kind: 'rate_limited',
      resumeAfterMs: error.concurrent ? error.retryAfterSeconds * 1000 : undefined,
    }
  }
  if (error instanceof SalesforceApiError) {
    if (error.errorCode === 'INVALID_QUERY_LOCATOR') return { kind: 'read_expired' }
    // A body cut short or garbled on the way is a network fault, whatever the status said.
    if (error.retryable || error.errorCode === 'INVALID_RESPONSE') {
      // A 429 says when to come back; other transient failures back off on their own.
      return error.retryAfterMs === undefined
        ? { kind: 'transient' }
        : { kind: 'transient', retryAfterMs: error.retryAfterMs }
    }
    return undefined
  }
  if (error instanceof OAuthTokenError) {
    // A token refresh the endpoint failed to answer (5xx, a 429/420 edge answer, Salesforce's
    // `unknown_error` "retry your request") may work on a later attempt; a refusal of the
    // grant or the client (invalid_grant, invalid_client...) never does.
    const status = error.providerStatus
    return status >= 500 || status === 429 || status === 420 || error.oauthError === 'unknown_error'
      ? { kind: 'transient' }
      : undefined
  }
  if (
    error instanceof ProviderError &&
    // Salesforce or its token endpoint unreachable, or a token answer cut short on the way.
    ['salesforce_unreachable', 'provider_unreachable', 'token_response_invalid'].includes(
      error.code,
    )
  ) {
    return { kind: 'transient' }
  }
  return undefined
}

/** One integration's Contacts, read for one sync run. */
export const salesforceContactSource: SourceFactory = (integrationId, options) => {
  const api = salesforceApi(integrationId, { timeoutMs: options.requestTimeoutMs })
  // The engine hands back only cursors this source made (pages) or parsed (parseCursor).
  const isAfter = (a: SyncCursor, b: SyncCursor | null) =>
    isCursorAfter(a as ContactCursor, b as ContactCursor | null)

  async function read(request: SalesforceRequest) {
    const { data, text, headers } = await api.request<unknown>(request)
    const page = readContactPage(data, text)
    return {
      rows: page.rows,
      cursor: page.cursor,
      next: page.nextRecordsUrl,
      answeredAt: serverTime(headers),
    }
  }

  return {
    sourceType: 'salesforce',
    get apiCalls() {
      return api.apiCalls
    },
    start: (cursor, lookback, signal) =>
      read({
        path: 'queryAll',
        query: {
          q: contactSyncSoql(
            readStart(cursor as ContactCursor | null, lookback?.seconds ?? 0, lookback?.from),
          ),
        },
        headers: { 'Sforce-Query-Options': `batchSize=${options.pageSize}` },
        signal,
      }),
    // nextRecordsUrl is requested as is, without parameters (facts §2.3); for queryAll it says
    // /query/ and still continues the queryAll result.
    next: (nextRecordsUrl, signal) => read({ path: nextRecordsUrl, signal }),
    isAfter,
    parseCursor(stored) {
      if (stored === null || stored === undefined) return null
      const parsed = contactCursorSchema.safeParse(stored)
      return parsed.success ? { ...parsed.data } : undefined
    },
    classify: classifySalesforceError,
    deletes: salesforceContactDeletes(api),
  }
}
