// The one onError and notFound of every function app: renders errors as the JSON envelope and
// logs unexpected ones with the request id, never their internals in the response.
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { log } from '../log.ts'
import type { AppEnv } from './context.ts'
import { errorBody, internalErrorBody, NotFoundError, toAppError } from './errors.ts'

/** `app.onError`: typed errors keep their status and code; anything else is a generic 500. */
export function handleError(error: Error, c: Context<AppEnv>): Response {
  // The logger may be missing if a middleware before requestLogger threw.
  const logger = c.get('log') ?? log.child({ request_id: c.get('requestId') })
  const appError = toAppError(error)
  if (!appError) {
    logger.error('unhandled error', { error })
    return c.json(internalErrorBody(), 500)
  }
  if (appError.status >= 500) {
    logger.error('request failed', {
      error_code: appError.code,
      error: appError.cause ?? appError,
    })
  } else {
    logger.info('request refused', { error_code: appError.code, message: appError.message })
  }
  return c.json(errorBody(appError), appError.status as ContentfulStatusCode, appError.headers)
}

/** `app.notFound`: an unknown route is a 404 in the same envelope, not Hono's plain text. */
export function handleNotFound(c: Context<AppEnv>): Response {
  return c.json(errorBody(new NotFoundError(`No route for ${c.req.method} ${c.req.path}`)), 404)
}
