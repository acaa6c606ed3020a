// A provider's URLs for one connection: templates filled from its connection config, plus the
// one dev/test rewrite that sends every fixed provider host to the local provider simulator.
import { z } from 'zod'
import { ProviderError, ValidationError } from '../http/errors.ts'
import type { ConnectionConfig, Provider, ProviderSpec } from './types.ts'

/** A placeholder that opens a template stands for a whole base URL (Salesforce's instance_url). */
const leadingPlaceholder = /^\{([^}]+)\}/

/**
 * Fills `{name}` placeholders from `config`. A placeholder inside the URL takes one
 * percent-encoded value (the spec's pattern already keeps it inside a host label or segment);
 * one that opens the template takes a whole base URL, which must be http(s).
 *
 * @throws {ProviderError} `connection_config_missing` when the connection lacks a value.
 */
export function fillTemplate(template: string, config: ConnectionConfig): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string, offset: number) => {
    const value = config[name]
    if (value === undefined || value === '') {
      throw new ProviderError(`The connection has no ${name} configured`, {
        code: 'connection_config_missing',
      })
    }
    if (offset === 0) {
      const url = new URL(value)
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new ProviderError(`The connection's ${name} is not an http(s) URL`, {
          code: 'connection_config_invalid',
        })
      }
      return value.replace(/\/+$/, '')
    }
    return encodeURIComponent(value)
  })
}

/**
 * In development and tests only (`PROVIDER_SIMULATOR_URL` set), `https://<host>/<path>` becomes
 * `<simulator>/<host>/<path>`: the simulator serves every provider host under that prefix.
 * Only templates whose host the spec fixes are rewritten; a base URL the provider gave us
 * (instance_url) already points where it should.
 */
function viaSimulator(template: string, url: string): string {
  const simulator = Deno.env.get('PROVIDER_SIMULATOR_URL')?.replace(/\/+$/, '')
  if (!simulator || leadingPlaceholder.test(template) || !url.startsWith('https://')) return url
  return `${simulator}/${url.slice('https://'.length)}`
}

function resolve(template: string, config: ConnectionConfig): string {
  return viaSimulator(template, fillTemplate(template, config))
}

export interface ProviderUrls {
  authorizeUrl?: string
  tokenUrl?: string
  requestTokenUrl?: string
  revokeUrl?: string
}

/**
 * The OAuth URLs of one connection. Codes and refresh tokens only work on the host family that
 * issued them, so every call for a connection goes through the same URLs. A `loginBaseUrl` hook
 * (Salesforce: login, test or My Domain, from env) replaces the templates' origin.
 */
export function oauthUrls(provider: Provider, config: ConnectionConfig): ProviderUrls {
  const { spec, hooks } = provider
  const base = hooks.loginBaseUrl?.(config)
  const one = (template: string | undefined) => {
    if (template === undefined) return undefined
    if (base !== undefined) return base + new URL(template).pathname
    return resolve(template, config)
  }
  return {
    authorizeUrl: one(spec.authorizeUrl),
    tokenUrl: one(spec.tokenUrl),
    requestTokenUrl: one(spec.requestTokenUrl),
    revokeUrl: one(spec.revokeUrl),
  }
}

/** The root every API call of the connection must stay under (the proxy's base). */
export function apiBaseUrlFor(spec: ProviderSpec, config: ConnectionConfig): string {
  return resolve(spec.apiBaseUrl, config).replace(/\/+$/, '')
}

/** The callback URL registered with the provider: `<PUBLIC_FUNCTIONS_URL>/callback/<id>`. */
export function callbackUrl(publicFunctionsUrl: string, spec: ProviderSpec): string {
  return `${publicFunctionsUrl}/callback/${spec.id}`
}

/**
 * A tenant's connection config checked against the spec: only declared fields, each matching
 * its pattern, required ones present. Values are never echoed in the error (only field names).
 *
 * @throws {ValidationError} 400 `validation_failed` naming the first bad field.
 */
export function parseConnectionConfig(spec: ProviderSpec, input: unknown): ConnectionConfig {
  const shape: Record<string, z.ZodType<string | undefined>> = {}
  for (const [name, field] of Object.entries(spec.connectionConfig)) {
    const value = z.string().regex(new RegExp(field.pattern), `must be ${field.description}`)
    shape[name] = field.required ? value : value.optional()
  }
  const parsed = z.strictObject(shape).safeParse(input ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue.path.length
      ? issue.path.join('.')
      : (issue as { keys?: string[] }).keys?.[0]
    const message = issue.code === 'unrecognized_keys'
      ? `connection_config.${
        (issue as { keys: string[] }).keys[0]
      } is not a ${spec.displayName} setting`
      : `connection_config.${field} ${
        issue.code === 'invalid_type' ? 'is required' : issue.message
      }`
    throw new ValidationError(message, {
      details: parsed.error.issues.map((each) => ({
        path: ['connection_config', ...each.path.map(String)],
        code: each.code,
      })),
    })
  }
  return Object.fromEntries(
    Object.entries(parsed.data).filter((entry): entry is [string, string] =>
      entry[1] !== undefined
    ),
  )
}
