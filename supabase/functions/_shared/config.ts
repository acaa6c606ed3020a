// Typed, zod-validated environment, read lazily once per section so a function requires only
// the variables of the concerns it uses.
import { z } from 'zod'

const logLevels = ['debug', 'info', 'warn', 'error'] as const

/** Comma list of origins; `*` alone allows any origin. */
const originList = z.string().transform((value) =>
  value.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '')
).pipe(z.array(z.string()).min(1))

/**
 * One zod schema per concern. A function asks only for the sections it uses, so `integrations`
 * never fails for a missing Salesforce secret. Add a section (or a key) here when a feature needs
 * new settings; every key is an environment variable name.
 */
const sections = {
  log: z.object({
    LOG_LEVEL: z.enum(logLevels).default('info'),
  }),
  rateLimit: z.object({
    // Requests per user and function in one window (issue default: 100 per 15 minutes).
    RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(100),
    RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  }),
  http: z.object({
    CORS_ALLOWED_ORIGINS: originList.default(['*']),
  }),
  auth: z.object({
    SUPABASE_URL: z.url(),
    // Legacy projects sign user JWTs with HS256; asymmetric projects leave this unset.
    SUPABASE_JWT_SECRET: z.string().min(32).optional(),
  }),
  db: z.object({
    SUPABASE_DB_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  }),
}

export type ConfigSection = keyof typeof sections
export type Config<S extends ConfigSection> = z.output<(typeof sections)[S]>

/** Raised when the environment is missing or has an invalid value; names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

const cache = new Map<ConfigSection, unknown>()

function readSection<S extends ConfigSection>(section: S): Config<S> {
  const schema = sections[section]
  const raw: Record<string, string> = {}
  for (const key of Object.keys(schema.shape)) {
    // An empty variable is as good as unset: `FOO=` in an .env file must not pass `required`.
    const value = Deno.env.get(key)
    if (value !== undefined && value !== '') raw[key] = value
  }
  const result = schema.safeParse(raw)
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? section)
      return raw[key] === undefined ? `${key} is required` : `${key} ${issue.message}`
    })
    throw new ConfigError(`Invalid environment (${section}): ${problems.join('; ')}`)
  }
  return result.data as Config<S>
}

/**
 * Returns one validated config section, reading the environment on first use only.
 *
 * @throws {ConfigError} naming each missing or invalid variable of the section.
 * @example const { SUPABASE_DB_URL } = getConfig('db')
 */
export function getConfig<S extends ConfigSection>(section: S): Config<S> {
  if (!cache.has(section)) cache.set(section, readSection(section))
  return cache.get(section) as Config<S>
}

/**
 * Validates several sections at once so a function can fail at boot with every problem named.
 *
 * @throws {ConfigError} listing the problems of all given sections.
 */
export function assertConfig(...names: ConfigSection[]): void {
  const problems: string[] = []
  for (const name of names) {
    try {
      getConfig(name)
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      problems.push(error.message)
    }
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'))
}

/** Forgets every parsed section, so tests (and the local gateway) can change the environment. */
export function resetConfig(): void {
  cache.clear()
}
