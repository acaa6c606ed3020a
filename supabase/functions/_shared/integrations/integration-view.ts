// An integration as the API shows it: every non-secret column, plus whether it has its own app.
import type { IntegrationEnvironment } from '../providers/types.ts'

export type IntegrationStatus = 'inactive' | 'pending' | 'active' | 'error' | 'disconnected'

/** The columns callers may see, as selected by `integrationColumns`. */
export interface IntegrationRow {
  id: string
  business_id: string
  provider: string
  name: string
  status: IntegrationStatus
  environment: IntegrationEnvironment
  my_domain_url: string | null
  /** Per-connection settings the tenant chose, as the provider's spec declares them. */
  connection_config: Record<string, string>
  /** What the provider told us at connect time (instance_url, portalId, cloudId). */
  connection_metadata: Record<string, string>
  api_base_url: string | null
  instance_url: string | null
  api_version: string
  external_org_id: string | null
  external_user_id: string | null
  scopes: string[]
  uses_own_client: boolean
  last_error: string | null
  last_error_code: string | null
  connected_at: Date | null
  disconnected_at: Date | null
  created_by: string | null
  created_at: Date
  updated_at: Date
}

/** The select list for IntegrationRow, so every query returns the same shape. */
export const integrationColumns = [
  'id',
  'business_id',
  'provider',
  'name',
  'status',
  'environment',
  'my_domain_url',
  'connection_config',
  'connection_metadata',
  'api_base_url',
  'instance_url',
  'api_version',
  'external_org_id',
  'external_user_id',
  'scopes',
  'uses_own_client',
  'last_error',
  'last_error_code',
  'connected_at',
  'disconnected_at',
  'created_by',
  'created_at',
  'updated_at',
] as const

/**
 * The JSON of an integration. The client id and secret are never part of it (they are only in
 * Vault); `has_own_client` says whether the tenant gave one.
 */
export function toIntegrationJson(row: IntegrationRow) {
  const { uses_own_client, ...rest } = row
  return { ...rest, has_own_client: uses_own_client }
}
