// Who may manage a business's alerts: its owners and admins. Others learn as little as RLS lets
// them: not a member, 404 (we do not confirm the business exists); a member, 403.
import type { Tx } from '../db/client.ts'
import { ForbiddenError, NotFoundError } from '../http/errors.ts'

const managerRoles = ['owner', 'admin']

/**
 * Passes when the caller is an owner or admin of `businessId`. `tx` must come from `asUser`: the
 * membership helpers answer for auth.uid(), the caller. They are the policies' own, so an app
 * that redefines them over its own members table changes this too.
 *
 * @throws {NotFoundError} when the caller is not a member of the business.
 * @throws {ForbiddenError} when the caller is a member without the role.
 */
export async function assertCanManageAlerts(tx: Tx, businessId: string): Promise<void> {
  const [access] = await tx<{ member: boolean; manager: boolean }[]>`
    select app.is_member(${businessId}::uuid) as member,
           app.has_role(${businessId}::uuid, ${managerRoles}::text[]) as manager`
  if (!access?.member) throw new NotFoundError('Business not found')
  if (!access.manager) throw new ForbiddenError('Only owners and admins manage alerts')
}

/**
 * Passes when the caller manages the business of webhook `webhookId`; returns that business.
 * `tx` must come from `asUser`.
 *
 * @throws {NotFoundError} when there is no such webhook in any business of the caller.
 * @throws {ForbiddenError} when it is in the caller's business but they are not an owner or admin.
 */
export async function assertCanManageWebhook(tx: Tx, webhookId: string): Promise<string> {
  const [row] = await tx<{ business_id: string | null }[]>`
    select app.alert_webhook_business(${webhookId}) as business_id`
  if (!row?.business_id) throw new NotFoundError('Webhook not found')
  await assertCanManageAlerts(tx, row.business_id)
  return row.business_id
}
