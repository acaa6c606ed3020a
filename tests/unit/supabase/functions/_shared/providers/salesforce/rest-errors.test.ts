import assert from 'node:assert/strict'
import {
  isInvalidSession,
  SalesforceApiError,
  SalesforceLimitError,
  toSalesforceError,
} from '../../../../../../../supabase/functions/_shared/providers/salesforce/rest-errors.ts'

const array = (errorCode: string, message: string) => JSON.stringify([{ errorCode, message }])

Deno.test('rest errors: a JSON array is read into status, errorCode and message', () => {
  const error = toSalesforceError(400, array('MALFORMED_QUERY', 'unexpected token: FORM'))
  assert.ok(error instanceof SalesforceApiError)
  assert.equal(error.salesforceStatus, 400)
  assert.equal(error.errorCode, 'MALFORMED_QUERY')
  assert.equal(error.salesforceMessage, 'unexpected token: FORM')
  assert.equal(error.retryable, false)
  assert.equal(error.status, 502)
  assert.deepEqual(error.details, { salesforce_status: 400, error_code: 'MALFORMED_QUERY' })
})

Deno.test('rest errors: REQUEST_LIMIT_EXCEEDED is a 403 that means 429, daily or concurrent', () => {
  const daily = toSalesforceError(
    403,
    array('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
  )
  assert.ok(daily instanceof SalesforceLimitError)
  assert.equal(daily.status, 429)
  assert.equal(daily.concurrent, false)
  assert.equal(daily.headers['Retry-After'], '3600')
  const concurrent = toSalesforceError(
    403,
    array('REQUEST_LIMIT_EXCEEDED', 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.'),
  )
  assert.ok(concurrent instanceof SalesforceLimitError && concurrent.concurrent)
  const other = toSalesforceError(403, array('INSUFFICIENT_ACCESS', 'no'))
  assert.ok(other instanceof SalesforceApiError && other.salesforceStatus === 403)
})

Deno.test('rest errors: HTML and empty 5xx bodies are retryable, lock contention too', () => {
  const html = toSalesforceError(503, '<html><h1>Service Unavailable</h1></html>')
  assert.ok(html instanceof SalesforceApiError)
  assert.equal(html.errorCode, 'SERVER_UNAVAILABLE')
  assert.equal(html.retryable, true)
  assert.equal((toSalesforceError(500, '') as SalesforceApiError).retryable, true)
  assert.equal((toSalesforceError(420, '') as SalesforceApiError).retryable, true)
  const lock = toSalesforceError(
    400,
    array('UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access'),
  )
  assert.equal((lock as SalesforceApiError).retryable, true)
  const notFound = toSalesforceError(404, '{"errorCode":"NOT_FOUND","message":"gone"}')
  assert.equal((notFound as SalesforceApiError).errorCode, 'NOT_FOUND')
})

Deno.test('rest errors: only a 401 INVALID_SESSION_ID calls for a refresh', () => {
  assert.equal(
    isInvalidSession(401, array('INVALID_SESSION_ID', 'Session expired or invalid')),
    true,
  )
  assert.equal(isInvalidSession(401, array('INVALID_AUTH_HEADER', 'x')), false)
  assert.equal(isInvalidSession(401, 'This session is not valid for use with the REST API'), false)
  assert.equal(isInvalidSession(403, array('INVALID_SESSION_ID', 'x')), false)
})
