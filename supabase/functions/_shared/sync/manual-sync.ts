// "Sync now" for one integration, asked for by an owner or admin of its business: check the
// caller through RLS, then lease and run each of its synced objects (contacts first), one after
// another within one budget, under one lease owner.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { asService, asUser } from '../db/as-user.ts'
import { ForbiddenError, NotFoundError } from '../http/errors.ts'
import type { Logger } from '../log.ts'
import { createBudget, processCpuClock } from './budget.ts'
import { runClaimedSync, type RunSummary } from './engine.ts'
import { SyncInProgressError, SyncNotPossibleError } from './errors.ts'
import { claimSync, newLeaseOwner } from './leases.ts'
import type { SyncSettings } from './settings.ts'

/**
 * Refuses unless the caller may run the integration's sync. RLS shows members their business's
 * integrations only, so another business's id is a 404 like an unknown one; a member who is not
 * an owner or admin gets 403.
 */
async function assertCanRunSync(claims: UserClaims, integrationId: string): Promise<void> {
  const [row] = await asUser(claims, (tx) =>
    tx<{ can_run: boolean }[]>`
      select app.has_role(business_id, array['owner', 'admin']) as can_run
        from public.integrations where id = ${integrationId}`)
  if (!row) throw new NotFoundError('Integration not found')
  if (!row.can_run) throw new ForbiddenError('Only owners and admins can run a sync')
}

/** Why an integration could not be leased: running already, paused, or not connected. */
async function explainUnclaimable(integrationId: string): Promise<Error> {
  const [state] = await asService((tx) =>
    tx<{ leased: boolean; paused_reason: string | null; status: string }[]>`
      select s.lease_expires_at > now() as leased, s.paused_reason, i.status
        from public.integration_sync_state s
        join public.integrations i on i.id = s.integration_id
       where s.integration_id = ${integrationId} and s.object = 'contact'`
  )
  if (!state) return new NotFoundError('Integration not found')
  if (state.leased) return new SyncInProgressError()
  if (state.paused_reason === 'reauth_required') {
    return new SyncNotPossibleError(
      'reauth_required',
      'The connection was revoked or expired; connect the integration again',
    )
  }
  if (state.paused_reason) {
    return new SyncNotPossibleError('sync_paused', `The sync is paused (${state.paused_reason})`)
  }
  return new SyncNotPossibleError('not_connected', 'The integration is not connected')
}

/** What "sync now" did: the contact object's run (as before), and every object's run. */
export interface ManualSyncResult {
  run: RunSummary
  /** One run per synced object, contacts first; objects another run holds are left out. */
  objects: RunSummary[]
}

/** The integration's synced objects other than contacts (enabled ones have a state row). */
async function otherObjects(integrationId: string): Promise<string[]> {
  const rows = await asService((tx) =>
    tx<{ object: string }[]>`
      select object from public.integration_sync_state
       where integration_id = ${integrationId} and object <> 'contact'
       order by object`
  )
  return rows.map((row) => row.object)
}

/**
 * Runs one sync of every object of `integrationId` now, for a user. The contact object must be
 * claimable (else the errors below); another object that a cron run holds right now is skipped,
 * and objects left when the budget runs short wait for their schedule.
 *
 * @throws {NotFoundError} 404 for an integration the caller cannot see.
 * @throws {ForbiddenError} 403 for a member who is not an owner or admin.
 * @throws {SyncInProgressError} 409 `sync_in_progress` while another run holds it.
 * @throws {SyncNotPossibleError} 409 `reauth_required`, `sync_paused` or `not_connected`.
 */
export async function runManualSync(
  claims: UserClaims,
  integrationId: string,
  settings: SyncSettings,
  log?: Logger,
): Promise<ManualSyncResult> {
  await assertCanRunSync(claims, integrationId)
  const owner = newLeaseOwner('manual')
  const claim = await asService((tx) =>
    claimSync(tx, integrationId, 'contact', owner, settings.leaseSeconds)
  )
  if (!claim) throw await explainUnclaimable(integrationId)
  const budget = createBudget(settings.budgetMs, settings.cpu, Date.now, processCpuClock())
  try {
    const run = await runClaimedSync(claim, { trigger: 'manual', budget, settings, log })
    const objects = [run]
    for (const object of await otherObjects(integrationId)) {
      // As a tick does: the last tenth of the time is for finishing, not for starting.
      if (budget.remainingMs() <= settings.budgetMs / 10) break
      const next = await asService((tx) =>
        claimSync(tx, integrationId, object, owner, settings.leaseSeconds)
      )
      if (!next) continue
      objects.push(await runClaimedSync(next, { trigger: 'manual', budget, settings, log }))
    }
    return { run, objects }
  } finally {
    budget.dispose()
  }
}
