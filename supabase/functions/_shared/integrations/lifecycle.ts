// Server-side status transitions of an integration (connected, auth failed, reauth required,
// disconnected), each one transaction's worth of writes. `tx` must come from `asService`.
import { deleteTokens } from '../connections/store.ts'
import type { Tx } from '../db/client.ts'
import { getProvider } from '../providers/registry.ts'
import type { ProviderGrant } from '../providers/types.ts'
import { apiBaseUrlFor } from '../providers/urls.ts'
import { recordEvent } from './events.ts'
import type { ServiceIntegration } from './service-read.ts'

/** Pause reasons we set and clear; any other reason belongs to someone else (the sync). */
const connectionPauseReasons = ['reauth_required', 'disconnected']

/**
 * The authorization completed: the integration is active with the new grant's org, user and
 * scopes, earlier consents are superseded by this one, and a sync paused for want of a
 * connection resumes. A different org than before restarts the sync from scratch, since the
 * old cursor means nothing there.
 */
export async function markConnected(
  tx: Tx,
  integration: ServiceIntegration,
  grant: ProviderGrant,
  userId: string,
): Promise<void> {
  const orgChanged = integration.external_org_id !== null &&
    integration.external_org_id !== grant.externalOrgId
  const { spec } = getProvider(integration.provider)
  const apiBaseUrl = apiBaseUrlFor(spec, { ...integration.connection_config, ...grant.metadata })
  await tx`
    update public.integrations
       set status = 'active', instance_url = ${grant.tokens.instance_url ?? null},
           connection_metadata = ${tx.json(grant.metadata)}, api_base_url = ${apiBaseUrl},
           external_org_id = ${grant.externalOrgId}, external_user_id = ${grant.externalUserId},
           scopes = ${grant.scopes}, connected_at = now(), disconnected_at = null,
           last_error = null, last_error_code = null
     where id = ${integration.id}`
  await tx`
    update public.integration_consents set withdrawn_at = now(), withdrawn_by = ${userId}
     where integration_id = ${integration.id} and withdrawn_at is null`
  await tx`
    insert into public.integration_consents (business_id, integration_id, granted_by, scopes)
    values (${integration.business_id}, ${integration.id}, ${userId}, ${grant.scopes})`
  await tx`
    update public.integration_sync_state
       set paused_reason = case when paused_reason = any (${connectionPauseReasons})
                                then null else paused_reason end,
           next_sync_at = now(),
           cursor = case when ${orgChanged} then null else cursor end,
           initial_sync_completed_at = case when ${orgChanged} then null
                                            else initial_sync_completed_at end
     where integration_id = ${integration.id}`
  await recordEvent(tx, {
    integrationId: integration.id,
    businessId: integration.business_id,
    type: 'connected',
    actorId: userId,
    metadata: {
      external_org_id: grant.externalOrgId,
      external_user_id: grant.externalUserId,
      scopes: grant.scopes,
      org_changed: orgChanged,
    },
  })
}

export interface AuthFailure {
  /** Our stable code, as sent to the app: access_denied, token_exchange_failed, ... */
  code: string
  /** Human text for the team, no secrets. */
  message: string
  /** The provider's own error code, when it gave one. */
  providerError?: string
  actorId?: string | null
}

/**
 * An authorization attempt failed and stored nothing. Without usable tokens the integration is
 * in `error`; a reconnect that failed leaves a working connection `active`, with the failure
 * still recorded in last_error and the event.
 */
export async function markAuthFailed(
  tx: Tx,
  integration: ServiceIntegration,
  failure: AuthFailure,
): Promise<void> {
  await tx`
    update public.integrations i
       set status = case when exists (
                      select 1 from private.integration_secrets s
                       where s.integration_id = i.id and s.tokens_secret_id is not null
                    ) then 'active' else 'error' end,
           last_error = ${failure.message}, last_error_code = ${failure.code}
     where i.id = ${integration.id}`
  await recordEvent(tx, {
    integrationId: integration.id,
    businessId: integration.business_id,
    type: 'auth_failed',
    actorId: failure.actorId,
    metadata: {
      error_code: failure.code,
      ...(failure.providerError ? { provider_error: failure.providerError } : {}),
    },
  })
}

/**
 * The provider refused the refresh token: the dead tokens are deleted, the integration is in
 * `error` with `reauth_required`, and its sync is paused until someone connects again.
 */
export async function markReauthRequired(
  tx: Tx,
  integration: ServiceIntegration,
  providerDescription: string,
): Promise<void> {
  const { displayName } = getProvider(integration.provider).spec
  const message = `${
    providerDescription ? `${displayName}: ${providerDescription}. ` : ''
  }The connection was revoked or expired; an admin must connect the integration again.`
  await deleteTokens(tx, integration.id)
  await tx`
    update public.integrations
       set status = 'error', last_error = ${message}, last_error_code = 'reauth_required'
     where id = ${integration.id}`
  await tx`
    update public.integration_sync_state set paused_reason = 'reauth_required'
     where integration_id = ${integration.id}`
  await recordEvent(tx, {
    integrationId: integration.id,
    businessId: integration.business_id,
    type: 'reauth_required',
    metadata: { provider_error: 'invalid_grant' },
  })
}
