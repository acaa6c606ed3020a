// Leases on integrations' syncs: claim due ones (for update skip locked), claim one now, and
// release one that was claimed but never worked. The holder's token fences every write.
import type { Tx } from '../db/client.ts'

/** An integration leased to us, with the state its run starts from. */
export interface ClaimedSync {
  integrationId: string
  /** The object synced: contact, account, lead, or the provider's API name of another object. */
  object: string
  businessId: string
  provider: string
  /** The fencing token: every write of the run requires it to still be the lease owner. */
  leaseOwner: string
  cursor: unknown
  /** A read moved the cursor and stopped before its end: resume exactly, without lookback. */
  readInProgress: boolean
  initialSyncCompletedAt: Date | null
  consecutiveFailures: number
  intervalMinutes: number
}

interface ClaimRow {
  integration_id: string
  object: string
  business_id: string
  provider: string
  lease_owner: string
  cursor: unknown
  read_in_progress: boolean
  initial_sync_completed_at: Date | null
  consecutive_failures: number
  interval_minutes: number
}

function toClaim(row: ClaimRow): ClaimedSync {
  return {
    integrationId: row.integration_id,
    object: row.object,
    businessId: row.business_id,
    provider: row.provider,
    leaseOwner: row.lease_owner,
    cursor: row.cursor,
    readInProgress: row.read_in_progress,
    initialSyncCompletedAt: row.initial_sync_completed_at,
    consecutiveFailures: row.consecutive_failures,
    intervalMinutes: row.interval_minutes,
  }
}

/** A fresh lease owner token; `kind` (cron, manual) is for people reading the table. */
export function newLeaseOwner(kind: string): string {
  return `${kind}:${crypto.randomUUID()}`
}

/**
 * Leases up to `limit` due integrations to `owner` for `leaseSeconds`, oldest due first. Rows
 * another transaction holds are skipped, so concurrent ticks take disjoint sets. `tx` must come
 * from `asService`.
 */
export async function claimDueSyncs(
  tx: Tx,
  owner: string,
  limit: number,
  leaseSeconds: number,
): Promise<ClaimedSync[]> {
  const rows = await tx<ClaimRow[]>`
    select * from private.claim_due_syncs(${owner}, ${limit}, ${leaseSeconds})`
  return rows.map(toClaim)
}

/**
 * Leases one object sync of an integration now, due or not; undefined when it is leased, paused or not in a state
 * the sync may work. `tx` must come from `asService`.
 */
export async function claimSync(
  tx: Tx,
  integrationId: string,
  object: string,
  owner: string,
  leaseSeconds: number,
): Promise<ClaimedSync | undefined> {
  const [row] = await tx<ClaimRow[]>`
    select * from private.claim_sync(${integrationId}, ${object}, ${owner}, ${leaseSeconds})`
  return row ? toClaim(row) : undefined
}

/** Gives back a lease that was never worked (the budget ran out first); the schedule stays. */
export async function releaseUnworked(tx: Tx, claim: ClaimedSync): Promise<void> {
  await tx`
    update public.integration_sync_state set lease_owner = null, lease_expires_at = null
     where integration_id = ${claim.integrationId} and object = ${claim.object}
       and lease_owner = ${claim.leaseOwner}`
}
