// The one error model: typed errors that carry their HTTP status and stable code, and the JSON
// envelope every function (and the local gateway) answers with.

/** Extra data an error may carry. `details` is sent to the client: never put secrets in it. */
export interface AppErrorOptions {
  /** Overrides the class's default stable code, e.g. `reauth_required` on a ConflictError. */
  code?: string
  details?: unknown
  headers?: Record<string, string>
  cause?: unknown
}

/** The body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown }
}

/** Base of every error we throw on purpose; `onError` renders it with its own status. */
export class AppError extends Error {
  readonly status: number
  readonly code: string
  readonly details?: unknown
  readonly headers: Record<string, string>

  constructor(status: number, code: string, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause })
    this.name = new.target.name
    this.status = status
    this.code = options.code ?? code
    this.details = options.details
    this.headers = options.headers ?? {}
  }
}

/** 400: the request is malformed (not JSON, wrong content, ...). */
export class BadRequestError extends AppError {
  constructor(message = 'The request is malformed', options?: AppErrorOptions) {
    super(400, 'bad_request', message, options)
  }
}

/** 400: input failed its schema; `details` lists the issues (paths and messages, no values). */
export class ValidationError extends AppError {
  constructor(message = 'The request failed validation', options?: AppErrorOptions) {
    super(400, 'validation_failed', message, options)
  }
}

/** 401: no credentials, or credentials we cannot trust. */
export class UnauthorizedError extends AppError {
  constructor(message = 'Missing or invalid credentials', options?: AppErrorOptions) {
    super(401, 'unauthorized', message, {
      ...options,
      // RFC 6750 §3: a 401 for a bearer-protected resource names the scheme.
      headers: { 'WWW-Authenticate': 'Bearer', ...options?.headers },
    })
  }
}

/** 403: the caller is known but may not do this. */
export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this', options?: AppErrorOptions) {
    super(403, 'forbidden', message, options)
  }
}

/** 404: no such thing, or not yours (we do not reveal which). */
export class NotFoundError extends AppError {
  constructor(message = 'Not found', options?: AppErrorOptions) {
    super(404, 'not_found', message, options)
  }
}

/** 409: the request conflicts with the current state. */
export class ConflictError extends AppError {
  constructor(message = 'The request conflicts with the current state', options?: AppErrorOptions) {
    super(409, 'conflict', message, options)
  }
}

/** 429: too many requests; tells the client when to retry. */
export class RateLimitedError extends AppError {
  readonly retryAfterSeconds: number

  constructor(retryAfterSeconds: number, message = 'Too many requests', options?: AppErrorOptions) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds))
    super(429, 'rate_limited', message, {
      ...options,
      headers: { 'Retry-After': String(seconds), ...options?.headers },
    })
    this.retryAfterSeconds = seconds
  }
}

/** 502: a provider (e.g. Salesforce) failed or answered something we cannot use. */
export class ProviderError extends AppError {
  constructor(message = 'The provider request failed', options?: AppErrorOptions) {
    super(502, 'provider_error', message, options)
  }
}

/** 503: a dependency we need (e.g. the JWKS endpoint) is unavailable; retrying may help. */
export class ServiceUnavailableError extends AppError {
  constructor(message = 'A required service is unavailable', options?: AppErrorOptions) {
    super(503, 'service_unavailable', message, options)
  }
}

const codesByStatus: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
}

/** Hono's HTTPException, recognised by shape so a second copy of hono cannot slip past. */
function isHttpException(error: unknown): error is Error & { status: number } {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number' &&
    typeof (error as { getResponse?: unknown }).getResponse === 'function'
}

/**
 * Maps anything thrown to an AppError we may show, or `undefined` for an unexpected error (which
 * the caller answers with a generic 500). Hono's own 4xx exceptions, such as "Malformed JSON in
 * request body" from the validator, keep their status and message.
 */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error
  if (isHttpException(error) && error.status >= 400 && error.status < 500) {
    const code = codesByStatus[error.status] ?? 'bad_request'
    return new AppError(error.status, code, error.message || 'Bad request', { cause: error })
  }
  return undefined
}

/** The envelope for an error; `details` is included only when present. */
export function errorBody(error: AppError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } }
  if (error.details !== undefined) body.error.details = error.details
  return body
}

/** A JSON Response for an error, for code outside a Hono app (the local gateway). */
export function errorResponse(error: AppError, headers: Record<string, string> = {}): Response {
  return Response.json(errorBody(error), {
    status: error.status,
    headers: { ...error.headers, ...headers },
  })
}

/** The body of a 500: says nothing about what went wrong, only how to find it in the logs. */
export function internalErrorBody(): ErrorBody {
  return { error: { code: 'internal_error', message: 'An unexpected error occurred' } }
}
