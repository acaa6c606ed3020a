// An integration's sync health and run history, read as the caller (RLS decides), so a developer
// sees why a sync failed through the function instead of the Data API or psql.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { encodeCursor } from '../contacts/cursor.ts'
import { asUser } from '../db/as-user.ts'
import { NotFoundError } from '../http/errors.ts'
import { findIntegration } from '../tenancy/access.ts'

/** What `public.integration_health` says of one integration, plus its schedule. */
export interface IntegrationHealth {
  integration_id: string
  business_id: string
  name: string
  provider: string
  status: string
  sync_enabled: boolean | null
  paused_reason: string | null
  /** Minutes between two complete syncs (integration_sync_state.interval_minutes). */
  interval_minutes: number | null
  initial_sync_completed_at: Date | null
  last_success_at: Date | null
  /** Seconds since the last successful run; null before the first. */
  lag_seconds: number | null
  /** Failed runs in a row. */
  error_streak: number | null
  next_sync_at: Date | null
  last_run_status: string | null
  last_run_error_code: string | null
  last_run_finished_at: Date | null
  contacts_active: number
  contacts_deleted: number
}

/** One sync run as the API shows it. */
export interface SyncRunView {
  id: string
  /** contact, account, lead, or the provider's API name of another object. */
  object: string
  trigger: string
  status: string
  started_at: string
  finished_at: Date | null
  duration_ms: number | null
  pages: number
  records_upserted: number
  records_deleted: number
  api_calls: number
  error_code: string | null
  error: string | null
}

/** Keyset position in (started_at desc, id desc): the last row of the page before. */
export interface RunsCursor {
  /** started_at, ISO 8601 with microseconds (UTC). */
  s: string
  /** id, decimal. */
  i: string
}

export interface RunsPage {
  runs: SyncRunView[]
  next_cursor: string | null
}

/**
 * The integration's health, from the `integration_health` view (security_invoker: the caller's
 * RLS applies to every table under it).
 *
 * @throws {NotFoundError} when the caller cannot see the integration.
 */
export async function readIntegrationHealth(
  claims: UserClaims,
  integrationId: string,
): Promise<IntegrationHealth> {
  return await asUser(claims, async (tx) => {
    const [row] = await tx<IntegrationHealth[]>`
      select h.integration_id, h.business_id, h.name, h.provider, h.status, h.sync_enabled,
             h.paused_reason, s.interval_minutes, s.initial_sync_completed_at, h.last_success_at,
             extract(epoch from h.lag)::float8 as lag_seconds, h.error_streak, h.next_sync_at,
             h.last_run_status, h.last_run_error_code, h.last_run_finished_at,
             h.contacts_active::int as contacts_active, h.contacts_deleted::int as contacts_deleted
        from public.integration_health h
        left join public.integration_sync_state s
          on s.integration_id = h.integration_id and s.object = 'contact'
       where h.integration_id = ${integrationId}`
    if (!row) throw new NotFoundError('Integration not found')
    return row
  })
}

/**
 * A page of the integration's runs (of one object when `object` is given), newest first. Ordered by (started_at, id) descending, the
 * order of the index on (integration_id, started_at desc); the id breaks ties between runs that
 * started in the same microsecond. Timestamps go in as `::text::timestamptz` so postgres.js does
 * not round the cursor through a JS Date (milliseconds only).
 *
 * @throws {NotFoundError} when the caller cannot see the integration.
 */
export async function listSyncRuns(
  claims: UserClaims,
  integrationId: string,
  { limit, cursor, object }: { limit: number; cursor?: RunsCursor; object?: string },
): Promise<RunsPage> {
  return await asUser(claims, async (tx) => {
    if (!(await findIntegration(tx, integrationId))) {
      throw new NotFoundError('Integration not found')
    }
    const before = cursor
      ? tx`and (r.started_at, r.id) < (${cursor.s}::text::timestamptz, ${cursor.i}::bigint)`
      : tx``
    const ofObject = object === undefined ? tx`` : tx`and r.object = ${object}`
    const rows = await tx<SyncRunView[]>`
      select r.id::text, r.object, r.trigger, r.status,
             to_char(r.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as started_at,
             r.finished_at, r.duration_ms, r.pages, r.records_upserted, r.records_deleted,
             r.api_calls, r.error_code, r.error
        from public.sync_runs r
       where r.integration_id = ${integrationId} ${ofObject} ${before}
       order by r.started_at desc, r.id desc
       limit ${limit + 1}`
    const runs = rows.slice(0, limit)
    const last = runs[runs.length - 1]
    return {
      runs,
      next_cursor: rows.length > limit ? encodeCursor({ s: last.started_at, i: last.id }) : null,
    }
  })
}
