// HubSpot's describe hook: the objects the sync serves (contacts, and companies as the `account`
// object) and one object's fields from the properties API (`GET /crm/v3/properties/{objectType}`,
// facts hubspot.md: scopes crm.schemas.*.read). HubSpot has no conditional describe: every
// answer is a fresh body. Field mapping is not offered for HubSpot (the sync stores no extra
// property), so a mapping that names a field is refused (mapsFields).
import { z } from 'zod'
import type { DescribedField, DescribedObject, ProviderDescribe } from '../describe.ts'
import { HubSpotApiError } from './api-errors.ts'
import { hubspotApi } from './api.ts'

/** The objects the sync serves, by HubSpot's object type. */
const objects: DescribedObject[] = [
  { name: 'contacts', label: 'Contacts', custom: false, syncable: true },
  { name: 'companies', label: 'Companies', custom: false, syncable: true },
]

const propertiesSchema = z.object({
  results: z.array(z.looseObject({
    name: z.string(),
    label: z.string(),
    type: z.string(),
    hubspotDefined: z.boolean().optional(),
    hidden: z.boolean().optional(),
  })),
})

/**
 * Property types whose values the sync can store as text (facts §2: every value arrives as a
 * string or null); any other (`object_coordinates`, `json`) is not stored.
 */
const storableTypes = new Set([
  'string',
  'number',
  'date',
  'datetime',
  'enumeration',
  'bool',
  'phone_number',
])

export const hubspotDescribe: ProviderDescribe = {
  ownObjects: { contact: 'contacts', account: 'companies' },
  mapsFields: false,

  objects() {
    return Promise.resolve({ modified: true, body: objects, lastModified: null, etag: null })
  },

  async fields(integrationId, object) {
    const type = objects.find((o) => o.name === object.toLowerCase())
    if (!type) return undefined
    let response
    try {
      response = await hubspotApi(integrationId).request<unknown>({
        path: `/crm/v3/properties/${type.name}`,
      })
    } catch (error) {
      // A portal without the object (or a token without its schema scope) answers 404.
      if (error instanceof HubSpotApiError && error.hubspotStatus === 404) return undefined
      throw error
    }
    const parsed = propertiesSchema.safeParse(response.data)
    if (!parsed.success) {
      throw new HubSpotApiError(response.status, 'INVALID_RESPONSE')
    }
    const fields = parsed.data.results
      .filter((p) => !p.hidden)
      .map((p): DescribedField => ({
        name: p.name,
        label: p.label,
        type: p.type,
        custom: p.hubspotDefined !== true,
        nillable: true,
        compoundFieldName: null,
        unstorable: storableTypes.has(p.type) ? null : 'unsupported_type',
      }))
    return { modified: true, body: fields, lastModified: null, etag: null }
  },
}
