// Route-level validation: zod schemas on json/query/param/header whose failures are thrown as
// ValidationError, so the one onError renders them.
import { zValidator } from '@hono/zod-validator'
import type { ValidationTargets } from 'hono'
import type { z } from 'zod'
import { ValidationError } from './errors.ts'
import { documented, type InputTarget } from './openapi/route-docs.ts'
import { findUnstorableText } from './pg-input.ts'

/** One validation problem as sent to the client: where and what, never the offending value. */
export interface ValidationIssue {
  path: string
  code: string
  message: string
}

/**
 * Validates one request target with `schema`; handlers read `c.req.valid(target)`.
 * Malformed JSON is rejected by Hono before the schema runs, as a 400 `bad_request`. Whatever the
 * schema lets through is then searched for text Postgres cannot store (U+0000, unpaired
 * surrogates; see pg-input.ts), so no route can forget it and no such text reaches a statement.
 *
 * @throws {ValidationError} 400 `validation_failed` with the issues as `details`.
 * @example app.post('/', validate('json', z.strictObject({ name: z.string() })), (c) => ...)
 */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) {
  // The schema is recorded on the middleware: the OpenAPI document is read from what validates.
  const middleware = zValidator(target, schema, (result) => {
    if (result.success) {
      const unstorable = findUnstorableText(result.data)
      if (!unstorable) return
      throw new ValidationError(`Invalid request ${target}`, {
        details: [{ path: unstorable.path, code: 'invalid_text', message: unstorable.message }],
      })
    }
    const details: ValidationIssue[] = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      code: issue.code,
      message: issue.message,
    }))
    throw new ValidationError(`Invalid request ${target}`, { details })
  })
  return documented(middleware, { input: { target: target as InputTarget, schema } })
}
