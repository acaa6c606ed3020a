// What the integrations routes answer, for the OpenAPI document (and the typed client).
import { describeRoute } from '../_shared/http/openapi/route-docs.ts'
import { id, jsonObject, timestamp } from '../_shared/http/openapi/json-types.ts'
import { z } from 'zod'

const business = z.object({
  id,
  name: z.string(),
  slug: z.string().nullable(),
  role: z.enum(['owner', 'admin', 'member']),
  created_at: timestamp,
}).meta({ id: 'Business' })

/** An integration as every route shows it; never a client id, secret or token. */
export const integrationSchema = z.object({
  id,
  business_id: id,
  provider: z.string(),
  name: z.string(),
  status: z.enum(['inactive', 'pending', 'active', 'error', 'disconnected']),
  environment: z.enum(['production', 'sandbox', 'custom']),
  my_domain_url: z.string().nullable(),
  instance_url: z.string().nullable(),
  api_version: z.string(),
  external_org_id: z.string().nullable(),
  external_user_id: z.string().nullable(),
  scopes: z.array(z.string()),
  last_error: z.string().nullable(),
  last_error_code: z.string().nullable(),
  connected_at: timestamp.nullable(),
  disconnected_at: timestamp.nullable(),
  created_by: id.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  has_own_client: z.boolean().meta({
    description: 'Whether the tenant gave its own connected app',
  }),
}).meta({ id: 'Integration' })

const oneIntegration = z.object({ integration: integrationSchema })

const event = z.object({
  id: z.string().meta({ description: 'A bigint as a string; pass the last as `before`' }),
  type: z.string(),
  actor_id: id.nullable(),
  metadata: jsonObject,
  created_at: timestamp,
}).meta({ id: 'IntegrationEvent' })

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
  disconnect: describeRoute({
    summary: 'Disconnect: revoke at the provider, forget tokens; purge=true erases synced data',
    responses: { 200: { description: 'The disconnected integration', body: oneIntegration } },
    errors: ['not_found', 'forbidden'],
  }),
  events: describeRoute({
    summary: "An integration's events, newest first (members)",
    responses: { 200: { description: 'Events', body: z.object({ events: z.array(event) }) } },
    errors: ['not_found'],
  }),
}
