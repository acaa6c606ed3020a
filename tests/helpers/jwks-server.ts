// A loopback HTTP server publishing a JWKS at the Supabase path, for auth tests.
import type { Jwks } from '../../scripts/local/jwt.ts'
import { clearJwksCache } from '../../supabase/functions/_shared/auth/verify-jwt.ts'

export interface JwksServer {
  /** Base URL to use as SUPABASE_URL. */
  url: string
  /** How many times the JWKS was fetched. */
  hits(): number
  close(): Promise<void>
}

/** Serves `jwks` (or whatever `respond` answers) at /auth/v1/.well-known/jwks.json. */
export function serveJwks(jwks: Jwks, respond?: () => Response): JwksServer {
  let hits = 0
  const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: () => {} }, (request) => {
    if (new URL(request.url).pathname !== '/auth/v1/.well-known/jwks.json') {
      return new Response('not found', { status: 404 })
    }
    hits++
    return respond?.() ?? Response.json(jwks)
  })
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    hits: () => hits,
    close: async () => {
      await server.shutdown()
      // A later server may get this port back, with other keys.
      clearJwksCache()
    },
  }
}
