// Appends lifecycle events to integration_events (as the service): what happened, never secrets.
import type { Tx } from '../db/client.ts'

export type IntegrationEventType =
  | 'connected'
  | 'auth_failed'
  | 'token_refreshed'
  | 'reauth_required'
  | 'disconnected'
  | 'purged'
  // Recorded by the sync; these and reauth_required also become signed alert webhooks.
  | 'sync_failing'
  | 'sync_recovered'
  // One synced object cannot be read (a mapped field gone, no access): the others still sync.
  | 'object_sync_failing'
  // A write (any method but GET/HEAD) through the proxy: method, path, status; never bodies.
  | 'proxy_write'

export interface IntegrationEvent {
  integrationId: string
  businessId: string
  type: IntegrationEventType
  /** The user who caused it, or none when the server acted (refresh, sync). */
  actorId?: string | null
  /** Ids, counts and codes only: no token, code, verifier or secret ever goes here. */
  metadata?: Record<string, unknown>
}

/** Records one event. `tx` must come from `asService` (tenants cannot write events). */
export async function recordEvent(tx: Tx, event: IntegrationEvent): Promise<void> {
  await tx`
    insert into public.integration_events (business_id, integration_id, type, actor_id, metadata)
    values (${event.businessId}, ${event.integrationId}, ${event.type}, ${event.actorId ?? null},
            ${tx.json((event.metadata ?? {}) as Parameters<Tx['json']>[0])})
  `
}
