// Starts the local gateway in process, on a free loopback port, with a fresh signing key: the way
// tests call functions over HTTP exactly as clients do.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serveGateway } from '../../scripts/local/gateway.ts'
import {
  generateSigningKey,
  mintUserJwt,
  type MintUserJwtOptions,
  publicJwks,
  type SigningKey,
} from '../../scripts/local/jwt.ts'
import { clearJwksCache } from '../../supabase/functions/_shared/auth/verify-jwt.ts'
import { closeSql } from '../../supabase/functions/_shared/db/client.ts'
import { snapshotEnv } from './env.ts'
import { assertMatchesDocument } from './openapi-check.ts'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface TestGatewayOptions {
  /** Database the functions use (SUPABASE_DB_URL); unit tests that never reach SQL omit it. */
  dbUrl?: string
  /** More environment for the functions. */
  env?: Record<string, string>
  /** Defaults: the repo's supabase/functions and supabase/config.toml. */
  functionsDir?: string
  configTomlPath?: string
}

export interface TestGateway {
  /** Base URL: `${url}/functions/v1/<name>/...`. */
  url: string
  functions: string[]
  /** The key the gateway's JWKS publishes. */
  key: SigningKey
  /** A user access token signed with `key`, issued by this gateway. */
  mint(options: Omit<MintUserJwtOptions, 'key'>): Promise<string>
  /**
   * fetch() against the gateway; `path` starts with `/`. Adds `Bearer token` when given. Serving
   * the repo's functions, every answer is checked against the committed openapi.json.
   */
  request(path: string, init?: RequestInit & { token?: string }): Promise<Response>
  /** Stops the server and closes the functions' database client. */
  close(): Promise<void>
}

/**
 * Starts a gateway for a test file. Call `close()` in a `finally`.
 *
 * @example
 * const gw = await startTestGateway({ dbUrl: requireTestDbUrl() })
 * const res = await gw.request('/functions/v1/integrations/businesses', { token: await gw.mint({ sub }) })
 */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const key = await generateSigningKey()
  const env: Record<string, string> = { ...options.env }
  if (options.dbUrl) env.SUPABASE_DB_URL = options.dbUrl
  // The gateway writes the functions' env into this process; put it back on close.
  // Fixture functions are not in the document; the repo's own are.
  const checkDocument = options.functionsDir === undefined
  const restoreEnv = snapshotEnv([...Object.keys(env), 'SUPABASE_URL'])
  const gateway = await serveGateway({
    functionsDir: options.functionsDir ?? join(repoRoot, 'supabase', 'functions'),
    configTomlPath: options.configTomlPath ?? join(repoRoot, 'supabase', 'config.toml'),
    jwks: publicJwks(key),
    env,
  })
  return {
    url: gateway.url,
    functions: gateway.functions,
    key,
    mint: (mintOptions) => mintUserJwt({ supabaseUrl: gateway.url, ...mintOptions, key }),
    request: async (path, { token, ...init } = {}) => {
      const headers = new Headers(init.headers)
      if (token) headers.set('authorization', `Bearer ${token}`)
      const response = await fetch(`${gateway.url}${path}`, { ...init, headers })
      if (checkDocument && path.startsWith('/functions/v1/')) {
        await assertMatchesDocument(
          init.method ?? 'GET',
          path.slice('/functions/v1'.length),
          response,
        )
      }
      return response
    },
    close: async () => {
      await gateway.close()
      await closeSql()
      // A later gateway may get this port back, with another key.
      clearJwksCache()
      restoreEnv()
    },
  }
}

/** Runs `run` against a gateway started with `options`, closed whatever happens. */
export async function withTestGateway(
  options: TestGatewayOptions,
  run: (gateway: TestGateway) => Promise<void>,
): Promise<void> {
  const gateway = await startTestGateway(options)
  try {
    await run(gateway)
  } finally {
    await gateway.close()
  }
}
