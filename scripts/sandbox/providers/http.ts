// HTTP plumbing shared by the simulator's handlers: replies in a provider's shape, request bodies
// as form or JSON, Basic credentials, URL templates of real hosts, PKCE.

import type { Reply } from './quirks.ts'

export { escapeHtml, html } from '../salesforce/http.ts'

export function toResponse(reply: Reply): Response {
  const status = reply.status ?? 200
  const headers = new Headers(reply.headers ?? {})
  if (reply.body === null && (status === 204 || status === 304)) {
    return new Response(null, { status, headers })
  }
  if (typeof reply.body === 'string') {
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8')
    return new Response(reply.body, { status, headers })
  }
  if (!headers.has('content-type')) headers.set('content-type', 'application/json; charset=utf-8')
  return new Response(JSON.stringify(reply.body), { status, headers })
}

export function redirect(target: string, params: Record<string, string | null | undefined>) {
  const url = new URL(target)
  for (const [k, v] of Object.entries(params)) if (v != null) url.searchParams.set(k, v)
  return new Response(null, { status: 302, headers: { location: url.toString() } })
}

export interface ParsedBody {
  /** How the body was sent. */
  format: 'form' | 'json' | 'none' | 'other'
  /** Form fields, or a JSON object's scalar members, as strings. */
  params: URLSearchParams
  /** The JSON object (or the form fields as an object). */
  json: Record<string, unknown>
  raw: string
}

/** Reads a request body as a form or a JSON object (a JSON body that is not an object is `other`). */
export async function readBody(req: Request): Promise<ParsedBody> {
  const raw = req.body ? await req.text() : ''
  const type = (req.headers.get('content-type') ?? '').toLowerCase()
  const empty = { format: 'none' as const, params: new URLSearchParams(), json: {}, raw }
  if (!raw) return empty
  if (type.includes('application/x-www-form-urlencoded')) {
    const params = new URLSearchParams(raw)
    return { format: 'form', params, json: Object.fromEntries(params), raw }
  }
  if (type.includes('json')) {
    try {
      const value = JSON.parse(raw)
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const params = new URLSearchParams()
        for (const [k, v] of Object.entries(value)) {
          if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
            params.set(k, String(v))
          }
        }
        return { format: 'json', params, json: value, raw }
      }
    } catch {
      // Falls through: not JSON after all.
    }
  }
  return { ...empty, format: 'other' }
}

/** The query string and the body's fields together, the body winning (as OAuth servers read them). */
export function requestParams(url: URL, body: ParsedBody): URLSearchParams {
  const params = new URLSearchParams(url.search)
  for (const [k, v] of body.params) params.set(k, v)
  return params
}

/** `Authorization: Basic` as `[user, password]` (percent-decoded as RFC 6749 §2.3.1 says). */
export function basicCredentials(req: Request): [string, string] | null {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '')
  if (!m) return null
  let text: string
  try {
    text = atob(m[1])
  } catch {
    return null
  }
  const i = text.indexOf(':')
  if (i < 0) return null
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '))
    } catch {
      return s
    }
  }
  return [decode(text.slice(0, i)), decode(text.slice(i + 1))]
}

export function bearerToken(req: Request): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '')
  return m ? m[1] : null
}

/** Placeholders in host labels that name an account (`{subdomain}.zendesk.com`). */
const ACCOUNT_PARAMS = ['subdomain', 'tenant', 'company']

export interface Template {
  host: RegExp
  hostNames: string[]
  path: RegExp
  pathNames: string[]
  /** The template text, for messages. */
  text: string
}

/** Compiles `https://{subdomain}.zendesk.com/oauth/tokens` into host and path patterns. */
export function compileTemplate(template: string, prefixOnly = false): Template {
  const m = /^https:\/\/([^/]+)(\/.*)?$/.exec(template)
  if (!m) throw new Error(`not an https URL template: ${template}`)
  const hostNames: string[] = []
  const pathNames: string[] = []
  const escape = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
  const host = escape(m[1]).replace(/\\?\{(\w+)\\?\}/g, (_all, name: string) => {
    hostNames.push(name)
    return '([a-z0-9][a-z0-9-]*)'
  })
  const path = escape(m[2] ?? '').replace(/\\?\{(\w+)\\?\}/g, (_all, name: string) => {
    pathNames.push(name)
    return '([^/]+)'
  })
  return {
    host: new RegExp(`^${host}$`, 'i'),
    hostNames,
    path: new RegExp(`^${path}${prefixOnly ? '(?=/|$)' : '/?$'}`),
    pathNames,
    text: template,
  }
}

export interface TemplateMatch {
  params: Record<string, string>
  /** The rest of the path after a prefix template. */
  rest: string
}

export function matchTemplate(t: Template, host: string, path: string): TemplateMatch | null {
  const h = t.host.exec(host)
  if (!h) return null
  const p = t.path.exec(path)
  if (!p) return null
  const params: Record<string, string> = {}
  t.hostNames.forEach((n, i) => (params[n] = h[i + 1].toLowerCase()))
  for (const [i, n] of t.pathNames.entries()) {
    const value = safeDecode(p[i + 1])
    if (value === null) return null
    params[n] = value
  }
  return { params, rest: path.slice(p[0].length) }
}

/** A percent-decoded path segment, or null when its escapes are malformed (no route matches). */
export function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}

/** The account key a matched URL names, if its template has one (subdomain, tenant, company). */
export function accountParam(params: Record<string, string>): string | null {
  for (const name of ACCOUNT_PARAMS) if (params[name]) return params[name]
  return null
}

export function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(
    /=+$/,
    '',
  )
}

export async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return base64url(new Uint8Array(digest))
}
