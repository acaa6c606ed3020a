// The objects a connected account offers, with whether each is enabled here and where it lands,
// and one object's fields with whether the sync can store each: what a tenant reads before
// configuring an object. Served from the describe cache while it is fresh (no API call).
import type { UserClaims } from '../auth/verify-jwt.ts'
import type { UnstorableReason } from '../providers/describe.ts'
import { requireIntegrationAccess } from '../tenancy/access.ts'
import {
  describeFields,
  describeObjects,
  describeOf,
  type DescribeOptions,
  objectKeyOf,
  resolveObject,
  tableOf,
} from './catalog.ts'
import { enabledObjects } from './configuration.ts'

/** One object of the account as the API lists it. */
export interface AvailableObject {
  /** The object key (contact, account, lead, or the API name). */
  object: string
  /** The provider's API name. */
  name: string
  label: string
  custom: boolean
  /** Whether the sync can read it. */
  syncable: boolean
  /** Whether this integration syncs it. */
  enabled: boolean
  /** Where its records land. */
  table: string
}

/** One field of an object as the API lists it. */
export interface AvailableField {
  name: string
  label: string
  type: string
  custom: boolean
  nillable: boolean
  compound_field_name: string | null
  /** Whether a field mapping may name it. */
  storable: boolean
  unstorable_reason: UnstorableReason | null
}

/**
 * The account's objects (members).
 *
 * @throws {NotFoundError} 404 `not_found`, `objects_unsupported`.
 */
export async function listAvailableObjects(
  claims: UserClaims,
  integrationId: string,
  options: DescribeOptions,
): Promise<{ objects: AvailableObject[]; fetched_at: Date }> {
  const integration = await requireIntegrationAccess(claims, integrationId, 'read')
  const describe = describeOf(integration)
  const { objects, fetchedAt } = await describeObjects(integration, options)
  const enabled = await enabledObjects(claims, integrationId)
  return {
    objects: objects.map((object) => {
      const key = objectKeyOf(describe, object.name)
      return {
        object: key,
        name: object.name,
        label: object.label,
        custom: object.custom,
        syncable: object.syncable,
        enabled: enabled.get(key) ?? false,
        table: tableOf(key),
      }
    }),
    fetched_at: fetchedAt,
  }
}

/**
 * One object's fields as the connected user may read them (members).
 *
 * @throws {NotFoundError} 404 `not_found`, `objects_unsupported`, `object_not_found`.
 */
export async function listObjectFields(
  claims: UserClaims,
  integrationId: string,
  name: string,
  options: DescribeOptions,
): Promise<{ object: string; name: string; fields: AvailableField[]; fetched_at: Date }> {
  const integration = await requireIntegrationAccess(claims, integrationId, 'read')
  const resolved = await resolveObject(integration, name, options)
  const { fields, fetchedAt } = await describeFields(integration, resolved.object, options)
  return {
    object: resolved.key,
    name: resolved.object.name,
    fields: fields.map((field) => ({
      name: field.name,
      label: field.label,
      type: field.type,
      custom: field.custom,
      nillable: field.nillable,
      compound_field_name: field.compoundFieldName,
      storable: field.unstorable === null,
      unstorable_reason: field.unstorable,
    })),
    fetched_at: fetchedAt,
  }
}
