// What the contacts routes answer, for the OpenAPI document (and the typed client).
import { z } from 'zod'
import { providerCallErrors } from '../_shared/http/openapi/error-codes.ts'
import { id, jsonObject, timestamp } from '../_shared/http/openapi/json-types.ts'
import { describeRoute } from '../_shared/http/openapi/route-docs.ts'

const nextCursor = z.string().nullable().meta({
  description: 'Pass back as `cursor` for the next page; null on the last page',
})

const remoteContact = z.object({
  id: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  mobile_phone: z.string().nullable(),
  title: z.string().nullable(),
  department: z.string().nullable(),
  account_id: z.string().nullable(),
  account_name: z.string().nullable(),
}).meta({ id: 'RemoteContact' })

const syncedContact = z.object({
  id,
  business_id: id,
  integration_id: id.nullable(),
  source_type: z.string(),
  source_id: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  company: z.string().nullable(),
  title: z.string().nullable(),
  tags: z.array(z.string()),
  custom_fields: jsonObject,
  source_metadata: jsonObject,
  sync_status: z.string(),
  source_modstamp: timestamp.nullable(),
  last_synced_at: timestamp.nullable(),
  deleted_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp.meta({ description: 'With microseconds, as stored' }),
}).meta({ id: 'SyncedContact' })

export const docs = {
  remote: describeRoute({
    summary: "A page of the connected org's contacts, live from the provider (members)",
    responses: {
      200: {
        description: 'Contacts, Id order',
        body: z.object({ contacts: z.array(remoteContact), next_cursor: nextCursor }),
      },
    },
    errors: ['not_found', 'contacts_unsupported', ...providerCallErrors],
  }),
  synced: describeRoute({
    summary: 'Synced contacts of an integration or a business, (updated_at, id) order (members)',
    responses: {
      200: {
        description: 'Contacts',
        body: z.object({ contacts: z.array(syncedContact), next_cursor: nextCursor }),
      },
    },
    errors: ['not_found'],
  }),
  import: describeRoute({
    summary: 'Import contacts by provider id as leads of a campaign (members)',
    responses: {
      200: {
        description: 'What the import did',
        body: z.object({
          imported: z.number().int(),
          already_present: z.number().int(),
          not_found: z.array(z.string()),
        }),
      },
    },
    errors: ['not_found', 'contacts_unsupported', ...providerCallErrors],
  }),
}
