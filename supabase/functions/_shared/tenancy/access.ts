// The one answer to "may this caller do X to this integration": the integration is looked up
// as the caller (RLS decides whether it exists for them) and the caller's role in its business
// is checked against the action, so another business's integration is a 404 and a member's
// admin action a 403. Every function asks here.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { asUser } from '../db/as-user.ts'
import type { Tx } from '../db/client.ts'
import { ForbiddenError, NotFoundError } from '../http/errors.ts'
import { integrationColumns, type IntegrationRow } from '../integrations/integration-view.ts'

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
  return await asUser(claims, (tx) => checkIntegrationAccess(tx, integrationId, { admin }))
}

/** The check itself, in the caller's own transaction (`tx` from `asUser`). */
async function checkIntegrationAccess(
  tx: Tx,
  integrationId: string,
  { admin }: { admin: boolean },
): Promise<IntegrationRow> {
  const integration = await findIntegration(tx, integrationId)
  if (!integration) throw new NotFoundError('Integration not found')
  if (admin && !(await isBusinessAdmin(tx, integration.business_id))) {
    throw new ForbiddenError('Only owners and admins of the business can do this')
  }
  return integration
}

/**
 * What a caller may do to an integration, and the least role it takes. Members see what is
 * connected and read through it; changing where it points, what it holds or writing through it
 * is an owner's or admin's decision.
 */
export const integrationActions = {
  /** See the integration, its events, health and contacts (synced and live). */
  read: 'member',
  /** Read the provider's API through the proxy (GET, HEAD). */
  call_read: 'member',
  /** Write through the proxy (any other method). */
  call_write: 'admin',
  /** Rename, reconfigure, set its own client, disconnect. */
  manage: 'admin',
  /** Start or complete a connection, store API keys. */
  connect: 'admin',
} as const satisfies Record<string, 'member' | 'admin'>
export type IntegrationAction = keyof typeof integrationActions

/**
 * The integration, when the caller may do `action` to it.
 *
 * @throws {NotFoundError} when the caller cannot see it (another business's, or none).
 * @throws {ForbiddenError} when the action needs an owner or admin and the caller is a member.
 */
export async function requireIntegrationAccess(
  claims: UserClaims,
  integrationId: string,
  action: IntegrationAction,
): Promise<IntegrationRow> {
  return await loadIntegrationFor(claims, integrationId, {
    admin: integrationActions[action] === 'admin',
  })
}

/**
 * `requireIntegrationAccess` inside a transaction the caller already holds (`tx` from `asUser`),
 * for routes that read more in the same snapshot (the contacts routes).
 *
 * @throws {NotFoundError} when the caller cannot see it.
 * @throws {ForbiddenError} when the action needs an owner or admin and the caller is a member.
 */
export async function requireIntegrationAccessIn(
  tx: Tx,
  integrationId: string,
  action: IntegrationAction,
): Promise<IntegrationRow> {
  return await checkIntegrationAccess(tx, integrationId, {
    admin: integrationActions[action] === 'admin',
  })
}
