// What `supabase functions deploy` (and `functions serve`, `supabase start`) will deploy: the
// functions it finds, each with its entrypoint, import map and verify_jwt, chosen the way the
// Supabase CLI chooses them (internal/functions/deploy GetFunctionConfig, pkg/config), so tests
// and `npm run deploy:check` check exactly what a deploy would use.
import { dirname, isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseToml } from 'smol-toml'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The CLI's rule for a function folder name (slug). */
const functionSlug = /^[A-Za-z][A-Za-z0-9_-]*$/

/** One function as the CLI would deploy it. */
export interface DeployedFunction {
  name: string
  /** Absolute path of the entrypoint (default `functions/<name>/index.ts`). */
  entrypoint: string
  /** Absolute path of the import map the CLI passes to the bundler, or undefined for none. */
  importMap?: string
  /** Where the import map choice came from, for messages. */
  importMapSource:
    | 'config.toml'
    | 'function deno.json'
    | 'function import_map.json'
    | 'fallback'
    | 'none'
  /** `[functions.<name>] verify_jwt`, undefined when config.toml does not set it. */
  verifyJwt?: boolean
  /** Whether config.toml has a `[functions.<name>]` table at all. */
  inConfigToml: boolean
}

interface FunctionToml {
  enabled?: boolean
  verify_jwt?: boolean
  import_map?: string
  entrypoint?: string
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path)
    return true
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false
    throw error
  }
}

/** config.toml's `[functions.*]` tables. */
export async function readFunctionsToml(
  supabaseDir: string,
): Promise<Record<string, FunctionToml>> {
  const config = parseToml(await Deno.readTextFile(join(supabaseDir, 'config.toml'))) as {
    functions?: Record<string, FunctionToml>
  }
  return config.functions ?? {}
}

/**
 * The functions `supabase functions deploy` deploys when given no names: every folder of
 * `functions/` with a valid slug and an `index.ts` (so `_shared` is skipped), plus every
 * `[functions.<name>]` of config.toml.
 */
export async function listDeployedFunctions(supabaseDir = join(repoRoot, 'supabase')): Promise<
  DeployedFunction[]
> {
  const functionsDir = join(supabaseDir, 'functions')
  const toml = await readFunctionsToml(supabaseDir)
  const names = new Set(Object.keys(toml))
  for await (const entry of Deno.readDir(functionsDir)) {
    if (
      entry.isDirectory && functionSlug.test(entry.name) &&
      await exists(join(functionsDir, entry.name, 'index.ts'))
    ) names.add(entry.name)
  }
  const fallback = join(functionsDir, 'import_map.json')
  const fallbackExists = await exists(fallback)
  const functions: DeployedFunction[] = []
  for (const name of [...names].sort()) {
    const settings = toml[name] ?? {}
    // Paths in config.toml are relative to the supabase/ folder, as the CLI resolves them.
    const fromSupabaseDir = (path: string) => isAbsolute(path) ? path : join(supabaseDir, path)
    const entrypoint = settings.entrypoint
      ? fromSupabaseDir(settings.entrypoint)
      : join(functionsDir, name, 'index.ts')
    // Precedence (no --import-map flag): config.toml, then the function's own deno.json,
    // deno.jsonc or import_map.json, then the global functions/import_map.json.
    const own = join(functionsDir, name)
    let importMap: string | undefined
    let importMapSource: DeployedFunction['importMapSource'] = 'none'
    if (settings.import_map) {
      importMap = fromSupabaseDir(settings.import_map)
      importMapSource = 'config.toml'
    } else {
      for (const file of ['deno.json', 'deno.jsonc', 'import_map.json']) {
        if (await exists(join(own, file))) {
          importMap = join(own, file)
          importMapSource = file === 'import_map.json'
            ? 'function import_map.json'
            : 'function deno.json'
          break
        }
      }
      if (!importMap && fallbackExists) {
        importMap = fallback
        importMapSource = 'fallback'
      }
    }
    functions.push({
      name,
      entrypoint,
      importMap,
      importMapSource,
      verifyJwt: settings.verify_jwt,
      inConfigToml: name in toml,
    })
  }
  return functions
}

/** One import of the module graph that did not resolve or load. */
export interface GraphProblem {
  module: string
  specifier?: string
  error: string
}

/** The module graph of a function, resolved as the deploy bundler would see it. */
export interface FunctionGraph {
  /** Every local module (absolute paths). */
  localFiles: string[]
  /** Every npm package the graph pulls in (name@version). */
  npmPackages: string[]
  problems: GraphProblem[]
}

interface DenoInfoDependency {
  specifier: string
  code?: { error?: string }
  type?: { error?: string }
}

interface DenoInfoModule {
  specifier: string
  local?: string
  error?: string
  dependencies?: DenoInfoDependency[]
}

interface DenoInfo {
  modules: DenoInfoModule[]
  npmPackages?: Record<string, unknown>
}

/**
 * Resolves a function's module graph with `deno info --json --no-config` and only the import map
 * the CLI would pick (no repo deno.json, whose map the CLI never reads). `env` lets a caller
 * point npm at an unreachable registry to prove resolution needs only the local cache.
 */
export async function resolveFunctionGraph(
  fn: DeployedFunction,
  env: Record<string, string> = {},
): Promise<FunctionGraph> {
  const args = ['info', '--json', '--no-config', '--no-lock']
  if (fn.importMap) args.push('--import-map', fn.importMap)
  args.push(fn.entrypoint)
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    env: { NO_COLOR: '1', ...env },
    stdout: 'piped',
    stderr: 'piped',
  }).output()
  const stderr = new TextDecoder().decode(output.stderr)
  if (!output.success) {
    return {
      localFiles: [],
      npmPackages: [],
      problems: [{ module: fn.entrypoint, error: stderr.trim() || 'deno info failed' }],
    }
  }
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as DenoInfo
  const problems: GraphProblem[] = []
  const localFiles: string[] = []
  for (const module of info.modules) {
    if (module.error) problems.push({ module: module.specifier, error: module.error })
    if (module.specifier.startsWith('file:')) localFiles.push(fileURLToPath(module.specifier))
    for (const dependency of module.dependencies ?? []) {
      const error = dependency.code?.error ?? dependency.type?.error
      if (error) problems.push({ module: module.specifier, specifier: dependency.specifier, error })
    }
  }
  return { localFiles, npmPackages: Object.keys(info.npmPackages ?? {}), problems }
}
