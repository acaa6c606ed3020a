import assert from 'node:assert/strict'
import { HTTPException } from 'hono/http-exception'
import {
  AppError,
  BadRequestError,
  ConflictError,
  errorBody,
  errorResponse,
  ForbiddenError,
  NotFoundError,
  ProviderError,
  RateLimitedError,
  ServiceUnavailableError,
  toAppError,
  UnauthorizedError,
  ValidationError,
} from '../../../../../../supabase/functions/_shared/http/errors.ts'

Deno.test('errors: each class carries its status and stable code', () => {
  const cases: Array<[AppError, number, string]> = [
    [new BadRequestError(), 400, 'bad_request'],
    [new ValidationError(), 400, 'validation_failed'],
    [new UnauthorizedError(), 401, 'unauthorized'],
    [new ForbiddenError(), 403, 'forbidden'],
    [new NotFoundError(), 404, 'not_found'],
    [new ConflictError(), 409, 'conflict'],
    [new RateLimitedError(3), 429, 'rate_limited'],
    [new ProviderError(), 502, 'provider_error'],
    [new ServiceUnavailableError(), 503, 'service_unavailable'],
  ]
  for (const [error, status, code] of cases) {
    assert.equal(error.status, status, error.name)
    assert.equal(error.code, code, error.name)
    assert.ok(error instanceof AppError)
  }
})

Deno.test('errors: a specific code can replace the class default', () => {
  const error = new ConflictError('Reconnect Salesforce', { code: 'reauth_required' })
  assert.equal(error.status, 409)
  assert.equal(error.code, 'reauth_required')
})

Deno.test('errors: 429 says when to retry, rounded up to whole seconds', () => {
  assert.equal(new RateLimitedError(1.2).headers['Retry-After'], '2')
  assert.equal(new RateLimitedError(0).headers['Retry-After'], '1')
})

Deno.test('errors: 401 names the Bearer scheme', () => {
  assert.equal(new UnauthorizedError().headers['WWW-Authenticate'], 'Bearer')
})

Deno.test('errors: the body is the envelope, with details only when given', () => {
  assert.deepEqual(errorBody(new NotFoundError('No such business')), {
    error: { code: 'not_found', message: 'No such business' },
  })
  assert.deepEqual(errorBody(new ValidationError('Bad', { details: [{ path: 'name' }] })), {
    error: { code: 'validation_failed', message: 'Bad', details: [{ path: 'name' }] },
  })
})

Deno.test('errors: errorResponse renders status, headers and JSON body', async () => {
  const response = errorResponse(new RateLimitedError(5), { 'x-extra': '1' })
  assert.equal(response.status, 429)
  assert.equal(response.headers.get('retry-after'), '5')
  assert.equal(response.headers.get('x-extra'), '1')
  assert.deepEqual(await response.json(), {
    error: { code: 'rate_limited', message: 'Too many requests' },
  })
})

Deno.test("errors: Hono's 4xx exceptions map to the envelope; other errors do not", () => {
  const mapped = toAppError(new HTTPException(400, { message: 'Malformed JSON in request body' }))
  assert.equal(mapped?.status, 400)
  assert.equal(mapped?.code, 'bad_request')
  assert.equal(mapped?.message, 'Malformed JSON in request body')
  assert.equal(toAppError(new HTTPException(500, { message: 'boom' })), undefined)
  assert.equal(toAppError(new Error('boom')), undefined)
  assert.equal(toAppError('a string'), undefined)
})
