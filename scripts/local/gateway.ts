// Local stand-in for the Supabase API gateway: serves each function's app.ts under
// /functions/v1/<name>, applies its verify_jwt from config.toml, and publishes the stack's JWKS.
// The stack runs it under `deno run --watch=supabase/functions/,supabase/config.toml`, so an
// edited function (or _shared module, or verify_jwt) is what the next request runs, as with
// `supabase functions serve`: Deno restarts the gateway with a fresh module graph.
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createLocalJWKSet } from 'jose'
import { parse as parseToml } from 'smol-toml'
import { bearerToken } from '../../supabase/functions/_shared/http/auth.ts'
import {
  type JwtKeys,
  verifySupabaseJwt,
} from '../../supabase/functions/_shared/auth/verify-jwt.ts'
import { resetConfig } from '../../supabase/functions/_shared/config.ts'
import {
  AppError,
  errorResponse,
  internalErrorBody,
  NotFoundError,
  ServiceUnavailableError,
  UnauthorizedError,
} from '../../supabase/functions/_shared/http/errors.ts'
import { log } from '../../supabase/functions/_shared/log.ts'
import { serveConsole } from './console-files.ts'
import { type Jwks, loadOrCreateSigningKey, publicJwks } from './jwt.ts'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const functionsPrefix = '/functions/v1/'
const jwksPath = '/auth/v1/.well-known/jwks.json'
// Same rule the Supabase CLI applies to function folder names.
const functionName = /^[A-Za-z][A-Za-z0-9_-]*$/
// Gateway-made responses (401, 404) must be readable by a browser, as Kong's cors plugin does.
const gatewayCors = { 'Access-Control-Allow-Origin': '*' }

export interface GatewayOptions {
  /** Folder holding one folder per function (`supabase/functions`). */
  functionsDir: string
  /** `supabase/config.toml`, read for `[functions.<name>] verify_jwt` (default true). */
  configTomlPath: string
  /** Public keys of the stack: served at /auth/v1/.well-known/jwks.json, and trusted. */
  jwks: Jwks
  /**
   * Variables set in Deno.env for the functions (they run in this process and read their config
   * from it), e.g. SUPABASE_DB_URL. LEGACY_JWT_SECRET (or SUPABASE_JWT_SECRET), if set, also
   * makes the gateway accept legacy HS256 tokens.
   */
  env?: Record<string, string>
}

/** A fetch handler that routes like the platform gateway. */
export interface Gateway {
  fetch(request: Request): Promise<Response>
  /** The functions found: folders not starting with `_` that have an app.ts. */
  functions: string[]
}

type FetchApp = { fetch(request: Request): Response | Promise<Response> }

