// Salesforce's describe hook: describe global for the objects, sObject describe for one object's
// fields, both conditional (If-Modified-Since → 304, no body) and each one REST call counted
// against the org's allowance (facts: Describe; every REST call counts, a 304 included). Fields
// are as the connected user sees them: field-level security leaves hidden ones out.
import { z } from 'zod'
import type {
  Described,
  DescribedField,
  DescribedObject,
  DescribeValidators,
  ProviderDescribe,
} from '../describe.ts'
import { salesforceApi } from './api.ts'
import { unstorableReason } from './field-types.ts'
import { SalesforceApiError } from './rest-errors.ts'

const globalSchema = z.object({
  sobjects: z.array(z.looseObject({
    name: z.string(),
    label: z.string(),
    custom: z.boolean(),
    queryable: z.boolean(),
    replicateable: z.boolean(),
  })),
})

const sobjectSchema = z.object({
  fields: z.array(z.looseObject({
    name: z.string(),
    label: z.string(),
    type: z.string(),
    custom: z.boolean(),
    nillable: z.boolean(),
    compoundFieldName: z.string().nullish(),
  })),
})

/** The conditional request headers for the copy we hold. */
function conditionalHeaders(validators: DescribeValidators | null): Record<string, string> {
  const headers: Record<string, string> = {}
  if (validators?.lastModified) {
    headers['If-Modified-Since'] = validators.lastModified.toUTCString()
  }
  if (validators?.etag) headers['If-None-Match'] = validators.etag
  return headers
}

/** One conditional describe GET, its body parsed by `schema` and normalised by `toBody`. */
async function describeCall<S extends z.ZodType, T>(
  integrationId: string,
  path: string,
  validators: DescribeValidators | null,
  schema: S,
  toBody: (parsed: z.output<S>) => T,
): Promise<Described<T>> {
  const response = await salesforceApi(integrationId).request({
    path,
    headers: conditionalHeaders(validators),
  })
  if (response.status === 304) return { modified: false }
  const parsed = schema.safeParse(response.data)
  if (!parsed.success) {
    throw new SalesforceApiError(response.status, 'INVALID_RESPONSE', 'Unexpected describe body')
  }
  const lastModified = Date.parse(response.headers.get('last-modified') ?? '')
  return {
    modified: true,
    body: toBody(parsed.data),
    lastModified: Number.isNaN(lastModified) ? null : new Date(lastModified),
    etag: response.headers.get('etag'),
  }
}

export const salesforceDescribe: ProviderDescribe = {
  ownObjects: { contact: 'Contact', account: 'Account', lead: 'Lead' },

  async objects(integrationId, validators) {
    return await describeCall(
      integrationId,
      'sobjects',
      validators,
      globalSchema,
      (body) =>
        body.sobjects.map((o): DescribedObject => ({
          name: o.name,
          label: o.label,
          custom: o.custom,
          syncable: o.queryable && o.replicateable,
        })),
    )
  },

  async fields(integrationId, object, validators) {
    try {
      return await describeCall(
        integrationId,
        `sobjects/${encodeURIComponent(object)}/describe`,
        validators,
        sobjectSchema,
        (body) => {
          const compoundNames = new Set(
            body.fields.flatMap((f) => f.compoundFieldName ? [f.compoundFieldName] : []),
          )
          return body.fields.map((f): DescribedField => ({
            name: f.name,
            label: f.label,
            type: f.type,
            custom: f.custom,
            nillable: f.nillable,
            compoundFieldName: f.compoundFieldName ?? null,
            unstorable: unstorableReason(f, compoundNames),
          }))
        },
      )
    } catch (error) {
      // An object the org lacks (or the user may not see) is NOT_FOUND: not an error of ours.
      if (error instanceof SalesforceApiError && error.salesforceStatus === 404) return undefined
      throw error
    }
  },
}
