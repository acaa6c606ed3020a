// The console's static files, served by the local gateway under /console/: the page and its
// modules (console/), the typed client (client/), openapi-fetch straight from node_modules, and
// the merged OpenAPI document. No build step: the browser loads these ES modules as they are.
import { extname, join } from 'node:path'

export const consolePrefix = '/console/'

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
}

/**
 * Only same-origin scripts and calls (the OAuth consent page is a navigation, which CSP allows).
 * The page's one inline script is its import map, allowed by its hash.
 */
async function contentSecurityPolicy(html?: string): Promise<string> {
  const importMap = html?.match(/<script type="importmap">([\s\S]*?)<\/script>/)?.[1]
  let scripts = "'self'"
  if (importMap !== undefined) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(importMap))
    scripts += ` 'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`
  }
  return `default-src 'self'; script-src ${scripts}; style-src 'self'; connect-src 'self'; ` +
    "img-src 'self' data:; frame-ancestors 'none'"
}

const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
}

/** The file a console URL path maps to, or undefined: a fixed set of folders, no `..`. */
export function consoleFile(repoRoot: string, pathname: string): string | undefined {
  const rest = pathname.slice(consolePrefix.length)
  if (rest.split('/').some((part) => part === '..' || part.startsWith('.'))) return undefined
  if (rest === '' || rest === 'index.html') return join(repoRoot, 'console', 'index.html')
  if (rest === 'openapi.json') return join(repoRoot, 'openapi.json')
  if (rest === 'vendor/openapi-fetch.mjs') {
    return join(repoRoot, 'node_modules', 'openapi-fetch', 'dist', 'index.mjs')
  }
  if (rest.startsWith('client/') && rest.endsWith('.js')) return join(repoRoot, rest)
  if (/^[a-z0-9-]+\.(js|css)$/.test(rest)) return join(repoRoot, 'console', rest)
  return undefined
}

/** Answers a GET under /console/ (or `/console`, redirected), or undefined when it is not one. */
export async function serveConsole(
  repoRoot: string,
  request: Request,
  url: URL,
): Promise<Response | undefined> {
  if (url.pathname === '/console') {
    return new Response(null, { status: 308, headers: { location: `/console/${url.search}` } })
  }
  if (!url.pathname.startsWith(consolePrefix)) return undefined
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
  const file = consoleFile(repoRoot, url.pathname)
  if (!file) return undefined
  try {
    const body = await Deno.readFile(file)
    const html = extname(file) === '.html' ? new TextDecoder().decode(body) : undefined
    return new Response(request.method === 'HEAD' ? null : body, {
      headers: {
        'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': await contentSecurityPolicy(html),
        ...securityHeaders,
      },
    })
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined
    throw error
  }
}
