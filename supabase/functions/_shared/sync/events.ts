// The sync's integration events: sync_failing when a failure streak reaches the threshold and
// sync_recovered on the first success after it. The alerts trigger turns them into webhooks.
import type { Tx } from '../db/client.ts'

export type SyncEventType = 'sync_failing' | 'sync_recovered'

/**
 * Appends one event as the service (no actor). integrations/events.ts's recordEvent lists only
 * the connection's own event types, so the sync writes its two here; metadata holds counts and
 * codes, never secrets.
 */
export async function recordSyncEvent(
  tx: Tx,
  event: {
    integrationId: string
    businessId: string
    type: SyncEventType
    metadata: Record<string, string | number | null>
  },
): Promise<void> {
  await tx`
    insert into public.integration_events (business_id, integration_id, type, metadata)
    values (${event.businessId}, ${event.integrationId}, ${event.type}, ${tx.json(event.metadata)})`
}
