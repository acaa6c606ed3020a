import assert from 'node:assert/strict'
import { ProviderError } from '../../../../../../../supabase/functions/_shared/http/errors.ts'
import { OAuthTokenError } from '../../../../../../../supabase/functions/_shared/oauth/token-client.ts'
import { classifySalesforceError } from '../../../../../../../supabase/functions/_shared/providers/salesforce/sync-source.ts'
import {
  retryAfterMs,
  SalesforceApiError,
  SalesforceLimitError,
  toSalesforceError,
} from '../../../../../../../supabase/functions/_shared/providers/salesforce/rest-errors.ts'

const limitBody = (message: string) =>
  JSON.stringify([{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message }])

Deno.test('classifySalesforceError: 5xx, edge and network failures are transient', () => {
  for (
    const error of [
      new SalesforceApiError(500, 'UNKNOWN_EXCEPTION', 'x'),
      new SalesforceApiError(503, 'SERVER_UNAVAILABLE', ''),
      new SalesforceApiError(420, 'HTTP_420', ''),
      new SalesforceApiError(400, 'UNABLE_TO_LOCK_ROW', 'x'),
      new SalesforceApiError(200, 'INVALID_RESPONSE', 'The body is not JSON'),
      new ProviderError('Salesforce could not be reached', { code: 'salesforce_unreachable' }),
    ]
  ) {
    assert.deepEqual(classifySalesforceError(error), { kind: 'transient' }, error.message)
  }
})

Deno.test('classifySalesforceError: a token endpoint that fails to answer is transient, a refusal is not', () => {
  for (
    const error of [
      new OAuthTokenError('http_503', '', 503),
      new OAuthTokenError('http_500', '', 500),
      new OAuthTokenError('unknown_error', 'retry your request', 400),
      new ProviderError('The provider could not be reached', { code: 'provider_unreachable' }),
      new ProviderError('no JSON', { code: 'token_response_invalid' }),
    ]
  ) {
    assert.deepEqual(classifySalesforceError(error), { kind: 'transient' }, error.message)
  }
  for (
    const error of [
      new OAuthTokenError('invalid_grant', 'expired access/refresh token', 400),
      new OAuthTokenError('invalid_client_id', 'client identifier invalid', 400),
    ]
  ) {
    assert.equal(classifySalesforceError(error), undefined, error.message)
  }
})

Deno.test('classifySalesforceError: a 429 is retried after its Retry-After', () => {
  // Throttling passes, whatever code the body carries; only the 403 means the allowance is spent.
  const error = toSalesforceError(
    429,
    limitBody('Too many requests'),
    new Headers({ 'retry-after': '5' }),
  )
  assert.deepEqual(classifySalesforceError(error), { kind: 'transient', retryAfterMs: 5_000 })
})

Deno.test('classifySalesforceError: a spent allowance (403 REQUEST_LIMIT_EXCEEDED) stops the run', () => {
  const daily = toSalesforceError(403, limitBody('TotalRequests Limit exceeded.'))
  assert.ok(daily instanceof SalesforceLimitError)
  assert.deepEqual(classifySalesforceError(daily), {
    kind: 'rate_limited',
    resumeAfterMs: undefined,
  })
  assert.deepEqual(
    classifySalesforceError(
      toSalesforceError(
        403,
        limitBody('ConcurrentRequests (Concurrent API Requests) Limit exceeded.'),
      ),
    ),
    { kind: 'rate_limited', resumeAfterMs: 30_000 },
  )
})

Deno.test('classifySalesforceError: an expired locator restarts the read; query errors are final', () => {
  assert.deepEqual(
    classifySalesforceError(new SalesforceApiError(400, 'INVALID_QUERY_LOCATOR', 'x')),
    { kind: 'read_expired' },
  )
  for (const code of ['MALFORMED_QUERY', 'INVALID_SESSION_ID']) {
    assert.equal(classifySalesforceError(new SalesforceApiError(400, code, 'x')), undefined)
  }
  assert.equal(classifySalesforceError(new Error('bug')), undefined)
})

Deno.test('classifySalesforceError: a field or object the org lost fails that object only, naming the field', () => {
  const missing = new SalesforceApiError(
    400,
    'INVALID_FIELD',
    "No such column 'Gone__c' on entity 'Foo__c'. If you are attempting to use a custom field...",
  )
  assert.deepEqual(classifySalesforceError(missing), {
    kind: 'object_error',
    code: 'field_missing',
    message: 'The field Gone__c no longer exists in the org (or we may not read it)',
  })
  assert.equal(
    (classifySalesforceError(new SalesforceApiError(400, 'INVALID_TYPE', 'x')) as {
      code: string
    }).code,
    'object_missing',
  )
  assert.equal(
    (classifySalesforceError(
      new SalesforceApiError(403, 'INSUFFICIENT_ACCESS_OR_READONLY', 'x'),
    ) as { code: string }).code,
    'object_access_denied',
  )
})

Deno.test('retryAfterMs: seconds or an HTTP date', () => {
  const now = Date.parse('2026-03-02T10:00:00Z')
  assert.equal(retryAfterMs('5', now), 5_000)
  assert.equal(retryAfterMs('Mon, 02 Mar 2026 10:00:30 GMT', now), 30_000)
  assert.equal(retryAfterMs('Mon, 02 Mar 2026 09:00:00 GMT', now), 0)
  assert.equal(retryAfterMs(null, now), undefined)
  assert.equal(retryAfterMs('soon', now), undefined)
})
