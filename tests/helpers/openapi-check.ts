// Checks real responses against the committed OpenAPI document (openapi.json): the status must be
// one the route documents, and the JSON body must match that status's schema, error codes
// included. The test gateway runs every response of the repo's functions through it.
import { Ajv2020 } from 'ajv/dist/2020'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

type Operations = Record<string, { responses: Record<string, { content?: unknown }> }>
interface Document {
  paths: Record<string, Operations>
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const document: Document = JSON.parse(await Deno.readTextFile(join(repoRoot, 'openapi.json')))
// Formats are annotations in draft 2020-12; zod writes a pattern beside each that matters (ids,
// timestamps), and the OpenAPI keywords around the schemas are not JSON Schema: hence not strict.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
ajv.addSchema({ ...document, $id: 'openapi' })

/**
 * Templates with fewer parameters first, so `/integrations/businesses` beats `/{id}`. A trailing
 * `{path}` (a route's wildcard, see openApiPath) takes the rest of the URL, slashes included.
 */
const templates = Object.keys(document.paths)
  .map((template) => ({
    template,
    params: (template.match(/\{/g) ?? []).length,
    regex: new RegExp(
      `^${template.replace(/\/\{path\}$/, '/.*').replace(/\{[^}]+\}/g, '[^/]+')}$`,
    ),
  }))
  .sort((a, b) => a.params - b.params)

function pointer(...parts: string[]): string {
  return parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')
}

/**
 * Throws when `response` to `method path` (the path after /functions/v1) breaks the document.
 * Reads a clone: the caller's response stays unread. A path no route matches is checked against
 * the bare error envelope (it is the app's or the gateway's 404).
 */
export async function assertMatchesDocument(
  method: string,
  path: string,
  response: Response,
): Promise<void> {
  const verb = method.toLowerCase()
  if (verb === 'options' || verb === 'head') return
  const pathname = new URL(path, 'http://x').pathname
  const match = templates.find(({ template, regex }) =>
    regex.test(pathname) && document.paths[template][verb]
  )
  const text = await response.clone().text()
  const where = `${method} ${pathname} → ${response.status}`
  if (!match) {
    validate('openapi#/components/schemas/ErrorEnvelope', JSON.parse(text), where)
    return
  }
  const responses = document.paths[match.template][verb].responses
  // The proxy's answers from the provider are the provider's: any status, any body, documented
  // once as the route's `default`.
  if (response.headers.get('x-proxy-source') === 'provider') {
    if (!responses.default) throw new Error(`${where}: a provider's answer, but no default`)
    return
  }
  const documented = responses[String(response.status)]
  if (!documented) throw new Error(`${where}: status not in the document for ${match.template}`)
  if (!documented.content) return
  const schema = `openapi#/${
    pointer('paths', match.template, verb, 'responses', String(response.status), 'content')
  }/application~1json/schema`
  validate(schema, JSON.parse(text), where)
}

function validate(ref: string, body: unknown, where: string): void {
  const check = ajv.getSchema(ref)
  if (!check) throw new Error(`no schema at ${ref}`)
  if (!check(body)) {
    throw new Error(
      `${where}: the body does not match the document: ${ajv.errorsText(check.errors)}\n` +
        JSON.stringify(body).slice(0, 2000),
    )
  }
}

/**
 * `fetch` that checks each answer of our functions (any URL with `/functions/v1/`) against the
 * document: for supabase-js (`global.fetch`) and a browser's own steps in tests.
 */
export function documentCheckedFetch(inner: typeof fetch = fetch) {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const response = await inner(request)
    const { pathname, search } = new URL(request.url)
    const at = pathname.indexOf('/functions/v1/')
    if (at >= 0) {
      await assertMatchesDocument(
        request.method,
        pathname.slice(at + '/functions/v1'.length) + search,
        response,
      )
    }
    return response
  }
}
