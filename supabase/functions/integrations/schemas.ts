// The integrations function's inputs, validated at the route.
import { z } from 'zod'
import { cursorParam } from '../_shared/contacts/cursor.ts'
import { isProviderId } from '../_shared/providers/registry.ts'
import { providerIdPattern } from '../_shared/providers/types.ts'

const environment = z.enum(['production', 'sandbox', 'custom'])
const apiVersion = z.string().regex(/^[0-9]{2}\.0$/, 'must look like 62.0')
const name = z.string().trim().min(1).max(100)

/**
 * An org's My Domain, e.g. https://acme.my.salesforce.com or
 * https://acme--dev.sandbox.my.salesforce.com: the OAuth host of a `custom` integration.
 * Lightning UI hosts (*.lightning.force.com) are not OAuth hosts and are refused.
 */
const myDomainUrl = z.url({
  protocol: /^https$/,
  hostname: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9-]+)*\.my\.salesforce\.com$/i,
  error: 'must be a My Domain URL like https://acme.my.salesforce.com',
}).refine((value) => {
  const url = new URL(value)
  return url.pathname === '/' && url.search === '' && url.hash === '' && url.port === ''
}, 'must be the My Domain origin only, with no path').transform((value) => new URL(value).origin)

/** A tenant's own connected app; the secret is optional (an app may not require one). */
const clientFields = {
  client_id: z.string().trim().min(1).max(255).optional(),
  client_secret: z.string().min(1).max(255).optional(),
}

const secretNeedsId = {
  check: (body: { client_id?: string; client_secret?: string }) =>
    body.client_secret === undefined || body.client_id !== undefined,
  message: { message: 'client_secret needs client_id', path: ['client_id'] },
}

/** A registry provider id (unknown ones are a 400 naming the field). */
const provider = z.string().max(40).regex(providerIdPattern).refine(
  isProviderId,
  'is not a provider we connect to',
)

/**
 * Per-connection settings as the provider's spec declares them (a Zendesk subdomain, a
 * Workday tenant); checked against the spec by the integrations module, which knows the
 * provider. Values are short strings: they fill a host label or a path segment.
 */
const connectionConfig = z.record(z.string().max(64), z.string().max(255))

export const createIntegrationBody = z.strictObject({
  business_id: z.guid(),
  provider: provider.default('salesforce'),
  connection_config: connectionConfig.optional(),
  name,
  environment: environment.default('production'),
  my_domain_url: myDomainUrl.optional(),
  api_version: apiVersion.optional(),
  ...clientFields,
})
  .refine((body) => (body.environment === 'custom') === (body.my_domain_url !== undefined), {
    message: 'my_domain_url is required for a custom environment, and only for it',
    path: ['my_domain_url'],
  })
  .refine(secretNeedsId.check, secretNeedsId.message)

export const updateIntegrationBody = z.strictObject({
  name: name.optional(),
  connection_config: connectionConfig.optional(),
  environment: environment.optional(),
  my_domain_url: myDomainUrl.nullable().optional(),
  api_version: apiVersion.optional(),
  ...clientFields,
})
  .refine((body) => Object.keys(body).length > 0, 'nothing to change')
  .refine(secretNeedsId.check, secretNeedsId.message)

export const integrationParams = z.object({ id: z.guid() })

export const listQuery = z.object({ business_id: z.guid() })

export const disconnectQuery = z.object({ purge: z.enum(['true', 'false']).default('false') })

export const eventsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().regex(/^[0-9]{1,18}$/).optional(),
})

/** A runs cursor: the (started_at, id) of the last run of the page before, as we issued it. */
const runsCursor = z.strictObject({
  s: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
  i: z.string().regex(/^[1-9][0-9]{0,17}$/),
})

export const runsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(20),
  cursor: cursorParam(runsCursor).optional(),
})

/** The client credentials of a body, when it has them. */
export function clientOf(body: { client_id?: string; client_secret?: string }) {
  return body.client_id ? { clientId: body.client_id, clientSecret: body.client_secret } : undefined
}

/**
 * An API key (api_key providers) or a user and password (basic providers). Which fields the
 * integration's provider takes is checked by the connect module; values are never echoed.
 */
export const credentialsBody = z.strictObject({
  api_key: z.string().min(1).max(4096).optional(),
  username: z.string().min(1).max(255).optional(),
  password: z.string().min(1).max(1024).optional(),
})

/** An object key (contact, account, lead) or a provider's object API name (Foo__c). */
export const objectName = z.string().regex(
  /^[A-Za-z][A-Za-z0-9_]{0,79}$/,
  'must be an object API name',
)

export const objectParams = z.object({ id: z.guid(), object: objectName })

/** `refresh=true` revalidates the describe now instead of serving a fresh cached copy. */
export const describeQuery = z.object({ refresh: z.enum(['true', 'false']).default('false') })

/**
 * A field mapping's shape, as the database also checks it: source field API names to
 * lowercase target names, unique, at most 100. Describe checks the fields themselves.
 */
const fieldMapping = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, 'must be a field API name'),
  z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be lowercase letters, digits and _'),
)
  .refine((mapping) => Object.keys(mapping).length <= 100, 'at most 100 fields')
  .refine((mapping) => {
    const targets = Object.values(mapping)
    return new Set(targets).size === targets.length
  }, 'two fields map to one name')

export const objectConfigurationBody = z.strictObject({
  enabled: z.boolean(),
  field_mapping: fieldMapping.default({}),
  keep_source_record: z.boolean().default(false),
})
