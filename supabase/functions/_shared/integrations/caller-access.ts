// Finds an integration as the caller sees it (RLS decides) and checks the caller's role, so
// another business's integration is a 404 and a member's admin action a 403.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { asUser } from '../db/as-user.ts'
import type { Tx } from '../db/client.ts'
import { ForbiddenError, NotFoundError } from '../http/errors.ts'
import { integrationColumns, type IntegrationRow } from './integration-view.ts'

/** The integration if RLS lets the caller see it (a member of its business), else undefined. */
export async function findIntegration(
  tx: Tx,
  integrationId: string,
): Promise<IntegrationRow | undefined> {
  const [row] = await tx<IntegrationRow[]>`
    select ${tx(integrationColumns)} from public.integrations where id = ${integrationId}`
  return row
}

/** True when the caller is an owner or admin of the business. */
export async function isBusinessAdmin(tx: Tx, businessId: string): Promise<boolean> {
  const [row] = await tx<{ admin: boolean }[]>`
    select app.has_role(${businessId}, array['owner', 'admin']) as admin`
  return row.admin
}

/** True when the caller belongs to the business. */
export async function isBusinessMember(tx: Tx, businessId: string): Promise<boolean> {
  const [row] = await tx<{ member: boolean }[]>`select app.is_member(${businessId}) as member`
  return row.member
}

/**
 * The integration the caller may act on. Looked up as the caller first, so a row of another
 * business is invisible (404, not 403: we do not confirm it exists).
 *
 * @throws {NotFoundError} when the caller cannot see it.
 * @throws {ForbiddenError} when `admin` is asked and the caller is only a member.
 */
export async function loadIntegrationFor(
  claims: UserClaims,
  integrationId: string,
  { admin }: { admin: boolean },
): Promise<IntegrationRow> {
  return await asUser(claims, async (tx) => {
    const integration = await findIntegration(tx, integrationId)
    if (!integration) throw new NotFoundError('Integration not found')
    if (admin && !(await isBusinessAdmin(tx, integration.business_id))) {
      throw new ForbiddenError('Only owners and admins of the business can do this')
    }
    return integration
  })
}
