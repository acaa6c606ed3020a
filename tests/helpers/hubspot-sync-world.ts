// A world for the HubSpot sync's scenario tests: the HubSpot sandbox on a loopback port (clock
// stopped), reached by our code through the provider-host rewrite (PROVIDER_SIMULATOR_URL), one
// business whose integrations are installed into sandbox portals through one app (as the
// server's is), and the sandbox's truth against the contacts table. Runs use sync-world.ts's
// helpers (syncOnce, testSyncSettings, ...). Removed after each test.
import { closeSql } from '../../supabase/functions/_shared/db/client.ts'
import type { CreatePortalOptions } from '../../scripts/sandbox/hubspot/state.ts'
import { setEnv } from './env.ts'
import {
  type AppInfo,
  HUBSPOT_CALLBACK,
  installApp,
  type RunningHubSpotSandbox,
  startHubSpot,
} from './hubspot-sandbox.ts'
import { type CapturedLogs, captureLogs } from './logs.ts'
import { contactRowsOf, type ContactRowView, type TruthReport } from './sync-truth.ts'
import {
  type AdminSql,
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from './test-db.ts'

/** Pacing so generous that only the sandbox's own limits (or faults) ever refuse a call. */
export const unpacedHubSpot: Record<string, string> = {
  HUBSPOT_CALLS_PER_SECOND: '1000000',
  HUBSPOT_CALLS_BURST: '1000000',
  HUBSPOT_SEARCHES_PER_SECOND: '1000000',
  HUBSPOT_SEARCHES_BURST: '1000000',
  HUBSPOT_LIMIT_PAUSE_SECONDS: '0.01',
}

export interface HubSpotPortalOptions extends CreatePortalOptions {
  /** Store the token as expiring this many ms from now (default: HubSpot's 30 minutes). */
  tokenExpiresInMs?: number
}

export interface SyncedPortal {
  portalId: number
  integrationId: string
}

export interface HubSpotSyncWorld {
  sql: AdminSql
  hubspot: RunningHubSpotSandbox
  app: AppInfo
  businessId: string
  ownerId: string
  logs: CapturedLogs
  /** The environment that points functions (or a subprocess) at this world. */
  env: Record<string, string>
  /**
   * A portal (no search lag and limits out of reach unless the options say) and an integration
   * installed into it, stored as the callback stores a HubSpot grant (portalId included).
   */
  connect(options: HubSpotPortalOptions): Promise<SyncedPortal>
}

/** Runs `run` in a fresh world and removes everything it made, whatever happens. */
export async function withHubSpotSyncWorld(
  run: (world: HubSpotSyncWorld) => Promise<void>,
  options: { env?: Record<string, string> } = {},
): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const hubspot = await startHubSpot()
  const logs = captureLogs()
  const tag = crypto.randomUUID().slice(0, 8)
  const app = hubspot.control.registerApp({
    name: `Server app ${tag}`,
    redirectUris: [HUBSPOT_CALLBACK],
    autoApprove: true,
  })
  const env = {
    SUPABASE_DB_URL: dbUrl,
    PROVIDER_SIMULATOR_URL: hubspot.url,
    HUBSPOT_CLIENT_ID: app.clientId,
    HUBSPOT_CLIENT_SECRET: app.clientSecret,
    ...unpacedHubSpot,
    ...options.env,
  }
  const restoreEnv = setEnv(env)
  const userIds: string[] = []
  const businessIds: string[] = []
  try {
    const ownerId = await createUser(sql, `hubspot-sync-${tag}@example.test`)
    userIds.push(ownerId)
    const businessId = await createBusiness(sql, { name: `HubSpot sync ${tag}`, ownerId })
    businessIds.push(businessId)
    let portals = 0
    await run({
      sql,
      hubspot,
      app,
      businessId,
      ownerId,
      logs,
      env,
      async connect({ tokenExpiresInMs, ...portal }) {
        const created = hubspot.control.createPortal({
          name: `Sync portal ${tag} ${++portals}`,
          searchLagMs: 0,
          burstLimit: 1_000_000_000,
          searchPerSecond: 1_000_000_000,
          dailyLimit: 1_000_000_000,
          ...portal,
        })
        const tokens = await installApp(hubspot.sandbox, app, { portalId: created.portalId })
        const [row] = await sql<{ id: string }[]>`
          insert into public.integrations
            (business_id, provider, name, created_by, connection_metadata, status,
             external_org_id, connected_at)
          values (${businessId}, 'hubspot', ${`Portal ${portals}`}, ${ownerId},
                  ${sql.json({ portalId: String(created.portalId) })}, 'active',
                  ${String(created.portalId)}, now())
          returning id`
        await sql`select private.save_integration_tokens(${row.id}, ${
          sql.json({
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            expires_at: Date.now() + (tokenExpiresInMs ?? tokens.expires_in * 1000),
            scope: tokens.scopes.join(' '),
          })
        })`
        return { portalId: created.portalId, integrationId: row.id }
      },
    })
  } finally {
    await closeSql()
    await deleteFixtures(sql, { businessIds, userIds })
    await sql.end()
    await hubspot.close()
    restoreEnv()
    logs.restore()
  }
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null)

/**
 * Compares the integration's contacts with the portal's contacts as the sandbox has them now:
 * every live contact has one live row with its current values; a row of a contact that is no
 * longer live (archived, GDPR-deleted, merged away) is soft-deleted.
 */
export async function compareWithHubSpot(
  world: HubSpotSyncWorld,
  portalId: number,
  integrationId: string,
): Promise<TruthReport> {
  const rows = await contactRowsOf(world.sql, integrationId)
  const byId = new Map<string, ContactRowView>()
  const duplicated: string[] = []
  for (const row of rows) {
    if (byId.has(row.source_id)) duplicated.push(row.source_id)
    byId.set(row.source_id, row)
  }
  const control = world.hubspot.control
  const ids = control.listIds(portalId, 'contacts')
  const missing: string[] = []
  const stale: string[] = []
  for (const id of ids) {
    const p = control.getRecord(portalId, 'contacts', id)!.properties
    const row = byId.get(id)
    byId.delete(id)
    if (!row || row.deleted) {
      missing.push(id)
      continue
    }
    const want = {
      first_name: text(p.firstname),
      last_name: text(p.lastname),
      email: text(p.email),
      phone: text(p.phone) ?? text(p.mobilephone),
      company: text(p.company),
      title: text(p.jobtitle),
      source_modstamp: new Date(String(p.lastmodifieddate)).toISOString(),
      sync_status: 'synced',
    }
    const got = {
      first_name: row.first_name,
      last_name: row.last_name,
      email: row.email,
      phone: row.phone,
      company: row.company,
      title: row.title,
      source_modstamp: row.source_modstamp?.toISOString(),
      sync_status: row.sync_status,
    }
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      stale.push(id)
      if (Deno.env.get('SYNC_TRUTH_DEBUG')) console.error(JSON.stringify({ got, want }))
    }
  }
  const leftover = [...byId.values()]
  const extra = leftover.filter((row) => !(row.deleted && row.sync_status === 'deleted'))
  return {
    records: ids.length,
    live: rows.filter((row) => !row.deleted).length,
    missing,
    extra: extra.map((row) => row.source_id),
    purged: leftover.length - extra.length,
    duplicated,
    stale,
  }
}
