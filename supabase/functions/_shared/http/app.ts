// The app factory every function starts from: base path, middleware order, error rendering.
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import { accessLog } from './access-log.ts'
import type { AppEnv } from './context.ts'
import { corsPolicy } from './cors.ts'
import { handleError, handleNotFound } from './error-handler.ts'
import { openApiRoute } from './openapi/openapi-route.ts'
import { AppError } from './errors.ts'
import { requestLogger } from './request-context.ts'

/**
 * The largest request body any route takes. Our largest legitimate body, an import of 2,000 ids,
 * is about 45 kB; anything past this is refused before it is read into memory or parsed.
 */
export const maxBodyBytes = 1024 * 1024

/**
 * Creates the Hono app of function `name`, mounted at `/<name>` because the platform hands a
 * function the path after `/functions/v1`.
 *
 * Order: request id (accepts a safe incoming `x-request-id`) → logger bound to it → CORS
 * (preflight answered here, before auth) → access log → body limit (413) → routes; errors and
 * unknown routes are rendered as `{ "error": { "code", "message" } }`. `GET /<name>/openapi.json`
 * is registered first, so it stays open whatever middleware the function adds for its own routes.
 *
 * @example
 * export const app = createApp('contacts')
 * app.get('/', requireUser, (c) => c.json({ user: c.var.userId }))
 */
export function createApp<Name extends string>(name: Name) {
  const app = new Hono<AppEnv>().basePath(`/${name}`)
  app.use(
    requestId({ limitLength: 128 }),
    requestLogger(),
    corsPolicy(),
    accessLog(),
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new AppError(413, 'payload_too_large', 'The request body is larger than 1 MiB')
      },
    }),
  )
  app.onError(handleError)
  app.notFound(handleNotFound)
  app.get('/openapi.json', openApiRoute(name, app))
  return app
}
