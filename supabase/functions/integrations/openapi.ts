// What the integrations routes answer, for the OpenAPI document (and the typed client).
import { describeRoute } from '../_shared/http/openapi/route-docs.ts'
import { id, jsonObject, timestamp } from '../_shared/http/openapi/json-types.ts'
import { z } from 'zod'
import { integrationSchema } from '../_shared/integrations/integration-json.ts'
import { providerCallErrors } from '../_shared/http/openapi/error-codes.ts'

const business = z.object({
  id,
  name: z.string(),
  slug: z.string().nullable(),
  role: z.enum(['owner', 'admin', 'member']),
  created_at: timestamp,
}).meta({ id: 'Business' })

const oneIntegration = z.object({ integration: integrationSchema })

const event = z.object({
  id: z.string().meta({ description: 'A bigint as a string; pass the last as `before`' }),
  type: z.string(),
  actor_id: id.nullable(),
  metadata: jsonObject,
  created_at: timestamp,
}).meta({ id: 'IntegrationEvent' })

const integrationStatus = z.enum(['inactive', 'pending', 'active', 'error', 'disconnected'])

const health = z.object({
  integration_id: id,
  business_id: id,
  name: z.string(),
  provider: z.string(),
  status: integrationStatus,
  sync_enabled: z.boolean().nullable(),
  paused_reason: z.string().nullable(),
  interval_minutes: z.number().int().nullable(),
  initial_sync_completed_at: timestamp.nullable(),
  last_success_at: timestamp.nullable(),
  lag_seconds: z.number().nullable().meta({ description: 'Seconds since the last success' }),
  error_streak: z.number().int().nullable().meta({ description: 'Failed runs in a row' }),
  next_sync_at: timestamp.nullable(),
  last_run_status: z.string().nullable(),
  last_run_error_code: z.string().nullable(),
  last_run_finished_at: timestamp.nullable(),
  contacts_active: z.number().int(),
  contacts_deleted: z.number().int(),
}).meta({ id: 'IntegrationHealth' })

const syncRun = z.object({
  id: z.string().regex(/^[0-9]+$/),
  object: z.string().meta({
    description: 'The object the run synced: contact, account, lead, or the provider API name',
  }),
  trigger: z.enum(['cron', 'manual']),
  status: z.enum(['running', 'succeeded', 'partial', 'failed', 'abandoned']),
  started_at: timestamp,
  finished_at: timestamp.nullable(),
  duration_ms: z.number().int().nullable(),
  pages: z.number().int(),
  records_upserted: z.number().int(),
  records_deleted: z.number().int(),
  api_calls: z.number().int(),
  error_code: z.string().nullable(),
  error: z.string().nullable().meta({ description: 'What went wrong, for people' }),
}).meta({ id: 'SyncRun' })

const objectTable = z.enum(['contacts', 'accounts', 'crm_leads', 'crm_records'])
const objectKey = z.string().meta({
  description: 'contact, account, lead (tables of their own), or the provider API name (Foo__c)',
})

const availableObject = z.object({
  object: objectKey,
  name: z.string().meta({ description: "The provider's API name" }),
  label: z.string(),
  custom: z.boolean(),
  syncable: z.boolean().meta({ description: 'Whether the sync can read it' }),
  enabled: z.boolean(),
  table: objectTable,
}).meta({ id: 'AvailableObject' })

const unstorableReason = z.enum(['compound', 'unsupported_type'])

const availableField = z.object({
  name: z.string(),
  label: z.string(),
  type: z.string().meta({ description: "The provider's field type" }),
  custom: z.boolean(),
  nillable: z.boolean(),
  compound_field_name: z.string().nullable(),
  storable: z.boolean().meta({ description: 'Whether a field mapping may name it' }),
  unstorable_reason: unstorableReason.nullable(),
}).meta({ id: 'AvailableField' })

const objectConfiguration = z.object({
  object: objectKey,
  name: z.string(),
  table: objectTable,
  configured: z.boolean().meta({ description: 'False: nobody configured it, defaults shown' }),
  enabled: z.boolean(),
  field_mapping: z.record(z.string(), z.string()),
  keep_source_record: z.boolean(),
  updated_at: timestamp.nullable(),
}).meta({ id: 'ObjectConfiguration' })

const objectHealth = z.object({
  integration_id: id,
  business_id: id,
  object: objectKey,
  sync_enabled: z.boolean(),
  paused_reason: z.string().nullable(),
  initial_sync_completed_at: timestamp.nullable(),
  last_success_at: timestamp.nullable(),
  lag_seconds: z.number().nullable().meta({ description: 'Seconds since the last success' }),
  error_streak: z.number().int().meta({ description: 'Failed runs in a row' }),
  last_error_code: z.string().nullable(),
  last_error: z.string().nullable(),
  next_sync_at: timestamp,
  last_run_status: z.string().nullable(),
  last_run_error_code: z.string().nullable(),
  last_run_finished_at: timestamp.nullable(),
}).meta({ id: 'ObjectSyncHealth' })

