// What a connected account offers to sync: its objects (with whether each is enabled here and
// which table it lands in) and one object's fields (storable or not, and why), read through the
// provider's describe hook and the describe cache. Object keys: 'contact', 'account' and 'lead'
// for the objects with a table of their own, the provider's API name for every other.
import { AppError, NotFoundError } from '../http/errors.ts'
import type { IntegrationRow } from '../integrations/integration-view.ts'
import type {
  DescribedField,
  DescribedObject,
  OwnObjectKey,
  ProviderDescribe,
} from '../providers/describe.ts'
import { getProvider } from '../providers/registry.ts'
import { cachedDescribe, describeMaxAgeSeconds, objectListScope } from './describe-cache.ts'

/** The table each own object lands in; every other object's records go to crm_records. */
const ownTables: Record<OwnObjectKey, string> = {
  contact: 'contacts',
  account: 'accounts',
  lead: 'crm_leads',
}

/** The table an object's records land in. */
export function tableOf(key: string): string {
  return ownTables[key as OwnObjectKey] ?? 'crm_records'
}

/**
 * The provider's describe hook.
 *
 * @throws {NotFoundError} 404 `objects_unsupported` when the provider cannot describe.
 */
export function describeOf(integration: IntegrationRow): ProviderDescribe {
  const describe = getProvider(integration.provider).hooks.describe
  if (!describe) {
    throw new NotFoundError("The integration's provider cannot list its objects", {
      code: 'objects_unsupported',
    })
  }
  return describe
}

/**
 * The object key a caller's name means, without asking the provider: an own key as is
 * (`contact`), an own object's API name as its key (`Contact` → `contact`), any other name as
 * given (`Foo__c`).
 */
export function objectKeyOf(describe: ProviderDescribe, name: string): string {
  if (name in describe.ownObjects) return name
  const own = Object.entries(describe.ownObjects)
    .find(([, apiName]) => apiName?.toLowerCase() === name.toLowerCase())
  return own ? own[0] : name
}

/** The provider's API name of an object key (`contact` → `Contact`). */
export function apiNameOf(describe: ProviderDescribe, key: string): string {
  return describe.ownObjects[key as OwnObjectKey] ?? key
}

export interface DescribeOptions {
  /** Ask the provider now (conditionally) instead of serving a fresh copy. */
  refresh?: boolean
}

const maxAge = (options: DescribeOptions) => options.refresh ? 0 : describeMaxAgeSeconds

/** The account's objects, from the cache or the provider. */
export async function describeObjects(
  integration: IntegrationRow,
  options: DescribeOptions = {},
): Promise<{ objects: DescribedObject[]; fetchedAt: Date }> {
  const describe = describeOf(integration)
  const cached = await cachedDescribe(
    integration.id,
    objectListScope,
    maxAge(options),
    (validators) => describe.objects(integration.id, validators),
  )
  if (!cached) throw new Error('The object list cannot be missing')
  return { objects: cached.body, fetchedAt: cached.fetchedAt }
}

/** One object as the account describes it, under its object key. */
export interface ResolvedObject {
  key: string
  object: DescribedObject
}

/**
 * The object a caller names, as the account describes it: found by key or by API name, letter
 * case aside (Salesforce's API names are case-insensitive; we keep its own spelling).
 *
 * @throws {NotFoundError} 404 `object_not_found` when the account has no such object.
 */
export async function resolveObject(
  integration: IntegrationRow,
  name: string,
  options: DescribeOptions = {},
): Promise<ResolvedObject> {
  const describe = describeOf(integration)
  const apiName = apiNameOf(describe, objectKeyOf(describe, name)).toLowerCase()
  const { objects } = await describeObjects(integration, options)
  const object = objects.find((o) => o.name.toLowerCase() === apiName)
  if (!object) {
    throw new NotFoundError(`The connected account has no object ${JSON.stringify(name)}`, {
      code: 'object_not_found',
    })
  }
  return { key: objectKeyOf(describe, object.name), object }
}

/**
 * An object's fields as the connected user may read them, from the cache or the provider.
 *
 * @throws {NotFoundError} 404 `object_not_found` when the provider no longer has the object.
 */
export async function describeFields(
  integration: IntegrationRow,
  object: DescribedObject,
  options: DescribeOptions = {},
): Promise<{ fields: DescribedField[]; fetchedAt: Date }> {
  const describe = describeOf(integration)
  const cached = await cachedDescribe(
    integration.id,
    object.name,
    maxAge(options),
    (validators) => describe.fields(integration.id, object.name, validators),
  )
  if (!cached) {
    throw new NotFoundError(`The connected account has no object ${JSON.stringify(object.name)}`, {
      code: 'object_not_found',
    })
  }
  return { fields: cached.body, fetchedAt: cached.fetchedAt }
}

/** An object the sync cannot read (Salesforce: not queryable or not replicable). */
export function requireSyncable(object: DescribedObject): void {
  if (!object.syncable) {
    throw new AppError(400, 'object_not_syncable', `${object.name} cannot be synced`)
  }
}
