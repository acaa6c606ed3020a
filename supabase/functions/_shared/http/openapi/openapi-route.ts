// The handler of `GET /<fn>/openapi.json`: the function's OpenAPI document, built from its routes
// when first asked for (every route is registered by then).
import type { Context } from 'hono'
import { z } from 'zod'
import { type DocumentedApp, openApiDocument } from './document.ts'
import { documented } from './route-docs.ts'

const documentBody = z.looseObject({ openapi: z.literal('3.1.0') }).meta({
  id: 'OpenApiDocument',
  description: 'An OpenAPI 3.1 document',
})

/** A handler answering `app`'s own document; open to anyone, like the code it describes. */
export function openApiRoute(name: string, app: DocumentedApp) {
  let document: ReturnType<typeof openApiDocument> | undefined
  return documented(
    function openApiJson(c: Context) {
      document ??= openApiDocument([{ name, app }])
      return c.json(document)
    },
    {
      summary: `The ${name} function's OpenAPI document`,
      security: 'none',
      responses: { 200: { description: 'OpenAPI 3.1, JSON', body: documentBody } },
    },
  )
}