const runsPage = z.object({
  runs: z.array(syncRun),
  next_cursor: z.string().nullable().meta({ description: 'Pass back as `cursor`' }),
})

export const docs = {
  businesses: describeRoute({
    summary: "The caller's businesses, with the caller's role in each",
    responses: {
      200: { description: 'Businesses', body: z.object({ businesses: z.array(business) }) },
    },
  }),
  create: describeRoute({
    summary: 'Create an integration (owners, admins)',
    responses: { 201: { description: 'Created, not yet connected', body: oneIntegration } },
    errors: ['not_found', 'forbidden', 'integration_exists'],
  }),
  list: describeRoute({
    summary: "A business's integrations (members)",
    responses: {
      200: {
        description: 'Integrations',
        body: z.object({ integrations: z.array(integrationSchema) }),
      },
    },
    errors: ['not_found'],
  }),
  read: describeRoute({
    summary: 'One integration (members)',
    responses: { 200: { description: 'The integration', body: oneIntegration } },
    errors: ['not_found'],
  }),
  update: describeRoute({
    summary: 'Change name, org or connected app (owners, admins)',
    responses: { 200: { description: 'The changed integration', body: oneIntegration } },
    errors: ['not_found', 'forbidden', 'integration_exists', 'integration_connected'],
  }),
  credentials: describeRoute({
    summary: 'Connect an API-key or Basic-auth integration with its keys (owners, admins)',
    responses: { 200: { description: 'The connected integration', body: oneIntegration } },
    errors: ['not_found', 'forbidden', 'auth_mode_unsupported', ...providerCallErrors],
  }),
  disconnect: describeRoute({
    summary: 'Disconnect: revoke at the provider, forget tokens; purge=true erases synced data',
    responses: { 200: { description: 'The disconnected integration', body: oneIntegration } },
    errors: ['not_found', 'forbidden'],
  }),
  health: describeRoute({
    summary: "An integration's sync health: last success, lag, error streak, counts (members)",
    responses: { 200: { description: 'Health', body: z.object({ health }) } },
    errors: ['not_found'],
  }),
  runs: describeRoute({
    summary: "An integration's sync runs, newest first, with their errors (members)",
    responses: {
      200: {
        description: 'Runs',
        body: runsPage,
      },
    },
    errors: ['not_found'],
  }),
  events: describeRoute({
    summary: "An integration's events, newest first (members)",
    responses: { 200: { description: 'Events', body: z.object({ events: z.array(event) }) } },
    errors: ['not_found'],
  }),
  objects: describeRoute({
    summary: 'The objects the connected account offers, enabled or not, and their tables (members)',
    responses: {
      200: {
        description: 'Objects, from the describe cache while fresh (refresh=true asks now)',
        body: z.object({ objects: z.array(availableObject), fetched_at: timestamp }),
      },
    },
    errors: ['not_found', 'objects_unsupported', ...providerCallErrors],
  }),
  objectFields: describeRoute({
    summary: "An object's fields, storable or not and why (members)",
    responses: {
      200: {
        description: 'Fields the connected user can read',
        body: z.object({
          object: objectKey,
          name: z.string(),
          fields: z.array(availableField),
          fetched_at: timestamp,
        }),
      },
    },
    errors: ['not_found', 'objects_unsupported', 'object_not_found', ...providerCallErrors],
  }),
  objectConfiguration: describeRoute({
    summary: "An object's configuration: enabled, field mapping, source record (members)",
    responses: {
      200: {
        description: 'The configuration',
        body: z.object({ configuration: objectConfiguration }),
      },
    },
    errors: ['not_found', 'objects_unsupported', 'object_not_found', ...providerCallErrors],
  }),
  putObjectConfiguration: describeRoute({
    summary: "Set an object's configuration, checked against describe (owners, admins)",
    responses: {
      200: {
        description: 'The configuration as stored (writing it again changes nothing)',
        body: z.object({ configuration: objectConfiguration }),
      },
    },
    errors: [
      'not_found',
      'forbidden',
      'objects_unsupported',
      'object_not_found',
      'object_not_syncable',
      'object_required',
      'field_mapping_invalid',
      ...providerCallErrors,
    ],
  }),
  objectHealth: describeRoute({
    summary: "One synced object's health: last success, lag, streak, last error (members)",
    responses: { 200: { description: 'Health', body: z.object({ health: objectHealth }) } },
    errors: ['not_found', 'object_not_found'],
  }),
  objectRuns: describeRoute({
    summary: "One object's sync runs, newest first (members)",
    responses: { 200: { description: 'Runs', body: runsPage } },
    errors: ['not_found'],
  }),
}
