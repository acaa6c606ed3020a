// The JSON of an integration as a zod schema, for the OpenAPI document of every function that
// answers one (integrations, the callback's completion).
import { z } from 'zod'
import { id, timestamp } from '../http/openapi/json-types.ts'

/** An integration as every route shows it; never a client id, secret or token. */
export const integrationSchema = z.object({
  id,
  business_id: id,
  provider: z.string(),
  name: z.string(),
  status: z.enum(['inactive', 'pending', 'active', 'error', 'disconnected']),
  environment: z.enum(['production', 'sandbox', 'custom']),
  my_domain_url: z.string().nullable(),
  connection_config: z.record(z.string(), z.string()).meta({
    description: "Per-connection settings the provider's spec declares (subdomain, tenant, ...)",
  }),
  connection_metadata: z.record(z.string(), z.string()).meta({
    description: 'What the provider returned at connect time (instance_url, portalId, ...)',
  }),
  api_base_url: z.string().nullable(),
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
