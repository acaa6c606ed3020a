// The Salesforce source of the sync engine for any sObject: queryAll from the (SystemModstamp,
// Id) cursor over the object's fields and the team's mapped ones, pages by nextRecordsUrl, and
// what Salesforce's errors mean for a run (a field or object the org no longer has fails that
// object only).
import { ProviderError } from '../../http/errors.ts'
import { OAuthTokenError } from '../../oauth/token-client.ts'
import type {
  SourceErrorVerdict,
  SourceFactory,
  SourceOptions,
  SyncCursor,
  SyncSource,
} from '../../sync/source.ts'
import { salesforceApi, type SalesforceRequest } from './api.ts'
import { SalesforceApiError, SalesforceLimitError } from './rest-errors.ts'
import { salesforceDeletes, serverTime } from './sync-deletes.ts'
import { readSObjectPage, type SObjectSync, withMappedFields } from './sync-page.ts'
import {
  cursorSchema,
  isCursorAfter,
  readStart,
  type SalesforceCursor,
  syncSoql,
} from './sync-soql.ts'

/**
 * Errors that concern one object only, not the connection (facts: REST error codes): a field
 * that no longer exists (INVALID_FIELD, e.g. a mapped custom field deleted in the org), an
 * object that no longer exists (INVALID_TYPE), or no access to it (INSUFFICIENT_ACCESS_*).
 */
function objectError(error: SalesforceApiError): SourceErrorVerdict | undefined {
  const code = error.errorCode
  if (code === 'INVALID_FIELD') {
    const field = /No such column '([A-Za-z0-9_.]+)'/.exec(error.salesforceMessage)?.[1]
    return {
      kind: 'object_error',
      code: 'field_missing',
      message: field
        ? `The field ${field} no longer exists in the org (or we may not read it)`
        : 'A synced field no longer exists in the org (or we may not read it)',
    }
  }
  if (code === 'INVALID_TYPE') {
    return {
      kind: 'object_error',
      code: 'object_missing',
      message: 'The object no longer exists in the org (or we may not read it)',
    }
  }
  if (code.startsWith('INSUFFICIENT_ACCESS')) {
    return {
      kind: 'object_error',
      code: 'object_access_denied',
      message: `The connected user may not read this object (${code})`,
    }
  }
  return undefined
}

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
    const ofObject = objectError(error)
    if (ofObject) return ofObject
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

/**
 * The source of one integration's `spec` object for one run: its fields plus the team's mapped
 * ones (options.object.fieldMapping).
 */
export function salesforceSObjectSource(
  spec: SObjectSync,
  integrationId: string,
  options: SourceOptions,
): SyncSource {
  const api = salesforceApi(integrationId, { timeoutMs: options.requestTimeoutMs })
  const fields = withMappedFields(spec.select, options.object.fieldMapping)
  // The engine hands back only cursors this source made (pages) or parsed (parseCursor).
  const isAfter = (a: SyncCursor, b: SyncCursor | null) =>
    isCursorAfter(a as SalesforceCursor, b as SalesforceCursor | null)

  async function read(request: SalesforceRequest) {
    const { data, text, headers } = await api.request<unknown>(request)
    const page = readSObjectPage(spec, data, text)
    return {
      rows: page.rows,
      cursor: page.cursor,
      next: page.nextRecordsUrl,
      answeredAt: serverTime(headers),
    }
  }

  return {
    sourceType: 'salesforce',
    table: spec.mapping.table,
    get apiCalls() {
      return api.apiCalls
    },
    start: (cursor, lookback, signal) =>
      read({
        path: 'queryAll',
        query: {
          q: syncSoql(
            spec.sobject,
            fields,
            readStart(cursor as SalesforceCursor | null, lookback?.seconds ?? 0, lookback?.from),
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
      const parsed = cursorSchema.safeParse(stored)
      return parsed.success ? { ...parsed.data } : undefined
    },
    classify: classifySalesforceError,
    deletes: salesforceDeletes(api, spec.sobject),
  }
}

/** A source factory for `spec`'s object. */
export const sobjectSourceFactory = (spec: SObjectSync): SourceFactory => (id, options) =>
  salesforceSObjectSource(spec, id, options)
