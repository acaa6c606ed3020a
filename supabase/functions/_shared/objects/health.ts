// One synced object's health (public.object_sync_health) and runs, read as the caller: the view
// is security_invoker, so RLS on sync state and runs decides, and members see their own
// integrations' objects only. Neither asks the provider: they answer while it is unreachable.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { asUser } from '../db/as-user.ts'
import { NotFoundError } from '../http/errors.ts'
import { listSyncRuns, type RunsCursor, type RunsPage } from '../integrations/health.ts'
import { findIntegration } from '../tenancy/access.ts'
import { objectKeyOf } from './catalog.ts'
import { getProvider } from '../providers/registry.ts'

/** What `public.object_sync_health` says of one object. */
export interface ObjectHealth {
  integration_id: string
  business_id: string
  object: string
  sync_enabled: boolean
  paused_reason: string | null
  initial_sync_completed_at: Date | null
  last_success_at: Date | null
  /** Seconds since the last successful run; null before the first. */
  lag_seconds: number | null
  error_streak: number
  last_error_code: string | null
  last_error: string | null
  next_sync_at: Date
  last_run_status: string | null
  last_run_error_code: string | null
  last_run_finished_at: Date | null
}

/** The object key a caller's name means for this provider (no describe call). */
function keyFor(provider: string, name: string): string {
  const describe = getProvider(provider).hooks.describe
  return describe ? objectKeyOf(describe, name) : name
}

/**
 * The object's health.
 *
 * @throws {NotFoundError} 404 `not_found` when the caller cannot see the integration,
 * `object_not_found` when the integration does not sync the object.
 */
export async function readObjectHealth(
  claims: UserClaims,
  integrationId: string,
  name: string,
): Promise<ObjectHealth> {
  return await asUser(claims, async (tx) => {
    const integration = await findIntegration(tx, integrationId)
    if (!integration) throw new NotFoundError('Integration not found')
    const [row] = await tx<ObjectHealth[]>`
      select integration_id, business_id, object, sync_enabled, paused_reason,
             initial_sync_completed_at, last_success_at,
             extract(epoch from lag)::float8 as lag_seconds, error_streak, last_error_code,
             last_error, next_sync_at, last_run_status, last_run_error_code, last_run_finished_at
        from public.object_sync_health
       where integration_id = ${integrationId}
         and object = ${keyFor(integration.provider, name)}`
    if (!row) {
      throw new NotFoundError('The integration does not sync this object', {
        code: 'object_not_found',
      })
    }
    return row
  })
}

/**
 * A page of the object's runs, newest first (an object never synced has none).
 *
 * @throws {NotFoundError} 404 when the caller cannot see the integration.
 */
export async function listObjectRuns(
  claims: UserClaims,
  integrationId: string,
  name: string,
  page: { limit: number; cursor?: RunsCursor },
): Promise<RunsPage> {
  const integration = await asUser(claims, (tx) => findIntegration(tx, integrationId))
  if (!integration) throw new NotFoundError('Integration not found')
  const object = keyFor(integration.provider, name)
  return await listSyncRuns(claims, integrationId, { ...page, object })
}
