// What the caller may reach, read through their RLS: an integration, a campaign, a business.
// Anything they cannot see is a 404, the same answer as for something that does not exist.
import type { Tx } from '../db/client.ts'
import { NotFoundError } from '../http/errors.ts'
import type { IntegrationRow } from '../integrations/integration-view.ts'
import { requireIntegrationAccessIn } from '../tenancy/access.ts'

/**
 * The integration, if the caller is a member of its business: the one access rule
 * (`tenancy/access.ts`, action `read`), in the caller's transaction. `tx` must come from `asUser`.
 *
 * @throws {NotFoundError} when it does not exist or belongs to another business.
 */
export async function requireCallerIntegration(
  tx: Tx,
  integrationId: string,
): Promise<IntegrationRow> {
  return await requireIntegrationAccessIn(tx, integrationId, 'read')
}

/**
 * Checks that the campaign exists, the caller can see it, and it belongs to `businessId`.
 *
 * @throws {NotFoundError} otherwise: another business's campaign is as good as none.
 */
export async function requireCallerCampaign(
  tx: Tx,
  campaignId: string,
  businessId: string,
): Promise<void> {
  const [row] = await tx<{ id: string }[]>`
    select id from public.campaigns where id = ${campaignId} and business_id = ${businessId}`
  if (!row) throw new NotFoundError('Campaign not found')
}

/**
 * Checks that the caller is a member of the business.
 *
 * @throws {NotFoundError} when they are not, or it does not exist.
 */
export async function requireCallerBusiness(tx: Tx, businessId: string): Promise<void> {
  const [row] = await tx<{ id: string }[]>`
    select id from public.businesses where id = ${businessId}`
  if (!row) throw new NotFoundError('Business not found')
}
