// What a route's middleware tells the OpenAPI document about the route: the schema it validates,
// the credentials it asks for, the errors it may answer, and (from `describeRoute`) the bodies it
// sends back. Kept beside the middleware function itself, so the document is read off the very
// handlers Hono runs.
import { createMiddleware } from 'hono/factory'
import type { z } from 'zod'
import type { ErrorCode } from './error-codes.ts'

/** Request parts a validator may check, as Hono names them. */
export type InputTarget = 'json' | 'query' | 'param' | 'header' | 'cookie' | 'form'

/** How a route authenticates its caller; `none` documents an open route on purpose. */
export type Security = 'bearer' | 'cronSecret' | 'none'

/** One documented response: a JSON body when `body` is set, headers the client may read. */
export interface ResponseDoc {
  description: string
  body?: z.ZodType
  headers?: Record<string, string>
}

/** A route's own description, given with `describeRoute`. */
export interface RouteDescription {
  summary: string
  description?: string
  /**
   * Successful (and redirect) responses by status; `default` for answers whose status is not
   * ours to choose (the proxy's: whatever the provider said).
   */
  responses: Partial<Record<number | 'default', ResponseDoc>>
  /**
   * Error codes the route's own logic may answer (validation and auth add theirs); a pair gives
   * the status where this route answers a code with another than its usual one.
   */
  errors?: Array<ErrorCode | [ErrorCode, number]>
  security?: Security
}

/** Everything one handler says about the route; `describeRoute` and middleware fill parts. */
export interface RouteDoc extends Partial<RouteDescription> {
  input?: { target: InputTarget; schema: z.ZodType }
}

// A WeakMap, not a property on the function: Hono handlers stay plain functions.
const docs = new WeakMap<object, RouteDoc>()

/** Records what `handler` says about its route and hands `handler` back. */
export function documented<Handler extends object>(handler: Handler, doc: RouteDoc): Handler {
  docs.set(handler, doc)
  return handler
}

/** What `handler` said about its route, if anything. */
export function routeDocOf(handler: object): RouteDoc | undefined {
  return docs.get(handler)
}

/**
 * A pass-through middleware that documents its route: summary, response bodies by status, the
 * error codes its logic may answer.
 *
 * @example
 * app.get('/businesses', describeRoute({ summary: 'My businesses', responses: {
 *   200: { description: 'The businesses', body: businessesResponse } } }), handler)
 */
export function describeRoute(description: RouteDescription) {
  return documented(
    createMiddleware(async function describedRoute(_c, next) {
      await next()
    }),
    description,
  )
}
