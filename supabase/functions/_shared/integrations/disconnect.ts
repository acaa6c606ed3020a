// Disconnecting an integration: revoke the grant at the provider, forget the tokens, withdraw
// consent, pause the sync, and on request erase the data synced from it (right to erasure).
import { revokeConnection } from '../connections/revoke.ts'
import { deleteTokens } from '../connections/store.ts'
import { asService } from '../db/as-user.ts'
import type { Tx } from '../db/client.ts'
import type { Logger } from '../log.ts'
import { deletePendingOAuthStates } from '../oauth/state-store.ts'
import { recordEvent } from './events.ts'
import type { IntegrationRow } from './integration-view.ts'

/** What happened to the grant at the provider. */
export type Revocation = 'revoked' | 'already_invalid' | 'not_supported' | 'failed' | 'no_tokens'

/**
 * Revokes the grant at the provider (see revokeConnection). A failure is logged and reported,
 * not thrown: the tenant asked us to let go, and forgetting the token is what makes it unusable
 * to us.
 */
async function revokeGrant(integration: IntegrationRow, logger: Logger): Promise<Revocation> {
  try {
    return await revokeConnection(integration.id)
  } catch (error) {
    logger.warn('revocation failed; tokens are deleted anyway', {
      integration_id: integration.id,
      error,
    })
    return 'failed'
  }
}

/**
 * Deletes the contacts (and campaign leads) that came from the integration, within its own
 * business only: this runs as the service, past RLS, so the business is what keeps a purge from
 * reaching rows of another tenant whatever they point at (the leads' composite foreign key makes
 * such rows impossible; this does not rely on it).
 */
async function purgeSyncedData(tx: Tx, integration: IntegrationRow) {
  // Every table the sync writes (contacts, accounts, CRM leads, other objects' records) and the
  // campaign leads made from its contacts: "erase what came from this CRM" means all of it.
  const counted = async (table: string) =>
    (await tx`
      delete from ${tx(table)}
       where integration_id = ${integration.id} and business_id = ${integration.business_id}`)
      .count
  const contacts = await counted('public.contacts')
  const leads = await counted('public.leads')
  return {
    contacts_deleted: contacts,
    leads_deleted: leads,
    accounts_deleted: await counted('public.accounts'),
    crm_leads_deleted: await counted('public.crm_leads'),
    crm_records_deleted: await counted('public.crm_records'),
  }
}

/**
 * Disconnects (idempotent: a second call changes nothing and records nothing, except erasing
 * data that `purge` asks for). Pending authorizations are dropped so none completes later.
 * The integration row stays, with status `disconnected`, for its history.
 */
export async function disconnectIntegration(
  integration: IntegrationRow,
  actorId: string,
  { purge }: { purge: boolean },
  logger: Logger,
): Promise<void> {
  const revocation = await revokeGrant(integration, logger)
  await asService(async (tx) => {
    await deleteTokens(tx, integration.id)
    await deletePendingOAuthStates(tx, integration.id)
    const changed = await tx`
      update public.integrations
         set status = 'disconnected', disconnected_at = now(), last_error = null,
             last_error_code = null
       where id = ${integration.id} and status <> 'disconnected'`
    await tx`
      update public.integration_consents set withdrawn_at = now(), withdrawn_by = ${actorId}
       where integration_id = ${integration.id} and withdrawn_at is null`
    await tx`
      update public.integration_sync_state set paused_reason = 'disconnected'
       where integration_id = ${integration.id}`
    const purged = purge ? await purgeSyncedData(tx, integration) : undefined
    const base = { integrationId: integration.id, businessId: integration.business_id, actorId }
    if (changed.count > 0) {
      await recordEvent(tx, {
        ...base,
        type: 'disconnected',
        metadata: { revocation, purged: purge, ...purged },
      })
    } else if (purged && Object.values(purged).some((count) => count > 0)) {
      await recordEvent(tx, { ...base, type: 'purged', metadata: purged })
    }
  })
  logger.info('integration disconnected', { integration_id: integration.id, revocation, purge })
}
