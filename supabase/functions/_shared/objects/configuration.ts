// An integration's configuration of one object (integration_objects): whether it syncs, its
// field mapping and whether the full source record is kept. Read and written as the caller, so
// RLS decides (members read, owners and admins write); a write enabling an object is checked
// against the account's describe first, revalidated rather than trusted from the cache, since a
// field the user just lost would otherwise pass.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { asUser } from '../db/as-user.ts'
import type { Tx } from '../db/client.ts'
import { ValidationError } from '../http/errors.ts'
import type { DescribedField } from '../providers/describe.ts'
import { requireIntegrationAccess } from '../tenancy/access.ts'
import {
  apiNameOf,
  describeFields,
  describeOf,
  objectKeyOf,
  requireSyncable,
  resolveObject,
  tableOf,
} from './catalog.ts'
import { checkFieldMapping, type FieldMapping } from './field-mapping.ts'

/** An object's configuration as the API shows it. */
export interface ObjectConfiguration {
  /** The object key: contact, account, lead, or the provider's API name. */
  object: string
  /** The provider's API name. */
  name: string
  /** Where its records land. */
  table: string
  /** False while nobody configured the object (the values are then the defaults). */
  configured: boolean
  enabled: boolean
  field_mapping: FieldMapping
  keep_source_record: boolean
  updated_at: Date | null
}

/** What a PUT sets; the whole configuration, so writing it twice changes nothing. */
export interface ObjectConfigurationInput {
  enabled: boolean
  field_mapping: FieldMapping
  keep_source_record: boolean
}

interface ConfigurationRow {
  object: string
  enabled: boolean
  field_mapping: FieldMapping
  keep_source_record: boolean
  updated_at: Date
}

/** The contact object syncs while the integration does; its configuration holds a mapping. */
const alwaysEnabled = 'contact'

async function readRow(
  tx: Tx,
  integrationId: string,
  key: string,
): Promise<ConfigurationRow | undefined> {
  const [row] = await tx<ConfigurationRow[]>`
    select object, enabled, field_mapping, keep_source_record, updated_at
      from public.integration_objects
     where integration_id = ${integrationId} and object = ${key}`
  return row
}

function toView(key: string, name: string, row: ConfigurationRow | undefined): ObjectConfiguration {
  return {
    object: key,
    name,
    table: tableOf(key),
    configured: row !== undefined,
    enabled: row?.enabled ?? key === alwaysEnabled,
    field_mapping: row?.field_mapping ?? {},
    keep_source_record: row?.keep_source_record ?? false,
    updated_at: row?.updated_at ?? null,
  }
}

/** Whether each configured object of the integration is enabled, by key (as the caller). */
export async function enabledObjects(
  claims: UserClaims,
  integrationId: string,
): Promise<Map<string, boolean>> {
  const rows = await asUser(claims, (tx) =>
    tx<{ object: string; enabled: boolean }[]>`
      select object, enabled from public.integration_objects
       where integration_id = ${integrationId}`)
  const enabled = new Map(rows.map((row) => [row.object, row.enabled]))
  enabled.set(alwaysEnabled, true)
  return enabled
}

/**
 * The configuration of the object `name` (a key or an API name). An object nobody configured
 * answers its defaults when the account has it.
 *
 * @throws {NotFoundError} 404 when the caller cannot see the integration (`not_found`), or
 * nobody configured the object and the account has no such object (`object_not_found`).
 */
export async function readObjectConfiguration(
  claims: UserClaims,
  integrationId: string,
  name: string,
): Promise<ObjectConfiguration> {
  const integration = await requireIntegrationAccess(claims, integrationId, 'read')
  const describe = describeOf(integration)
  const key = objectKeyOf(describe, name)
  const row = await asUser(claims, (tx) => readRow(tx, integrationId, key))
  if (row) return toView(key, apiNameOf(describe, key), row)
  const resolved = await resolveObject(integration, name)
  return toView(resolved.key, resolved.object.name, undefined)
}

/** The landing table's own columns: mapped names must not pass for them. */
async function tableColumns(tx: Tx, table: string): Promise<Set<string>> {
  const rows = await tx<{ name: string }[]>`
    select attname::text as name from pg_catalog.pg_attribute
     where attrelid = ${`public.${table}`}::regclass and attnum > 0 and not attisdropped`
  return new Set(rows.map((row) => row.name))
}

/**
 * Sets the object's whole configuration (owners and admins). Enabling checks the object and the
 * mapping against a revalidated describe; disabling does not ask the provider (an object deleted
 * in the org must still be switched off), and its mapping is checked when it is enabled again.
 * Writing the same configuration again changes nothing (the sync keeps its cursor).
 *
 * @throws {NotFoundError} 404 `not_found` (integration), `object_not_found`.
 * @throws {ForbiddenError} 403 for a member.
 * @throws {ValidationError} 400 `object_required` (disabling contact), `field_mapping_invalid`.
 * @throws {AppError} 400 `object_not_syncable`.
 */
export async function putObjectConfiguration(
  claims: UserClaims,
  integrationId: string,
  name: string,
  input: ObjectConfigurationInput,
): Promise<ObjectConfiguration> {
  const integration = await requireIntegrationAccess(claims, integrationId, 'manage')
  const describe = describeOf(integration)
  let key = objectKeyOf(describe, name)
  if (key === alwaysEnabled && !input.enabled) {
    throw new ValidationError('The contact object syncs while the integration does', {
      code: 'object_required',
      details: [{
        path: 'enabled',
        code: 'object_required',
        message: 'contact cannot be disabled',
      }],
    })
  }
  if (describe.mapsFields === false && Object.keys(input.field_mapping).length > 0) {
    throw new ValidationError("The integration's provider does not map fields yet", {
      code: 'field_mapping_invalid',
      details: [{
        path: 'field_mapping',
        code: 'field_mapping_invalid',
        message: 'field_mapping must be empty for this provider',
      }],
    })
  }
  let fields: DescribedField[] | undefined
  if (input.enabled) {
    const resolved = await resolveObject(integration, name, { refresh: true })
    requireSyncable(resolved.object)
    key = resolved.key
    fields = (await describeFields(integration, resolved.object, { refresh: true })).fields
  } else if (!(await asUser(claims, (tx) => readRow(tx, integrationId, key)))) {
    // Switching off an object nobody configured: only one the account has.
    key = (await resolveObject(integration, name)).key
  }
  const row = await asUser(claims, async (tx) => {
    if (fields) checkFieldMapping(input.field_mapping, fields, await tableColumns(tx, tableOf(key)))
    // The update runs only when something changes, so a repeated PUT leaves updated_at and
    // (through the trigger) the sync's cursor alone.
    await tx`
      insert into public.integration_objects
        (integration_id, business_id, object, enabled, field_mapping, keep_source_record)
      values (${integration.id}, ${integration.business_id}, ${key}, ${input.enabled},
              ${JSON.stringify(input.field_mapping)}::text::jsonb, ${input.keep_source_record})
      on conflict (integration_id, object) do update
        set enabled = excluded.enabled, field_mapping = excluded.field_mapping,
            keep_source_record = excluded.keep_source_record
        where (integration_objects.enabled, integration_objects.field_mapping,
               integration_objects.keep_source_record)
              is distinct from
              (excluded.enabled, excluded.field_mapping, excluded.keep_source_record)`
    return await readRow(tx, integration.id, key)
  })
  return toView(key, apiNameOf(describe, key), row)
}
