// Typed, zod-validated environment, read lazily once per section so a function requires only
// the variables of the concerns it uses.
import { z } from 'zod'
import { isAllowedRedirect } from './oauth/redirect-allowlist.ts'

const logLevels = ['debug', 'info', 'warn', 'error'] as const

/** Comma list of origins; `*` alone allows any origin. */
const originList = z.string().transform((value) =>
  value.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '')
).pipe(z.array(z.string()).min(1))

/** An http(s) base URL without a trailing slash, so paths can be appended as strings. */
const baseUrl = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''))

/** Comma list of allowed post-connect redirect targets: origins or URL prefixes. */
const redirectAllowlist = z.string().transform((value) =>
  value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '')
).pipe(z.array(z.url({ protocol: /^https?$/ })).min(1))

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
  proxy: z.object({
    // Calls through the proxy per business (all its members together) in one window: the
    // provider's own limits are per connection, so one chatty member must not spend them all.
    PROXY_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
    PROXY_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    // The longest Retry-After the proxy waits out itself before handing the 429 to the caller;
    // kept far below the edge wall clock (150 s), as up to two waits happen per call.
    PROXY_MAX_RETRY_WAIT_SECONDS: z.coerce.number().min(0).max(30).default(10),
  }),
  http: z.object({
    CORS_ALLOWED_ORIGINS: originList.default(['*']),
  }),
  alerts: z.object({
    // Plain-http loopback webhook URLs, for the local stack and tests only: in production a
    // receiver must be HTTPS so the signed event and its timestamp cannot be read in transit.
    ALERTS_ALLOW_INSECURE_URLS: z.enum(['true', 'false']).default('false').transform((value) =>
      value === 'true'
    ),
    // Attempts per delivery before it is marked failed; with the defaults below the last one
    // comes 1.5 to 3 hours after the first, long enough to ride out a receiver's deploy.
    ALERTS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
    // Exponential backoff: base * 2^(attempt - 1), capped, with jitter.
    ALERTS_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).default(30),
    ALERTS_RETRY_MAX_SECONDS: z.coerce.number().int().min(1).default(3_600),
    // Per-POST timeout; sync-cron delivers at the end of its tick, so keep it short.
    ALERTS_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5_000),
  }),
  auth: z.object({
    SUPABASE_URL: z.url(),
    // Legacy projects sign user JWTs with HS256; asymmetric projects leave this unset. The
    // platform gives functions no JWT secret and `supabase secrets set` refuses names that start
    // with SUPABASE_, so the secret goes by this name; see legacyJwtSecret() for the fallback.
    LEGACY_JWT_SECRET: z.string().min(32).optional(),
    SUPABASE_JWT_SECRET: z.string().min(32).optional(),
    // The `iss` every user token must carry. Supabase Auth issues `<SUPABASE_URL>/auth/v1`; set
    // this only where the functions see another SUPABASE_URL than the one tokens name (e.g.
    // `supabase start`, whose functions see http://kong:8000).
    JWT_ISSUER: z.url().optional(),
  }),
  db: z.object({
    SUPABASE_DB_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  }),
  salesforce: z.object({
    // The server's connected app. Optional: a tenant may bring its own client id and secret,
    // and the credentials module fails with a typed error when neither exists.
    SALESFORCE_CLIENT_ID: z.string().min(1).optional(),
    SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
    SALESFORCE_LOGIN_URL: baseUrl.default('https://login.salesforce.com'),
    SALESFORCE_SANDBOX_LOGIN_URL: baseUrl.default('https://test.salesforce.com'),
    // Default REST API version of new integrations; each integration keeps its own.
    SALESFORCE_API_VERSION: z.string().regex(/^[0-9]{2}\.0$/, 'must look like 62.0').default(
      '62.0',
    ),
  }),
  syncCron: z.object({
    // The bearer secret pg_cron sends (read from Vault by the job); sync-cron compares it.
    SYNC_CRON_SECRET: z.string().min(16),
  }),
  sync: z.object({
    // One tick's (or manual run's) time for syncing, well under the edge wall clock (150 s free,
    // 400 s paid) and under the one-minute schedule, so ticks rarely overlap.
    SYNC_BUDGET_SECONDS: z.coerce.number().positive().max(390).default(50),
    // The edge runtime stops a request after 2 s of CPU. A tick measures what it spends where the
    // runtime says (not in the hosted edge runtime: there these costs, `npm run bench`'s figures
    // with a margin, are the estimate) and starts no work whose reserved cost would pass this.
    SYNC_CPU_BUDGET_MS: z.coerce.number().int().min(100).max(3_600_000).default(1500),
    SYNC_CPU_MS_PER_1K_RECORDS: z.coerce.number().min(0).default(50),
    SYNC_CPU_MS_PER_RUN: z.coerce.number().min(0).default(20),
    SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
    // A lease outlives any run (renewed per page); a killed run's integration waits this long.
    SYNC_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
    // Incremental runs re-read this much before the cursor: late-visible records (commit lag).
    SYNC_LOOKBACK_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
    // Salesforce batchSize wish (200..2000); Salesforce may send fewer per page.
    SYNC_PAGE_SIZE: z.coerce.number().int().min(200).max(2000).default(2000),
    SYNC_REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().max(120).default(20),
    SYNC_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
    SYNC_RETRY_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(500),
    // Failed runs in a row before the integration is `error` and its schedule backs off.
    SYNC_FAILURE_THRESHOLD: z.coerce.number().int().min(1).max(100).default(3),
    SYNC_MAX_BACKOFF_MINUTES: z.coerce.number().int().min(1).max(10_080).default(360),
    // REQUEST_LIMIT_EXCEEDED (the org's rolling 24 h allowance): wait this long before trying.
    SYNC_LIMIT_BACKOFF_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  }),
  webhooks: z.object({
    // The public base of the functions as providers call them: HubSpot signs the exact URL it
    // called, and behind the gateway the function sees neither that host nor /functions/v1.
    // Unset: PUBLIC_FUNCTIONS_URL, else <SUPABASE_URL>/functions/v1 (hosted, SUPABASE_URL is
    // https://<ref>.supabase.co). Set it when webhooks arrive on a custom domain.
    WEBHOOKS_PUBLIC_BASE_URL: baseUrl.optional(),
    PUBLIC_FUNCTIONS_URL: baseUrl.optional(),
    SUPABASE_URL: baseUrl,
  }),
  hubspot: z.object({
    // The share of a portal's allowance our calls may use, as a token bucket per portal shared
    // by every worker (facts hubspot.md §7: 110 calls per rolling 10 s, 5 searches per rolling
    // second). A bucket of capacity c refilled at r lets at most c + r·t through in any t
    // seconds: 10 + 9·10 = 100 calls per 10 s and 1 + 4 = 5 searches per second, with room
    // for other apps of the portal and for clocks that differ.
    HUBSPOT_CALLS_PER_SECOND: z.coerce.number().positive().default(9),
    HUBSPOT_CALLS_BURST: z.coerce.number().min(1).default(10),
    HUBSPOT_SEARCHES_PER_SECOND: z.coerce.number().positive().default(4),
    HUBSPOT_SEARCHES_BURST: z.coerce.number().min(1).default(1),
    // After a 429 of the 10-second window, the portal's bucket is drained this long for every
    // worker (the official SDK waits 10 s per attempt).
    HUBSPOT_LIMIT_PAUSE_SECONDS: z.coerce.number().min(0).max(60).default(10),
    // Every id of a synced object is reconciled this often: the only way to see GDPR deletes
    // and merged-away records, which no listing names (facts §5).
    HUBSPOT_ID_RECONCILE_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
  }),
  oauth: z.object({
    // The browser-facing base of the functions (https://<ref>.supabase.co/functions/v1). The
    // redirect_uri is built from it, never from SUPABASE_URL (internal under `supabase start`)
    // or the request URL (which a proxy or a forged Host header can change).
    PUBLIC_FUNCTIONS_URL: baseUrl,
    APP_REDIRECT_ALLOWLIST: redirectAllowlist,
    // The app page a browser is sent to (with error=state_invalid) when it reaches the callback
    // with a state we cannot trust, so there is no redirect_to to use. Unset: a JSON 400.
    APP_ERROR_REDIRECT_URL: z.url({ protocol: /^https?$/ }).optional(),
  }).superRefine((value, context) => {
    const target = value.APP_ERROR_REDIRECT_URL
    if (target !== undefined && !isAllowedRedirect(target, value.APP_REDIRECT_ALLOWLIST)) {
      context.addIssue({
        code: 'custom',
        path: ['APP_ERROR_REDIRECT_URL'],
        message: 'must be a URL that APP_REDIRECT_ALLOWLIST allows',
      })
    }
  }),
}

export type ConfigSection = keyof typeof sections

export type Config<S extends ConfigSection> = z.output<(typeof sections)[S]>

/**
 * The legacy HS256 secret: LEGACY_JWT_SECRET, else SUPABASE_JWT_SECRET (the name self-hosted
 * setups and older versions of this project use; hosted projects cannot set it).
 */
export function legacyJwtSecret(auth: Config<'auth'>): string | undefined {
  return auth.LEGACY_JWT_SECRET ?? auth.SUPABASE_JWT_SECRET
}

/** The issuer user tokens must name: JWT_ISSUER, else `<SUPABASE_URL>/auth/v1`. */
export function jwtIssuer(auth: Config<'auth'>): string {
  return auth.JWT_ISSUER ?? `${auth.SUPABASE_URL.replace(/\/+$/, '')}/auth/v1`
}

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
