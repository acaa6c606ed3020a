// The sync's writes outside the page loop: the sync_runs row a run opens, and the one
// transaction that closes it, releases the object's lease with the next schedule, keeps the
// object's own error (alerting once per streak), and turns the integration failing or recovered.
import { asService } from '../db/as-user.ts'
import type { Tx } from '../db/client.ts'
import { recordEvent } from '../integrations/events.ts'
import type { RunDecision, RunStatus } from './failure-policy.ts'
import type { ClaimedSync } from './leases.ts'

export type RunTrigger = 'cron' | 'manual'

/** What a run did, as counted by the engine. */
export interface RunCounters {
  pages: number
  recordsUpserted: number
  recordsDeleted: number
  apiCalls: number
}

/** Opens the run's sync_runs row (status running) in its own transaction; returns its id. */
export async function openRun(claim: ClaimedSync, trigger: RunTrigger): Promise<string> {
  return await asService(async (tx) => {
    const [row] = await tx<{ id: string }[]>`
      insert into public.sync_runs (business_id, integration_id, object, trigger)
      values (${claim.businessId}, ${claim.integrationId}, ${claim.object}, ${trigger})
      returning id`
    return row.id
  })
}

/**
 * Opens the runs of a batch of claims in one statement, in the claim's own transaction (a tick
 * claims a few integrations at a time): an idle check then costs one transaction fewer. Returns
 * the run ids in the order of `claims`. `tx` must come from `asService`.
 */
export async function openRuns(
  tx: Tx,
  claims: ClaimedSync[],
  trigger: RunTrigger,
): Promise<string[]> {
  if (claims.length === 0) return []
  const rows = await tx<{ id: string; integration_id: string; object: string }[]>`
    insert into public.sync_runs (business_id, integration_id, object, trigger)
    select t.business_id, t.integration_id, t.object, ${trigger}
      from unnest(${claims.map((claim) => claim.businessId)}::uuid[],
                  ${claims.map((claim) => claim.integrationId)}::uuid[],
                  ${claims.map((claim) => claim.object)}::text[])
           as t(business_id, integration_id, object)
    returning id, integration_id, object`
  const key = (integrationId: string, object: string) => `${integrationId}/${object}`
  const ids = new Map(rows.map((row) => [key(row.integration_id, row.object), row.id]))
  return claims.map((claim) => ids.get(key(claim.integrationId, claim.object))!)
}

/** Removes a run opened with its claim that was given back unworked: nothing ran. */
export async function discardRun(tx: Tx, runId: string): Promise<void> {
  await tx`delete from public.sync_runs where id = ${runId} and status = 'running'`
}

/** Marks the integration failing (error + event) or recovered (active + event), once each. */
async function applyIntegrationChange(
  tx: Tx,
  claim: ClaimedSync,
  decision: RunDecision,
): Promise<void> {
  const failures = decision.schedule?.consecutiveFailures ?? 0
  if (decision.integration === 'failing') {
    // Only an active integration turns failing: one event per streak, and no other error
    // (reauth_required, a failed connect) is overwritten.
    const [changed] = await tx`
      update public.integrations
         set status = 'error', last_error_code = 'sync_failing',
             last_error = ${`The sync failed ${failures} times in a row; last: ${decision.errorCode}`}
       where id = ${claim.integrationId} and status = 'active'
      returning id`
    if (!changed) return
    await recordEvent(tx, {
      integrationId: claim.integrationId,
      businessId: claim.businessId,
      type: 'sync_failing',
      metadata: { consecutive_failures: failures, error_code: decision.errorCode },
    })
  } else if (decision.integration === 'recovered') {
    const [changed] = await tx`
      update public.integrations set status = 'active', last_error = null, last_error_code = null
       where id = ${claim.integrationId} and status = 'error' and last_error_code = 'sync_failing'
      returning id`
    if (!changed) return
    await recordEvent(tx, {
      integrationId: claim.integrationId,
      businessId: claim.businessId,
      type: 'sync_recovered',
      metadata: { failures_before: claim.consecutiveFailures },
    })
  }
}

/**
 * Records an object_sync_failing event (an alert) when the object starts failing with this
 * code (its error before this run was another or none): once per streak, not once per run.
 */
async function alertObjectError(
  tx: Tx,
  claim: ClaimedSync,
  decision: RunDecision,
  previousCode: string | null,
): Promise<void> {
  const failure = decision.objectError
  if (!failure?.alert || previousCode === failure.code) return
  await recordEvent(tx, {
    integrationId: claim.integrationId,
    businessId: claim.businessId,
    type: 'object_sync_failing',
    metadata: {
      object: claim.object,
      error_code: failure.code,
      error: failure.message,
      consecutive_failures: decision.schedule?.consecutiveFailures ?? 0,
    },
  })
}

/**
 * Closes a run: its counters and status, and, while the lease is still ours, the release with
 * the next schedule, the failure streak, last success, the end of the read (initial sync
 * complete, next run starts with the lookback), the object's own error (kept until a success
 * clears it), and the integration's failing/recovered change. A lease lost meanwhile leaves the
 * state to its new holder, and the run is recorded as abandoned. Returns the status recorded.
 */
export async function closeRun(
  claim: ClaimedSync,
  runId: string,
  counters: RunCounters,
  decision: RunDecision,
  durationMs: number,
): Promise<RunStatus> {
  return await asService(async (tx) => {
    let status = decision.runStatus
    let errorCode = decision.errorCode
    let error = decision.error
    const schedule = decision.schedule
    if (schedule) {
      const failure = decision.objectError
      // The error before this run comes back from the same statement (the select runs on the
      // statement's snapshot, before the update): the alert needs it, at no extra round trip.
      const [held] = await tx<{ previous_error_code: string | null }[]>`
        update public.integration_sync_state s
           set lease_owner = null, lease_expires_at = null,
               last_error_code = case when ${failure !== null} then ${failure?.code ?? null}
                                      when ${schedule.success} then null
                                      else s.last_error_code end,
               last_error = case when ${failure !== null} then ${failure?.message ?? null}
                                 when ${schedule.success} then null
                                 else s.last_error end,
               consecutive_failures = ${schedule.consecutiveFailures},
               next_sync_at = now() + make_interval(secs => ${schedule.nextSyncInSeconds}),
               last_success_at = case when ${schedule.success} then now() else last_success_at end,
               initial_sync_completed_at = case when ${schedule.readComplete}
                                                then coalesce(initial_sync_completed_at, now())
                                                else initial_sync_completed_at end,
               read_in_progress = read_in_progress and not ${schedule.readComplete}
          from (select last_error_code as previous_error_code
                  from public.integration_sync_state
                 where integration_id = ${claim.integrationId} and object = ${claim.object}) p
         where s.integration_id = ${claim.integrationId} and s.object = ${claim.object}
           and s.lease_owner = ${claim.leaseOwner}
        returning p.previous_error_code`
      if (held) {
        await alertObjectError(tx, claim, decision, held.previous_error_code)
        await applyIntegrationChange(tx, claim, decision)
      } else {
        status = 'abandoned'
        errorCode = 'lease_lost'
        error = 'Another run took over this object sync'
      }
    }
    await tx`
      update public.sync_runs
         set status = ${status}, finished_at = now(), duration_ms = ${Math.round(durationMs)},
             pages = ${counters.pages}, records_upserted = ${counters.recordsUpserted},
             records_deleted = ${counters.recordsDeleted}, api_calls = ${counters.apiCalls},
             error_code = ${errorCode}, error = ${error}
       where id = ${runId}`
    return status
  })
}