/** The functions of `functionsDir`: folders with an app.ts, skipping `_shared` and the like. */
export async function discoverFunctions(functionsDir: string): Promise<string[]> {
  const names: string[] = []
  for await (const entry of Deno.readDir(functionsDir)) {
    if (!entry.isDirectory || !functionName.test(entry.name)) continue
    try {
      if ((await Deno.stat(join(functionsDir, entry.name, 'app.ts'))).isFile) {
        names.push(entry.name)
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error
    }
  }
  return names.sort()
}

/** `verify_jwt` per function from config.toml; the platform default is true. */
export async function readVerifyJwt(
  configTomlPath: string,
  names: string[],
): Promise<Map<string, boolean>> {
  const config = parseToml(await Deno.readTextFile(configTomlPath)) as {
    functions?: Record<string, { verify_jwt?: boolean }>
  }
  return new Map(names.map((name) => [name, config.functions?.[name]?.verify_jwt ?? true]))
}

/** Sets the functions' environment and drops config parsed from the previous one. */
function applyEnv(env: Record<string, string>): void {
  for (const [key, value] of Object.entries(env)) Deno.env.set(key, value)
  resetConfig()
}

function gatewayError(error: AppError): Response {
  return errorResponse(error, gatewayCors)
}

/**
 * Creates the gateway's fetch handler. Function modules are imported on first request, after the
 * environment is set, as the edge runtime boots a worker on demand; one that fails to import
 * answers 503 `boot_error` without taking the others down.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  applyEnv(options.env ?? {})
  const functions = await discoverFunctions(options.functionsDir)
  const verifyJwt = await readVerifyJwt(options.configTomlPath, functions)
  const keys: JwtKeys = {
    jwks: createLocalJWKSet(options.jwks),
    hs256Secret: options.env?.LEGACY_JWT_SECRET ?? options.env?.SUPABASE_JWT_SECRET,
  }
  const apps = new Map<string, Promise<FetchApp>>()

  function loadApp(name: string): Promise<FetchApp> {
    let app = apps.get(name)
    if (!app) {
      const url = pathToFileURL(join(options.functionsDir, name, 'app.ts')).href
      app = import(url).then((module) => {
        if (typeof module.app?.fetch !== 'function') throw new Error(`${url} exports no app`)
        return module.app as FetchApp
      })
      apps.set(name, app)
    }
    return app
  }

  async function serveFunction(request: Request, url: URL): Promise<Response> {
    const rest = url.pathname.slice(functionsPrefix.length - 1) // "/<name>/..."
    const name = rest.split('/')[1]
    if (!verifyJwt.has(name)) {
      return gatewayError(new NotFoundError(`No function named ${JSON.stringify(name)}`))
    }
    // Preflight carries no credentials; the platform lets it through to the function's CORS.
    if (verifyJwt.get(name) && request.method !== 'OPTIONS') {
      const token = bearerToken(request.headers.get('authorization') ?? undefined)
      if (!token) return gatewayError(new UnauthorizedError('Missing bearer token'))
      try {
        await verifySupabaseJwt(token, keys)
      } catch (error) {
        if (error instanceof AppError) return gatewayError(error)
        throw error
      }
    }
    let app: FetchApp
    try {
      app = await loadApp(name)
    } catch (error) {
      log.error('function failed to boot', { function: name, error })
      return gatewayError(
        new ServiceUnavailableError('The function failed to boot', { code: 'boot_error' }),
      )
    }
    // The function sees the path after /functions/v1, as on the platform.
    return await app.fetch(new Request(new URL(rest + url.search, url.origin), request))
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === jwksPath && (request.method === 'GET' || request.method === 'HEAD')) {
      return Response.json(options.jwks, {
        headers: { ...gatewayCors, 'Cache-Control': 'public, max-age=600' },
      })
    }
    if (url.pathname.startsWith(functionsPrefix)) return await serveFunction(request, url)
    const page = await serveConsole(repoRoot, request, url)
    if (page) return page
    return gatewayError(new NotFoundError(`No route for ${request.method} ${url.pathname}`))
  }

  return {
    functions,
    async fetch(request) {
      try {
        return await handle(request)
      } catch (error) {
        log.error('gateway error', { error })
        return Response.json(internalErrorBody(), { status: 500, headers: gatewayCors })
      }
    },
  }
}

export interface ServeGatewayOptions extends GatewayOptions {
  /** 0 picks a free port (tests). */
  port?: number
  hostname?: string
}

export interface RunningGateway {
  /** Base URL, also given to the functions as SUPABASE_URL. */
  url: string
  functions: string[]
  close(): Promise<void>
}

/**
 * Serves a gateway over HTTP. SUPABASE_URL is set to the gateway's own URL once the port is
 * known, so functions fetch the JWKS from it like they fetch the project's on the platform.
 */
export async function serveGateway(options: ServeGatewayOptions): Promise<RunningGateway> {
  const hostname = options.hostname ?? '127.0.0.1'
  let gateway: Gateway | undefined
  const server = Deno.serve(
    { port: options.port ?? 0, hostname, onListen: () => {} },
    (request) =>
      gateway?.fetch(request) ??
        gatewayError(new ServiceUnavailableError('The gateway is starting')),
  )
  // A wildcard bind address is no address to call; functions call back over loopback.
  const host = hostname === '0.0.0.0' ? '127.0.0.1' : hostname
  const url = `http://${host}:${server.addr.port}`
  try {
    gateway = await createGateway({
      ...options,
      env: { ...options.env, SUPABASE_URL: url },
    })
  } catch (error) {
    await server.shutdown()
    throw error
  }
  return { url, functions: gateway.functions, close: () => server.shutdown() }
}

async function main(): Promise<void> {
  const dbUrl = Deno.env.get('SUPABASE_DB_URL') || Deno.env.get('DB_ADMIN_URL')
  if (!dbUrl) throw new Error('Set SUPABASE_DB_URL (or DB_ADMIN_URL) to the database URL')
  const key = await loadOrCreateSigningKey()
  const gateway = await serveGateway({
    // Other folders for tests of the gateway itself; the stack serves the repository's.
    functionsDir: Deno.env.get('GATEWAY_FUNCTIONS_DIR') || join(repoRoot, 'supabase', 'functions'),
    configTomlPath: Deno.env.get('GATEWAY_CONFIG_TOML') ||
      join(repoRoot, 'supabase', 'config.toml'),
    jwks: publicJwks(key),
    env: { SUPABASE_DB_URL: dbUrl },
    port: Number(Deno.env.get('GATEWAY_PORT') || '54321'),
    hostname: Deno.env.get('GATEWAY_HOST') || '127.0.0.1',
  })
  log.info('gateway listening', { url: gateway.url, functions: gateway.functions })
  const stop = () => gateway.close().then(() => Deno.exit(0))
  Deno.addSignalListener('SIGINT', stop)
  Deno.addSignalListener('SIGTERM', stop)
}

if (import.meta.main) await main()
