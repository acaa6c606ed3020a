// One JSON logger: a line per event with level, msg, request id and fields, redacted so no token,
// secret, code or verifier ever reaches the logs.
import { getConfig } from './config.ts'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  /** A logger that adds `fields` (e.g. `request_id`) to every line. */
  child(fields: LogFields): Logger
}

/** Receives each finished line; tests swap it to capture output. */
export type LogSink = (line: string, level: LogLevel) => void

const REDACTED = '[REDACTED]'
const severity: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** Keys whose values are never logged, compared after snake_casing and lower-casing. */
const sensitiveKeys = new Set([
  'authorization',
  'proxy_authorization',
  'cookie',
  'set_cookie',
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'jwt',
  'secret',
  'client_secret',
  'code',
  'code_verifier',
  'verifier',
  // The OAuth state is a one-time bearer secret until it is consumed.
  'state',
  // The completion ticket is one too, until its initiator redeems it.
  'ticket',
  'password',
  'passwd',
  'apikey',
  'api_key',
  'private_key',
  'secret_key',
  'service_role_key',
  'decrypted_secret',
])
const sensitiveSuffixes = ['_token', '_secret', '_password', '_verifier']

/** Substrings of any string value that are credentials, whatever key they sit under. */
const sensitivePatterns: Array<[RegExp, string]> = [
  // A JWT: three base64url segments, the first one a JSON header.
  [/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, REDACTED],
  [/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, `$1 ${REDACTED}`],
  // Salesforce access tokens are "<15-char org id>!<opaque>".
  [/\b00D[A-Za-z0-9]{12,15}![\w.-]+/g, REDACTED],
  [/\bsb_secret_[\w-]+/g, REDACTED],
  // key=value text: OAuth callback query strings and form-encoded token requests.
  [
    /((?:^|[?&#\s;,])(?:code|state|ticket|access_token|refresh_token|id_token|token|code_verifier|client_secret|password|apikey)=)[^&#\s"';,]+/gi,
    `$1${REDACTED}`,
  ],
  // "key": "value" text: a provider's raw JSON (token responses) quoted in an error message.
  [
    /("(?:code|state|access_token|refresh_token|id_token|token|code_verifier|client_secret|password|secret)"\s*:\s*)"[^"]*"/gi,
    `$1"${REDACTED}"`,
  ],
  // Passwords in connection strings.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${REDACTED}@`],
]

function normalizeKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toLowerCase()
}

function isSensitiveKey(key: string): boolean {
  const normalized = normalizeKey(key)
  return sensitiveKeys.has(normalized) ||
    sensitiveSuffixes.some((suffix) => normalized.endsWith(suffix))
}

/** Replaces credential-looking substrings (JWTs, bearer tokens, URL secrets) in a string. */
export function redactString(value: string): string {
  return sensitivePatterns.reduce(
    (text, [pattern, replacement]) => text.replace(pattern, replacement),
    value,
  )
}

function redactValue(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return redactString(value)
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? value.toString() : value
  }
  if (seen.has(value)) return '[Circular]'
  if (depth > 8) return '[Truncated]'
  seen.add(value)
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Error) {
    // An error's own `code` (SQLSTATE, jose's ERR_*) is useful and not a secret: log it under a
    // key the redaction list does not catch.
    const errorCode = (value as { code?: unknown }).code
    return redactValue(
      {
        name: value.name,
        message: value.message,
        ...(typeof errorCode === 'string' ? { error_code: errorCode } : {}),
        stack: value.stack,
        ...(value.cause !== undefined ? { cause: value.cause } : {}),
      },
      seen,
      depth + 1,
    )
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) && item !== undefined && item !== null
      ? REDACTED
      : redactValue(item, seen, depth + 1)
  }
  return out
}

/**
 * Returns a copy of `value` safe to log: values under sensitive keys (at any depth) become
 * `[REDACTED]`, and credential-looking substrings of every string are masked.
 */
export function redact(value: unknown): unknown {
  return redactValue(value, new WeakSet(), 0)
}

const consoleSink: LogSink = (line, level) => {
  if (level === 'error') console.error(line)
  else if (level === 'warn') console.warn(line)
  else console.log(line)
}

let sink: LogSink = consoleSink

/** Routes log lines to `next` (tests capture them); `undefined` restores the console. */
export function setLogSink(next: LogSink | undefined): void {
  sink = next ?? consoleSink
}

function threshold(): number {
  try {
    return severity[getConfig('log').LOG_LEVEL]
  } catch {
    // A bad LOG_LEVEL must not stop logging; boot checks (assertConfig) report it.
    return severity.info
  }
}

function write(level: LogLevel, msg: string, bound: LogFields, fields?: LogFields): void {
  if (severity[level] < threshold()) return
  const head = { time: new Date().toISOString(), level, msg: redactString(msg) }
  // Fields never overwrite the head keys, which keep their place at the start of the line.
  const line = Object.assign({ ...head }, redact({ ...bound, ...fields }) as LogFields, head)
  sink(JSON.stringify(line), level)
}

/** Creates a logger whose lines all carry `bound` fields. */
export function createLogger(bound: LogFields = {}): Logger {
  return {
    debug: (msg, fields) => write('debug', msg, bound, fields),
    info: (msg, fields) => write('info', msg, bound, fields),
    warn: (msg, fields) => write('warn', msg, bound, fields),
    error: (msg, fields) => write('error', msg, bound, fields),
    child: (fields) => createLogger({ ...bound, ...fields }),
  }
}

/** The process-wide logger; per-request code uses `c.var.log`, which adds the request id. */
export const log: Logger = createLogger()
