// Reads an integration as the service (no caller): for the callback, the refresh and the sync.
import type { Tx } from '../db/client.ts'
import type { IntegrationEnvironment } from '../providers/types.ts'

/** The columns server-side flows need; nothing a tenant could not read anyway. */
export interface ServiceIntegration {
  id: string
  business_id: string
  provider: string
  status: 'inactive' | 'pending' | 'active' | 'error' | 'disconnected'
  environment: IntegrationEnvironment
  my_domain_url: string | null
  /** What the tenant chose (validated by the provider's spec when written). */
  connection_config: Record<string, string>
  /** What the provider told us (token-response metadata, identity lookups). */
  connection_metadata: Record<string, string>
  api_version: string
  external_org_id: string | null
  last_error_code: string | null
}

/** The integration, or undefined. `tx` must come from `asService`. */
export async function readIntegrationAsService(
  tx: Tx,
  integrationId: string,
): Promise<ServiceIntegration | undefined> {
  const [row] = await tx<ServiceIntegration[]>`
    select id, business_id, provider, status, environment, my_domain_url, connection_config,
           connection_metadata, api_version, external_org_id, last_error_code
    from public.integrations where id = ${integrationId}`
  return row
}
