// A world for the sync's scenario tests: one business whose integrations are connected to
// sandbox orgs through one connected app (as the server's app is), settings fit for tests, and
// runs of the engine on demand. Removed after each test.
import { closeSql } from '../../supabase/functions/_shared/db/client.ts'
import { asService } from '../../supabase/functions/_shared/db/as-user.ts'
import { markConnected } from '../../supabase/functions/_shared/integrations/lifecycle.ts'
import { readIntegrationAsService } from '../../supabase/functions/_shared/integrations/service-read.ts'
import { createBudget, unlimitedCpu } from '../../supabase/functions/_shared/sync/budget.ts'
import { runClaimedSync, type RunSummary } from '../../supabase/functions/_shared/sync/engine.ts'
import { claimSync, newLeaseOwner } from '../../supabase/functions/_shared/sync/leases.ts'
import type { SyncSettings } from '../../supabase/functions/_shared/sync/settings.ts'
import type { AppInfo } from '../../scripts/sandbox/salesforce/control.ts'
import { setEnv } from './env.ts'
import { createIntegration, storeConnection } from './integrations.ts'
import { type CapturedLogs, captureLogs } from './logs.ts'
import {
  fixtureCallback,
  type RunningSandbox,
  salesforceEnv,
  startSandbox,
} from './salesforce-sandbox.ts'
import { loginAs } from './sandbox-login.ts'
import {
  type AdminSql,
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from './test-db.ts'

/** Settings for tests: short timeouts and waits, the production shape otherwise. */
export function testSyncSettings(overrides: Partial<SyncSettings> = {}): SyncSettings {
  return {
    budgetMs: 60_000,
    cpu: unlimitedCpu,
    concurrency: 2,
    leaseSeconds: 60,
    lookbackSeconds: 300,
    pageSize: 2000,
    requestTimeoutMs: 1_000,
    retry: { attempts: 6, baseMs: 20, maxMs: 200 },
    schedule: { failureThreshold: 3, maxBackoffMinutes: 360, limitBackoffMinutes: 60 },
    ...overrides,
  }
}

export interface SyncedOrg {
  orgId: string
  integrationId: string
  username: string
}

export interface ConnectOptions {
  contacts: number
  /** Accounts of the org (default: one per ten contacts). */
  accounts?: number
  leads?: number
  seed?: number
  /** Caps every page of the org (Salesforce may send fewer rows than asked). */
  batchSizeCap?: number
}

export interface SyncWorld {
  /** Admin connection (RLS does not apply). */
  sql: AdminSql
  sandbox: RunningSandbox
  dbUrl: string
  app: AppInfo
  ownerId: string
  businessId: string
  logs: CapturedLogs
  /** The environment that points functions (or a subprocess) at this world. */
  env: Record<string, string>
  /** Creates a seeded org and an integration connected to it. */
  connect(options: ConnectOptions): Promise<SyncedOrg>
  /** Logs in again and stores the grant as the callback does (markConnected). */
  reconnect(org: SyncedOrg): Promise<void>
}

/** Runs `run` in a fresh world and removes everything it made, whatever happens. */
export async function withSyncWorld(run: (world: SyncWorld) => Promise<void>): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const sandbox = await startSandbox()
  const logs = captureLogs()
  const tag = crypto.randomUUID().slice(0, 8)
  // The server's connected app, registered in a small org of its own (as a packaged app is).
  const home = sandbox.control.createOrg({
    name: `Publisher ${tag}`,
    contacts: 0,
    app: { callbackUrls: [fixtureCallback], autoApprove: true, requirePkce: true },
  })
  const app = home.app!
  const env = { SUPABASE_DB_URL: dbUrl, ...salesforceEnv(sandbox, app) }
  const restoreEnv = setEnv(env)
  const userIds: string[] = []
  const businessIds: string[] = []
  try {
    const ownerId = await createUser(sql, `sync-owner-${tag}@example.test`)
    userIds.push(ownerId)
    const businessId = await createBusiness(sql, { name: `Sync ${tag}`, ownerId })
    businessIds.push(businessId)
    let orgs = 0
    await run({
      sql,
      sandbox,
      dbUrl,
      app,
      ownerId,
      businessId,
      logs,
      env,
      async connect(options) {
        const org = sandbox.control.createOrg({
          name: `Sync org ${tag} ${++orgs}`,
          contacts: options.contacts,
          accounts: options.accounts,
          leads: options.leads,
          seed: options.seed,
          batchSizeCap: options.batchSizeCap,
          app: false,
        })
        const integrationId = await createIntegration(sql, {
          businessId,
          createdBy: ownerId,
          name: `Org ${orgs}`,
        })
        await storeConnection(
          sql,
          integrationId,
          await loginAs(org.loginUrl, app, org.user.username),
        )
        return { orgId: org.orgId, integrationId, username: org.user.username }
      },
      async reconnect({ orgId, integrationId, username }) {
        const tokens = await loginAs(sandbox.control.getOrg(orgId).loginUrl, app, username)
        await storeConnection(sql, integrationId, tokens)
        await asService(async (tx) => {
          const integration = await readIntegrationAsService(tx, integrationId)
          await markConnected(tx, integration!, {
            tokens: { access_token: tokens.access_token, instance_url: tokens.instance_url },
            externalOrgId: integration!.external_org_id,
            externalUserId: null,
            scopes: tokens.scope.split(' '),
            rotated: false,
            metadata: { instance_url: tokens.instance_url },
          }, ownerId)
        })
      },
    })
  } finally {
    await closeSql()
    await deleteFixtures(sql, { businessIds, userIds })
    await sql.end()
    await sandbox.close()
    restoreEnv()
    logs.restore()
  }
}

/** One run of one object of an integration now, as "sync now" does it (due or not). */
export async function syncOnce(
  integrationId: string,
  settings: SyncSettings,
  object = 'contact',
): Promise<RunSummary> {
  const claim = await asService((tx) =>
    claimSync(tx, integrationId, object, newLeaseOwner('test'), settings.leaseSeconds)
  )
  if (!claim) throw new Error(`${object} of integration ${integrationId} could not be claimed`)
  const budget = createBudget(settings.budgetMs, settings.cpu)
  try {
    return await runClaimedSync(claim, { trigger: 'manual', budget, settings })
  } finally {
    budget.dispose()
  }
}

/** Runs until one run ends the read (succeeded); throws after `maxRuns` or on a failed run. */
export async function syncUntilComplete(
  integrationId: string,
  settings: SyncSettings,
  maxRuns = 50,
  object = 'contact',
): Promise<RunSummary[]> {
  const runs: RunSummary[] = []
  while (runs.length < maxRuns) {
    const run = await syncOnce(integrationId, settings, object)
    runs.push(run)
    if (run.status === 'succeeded') return runs
    if (run.status !== 'partial') {
      throw new Error(`run ended ${run.status} (${run.error_code}): ${JSON.stringify(run)}`)
    }
  }
  throw new Error(`no run completed in ${maxRuns} runs`)
}

export interface SyncStateRow {
  cursor: { modstamp: string; id: string } | null
  next_sync_at: Date
  lease_owner: string | null
  lease_expires_at: Date | null
  consecutive_failures: number
  initial_sync_completed_at: Date | null
  last_success_at: Date | null
  paused_reason: string | null
  status: string
  last_error_code: string | null
  /** The object's own last error (field_missing, ...), null after a success. */
  object_error_code: string | null
  object_error: string | null
}

/** An object's sync state (default: contacts) and the integration's status, read as admin. */
export async function syncState(
  sql: AdminSql,
  integrationId: string,
  object = 'contact',
): Promise<SyncStateRow> {
  const [row] = await sql<SyncStateRow[]>`
    select s.cursor, s.next_sync_at, s.lease_owner, s.lease_expires_at, s.consecutive_failures,
           s.initial_sync_completed_at, s.last_success_at, s.paused_reason, i.status,
           i.last_error_code, s.last_error_code as object_error_code, s.last_error as object_error
      from public.integration_sync_state s
      join public.integrations i on i.id = s.integration_id
     where s.integration_id = ${integrationId} and s.object = ${object}`
  return row
}

/**
 * Enables `object` of an integration with a field mapping, as the objects endpoints do (the
 * trigger creates its sync state; a changed mapping re-reads it).
 */
export async function enableObject(
  sql: AdminSql,
  integrationId: string,
  object: string,
  fieldMapping: Record<string, string> = {},
  keepSourceRecord = false,
): Promise<void> {
  await sql`
    insert into public.integration_objects
      (integration_id, business_id, object, enabled, field_mapping, keep_source_record)
    select id, business_id, ${object}, true, ${sql.json(fieldMapping)}, ${keepSourceRecord}
      from public.integrations where id = ${integrationId}
    on conflict (integration_id, object) do update
       set enabled = true, field_mapping = excluded.field_mapping,
           keep_source_record = excluded.keep_source_record`
}

/** The integration's sync_runs rows, oldest first. */
export async function syncRuns(
  sql: AdminSql,
  integrationId: string,
): Promise<Array<Record<string, unknown>>> {
  return await sql`
    select id, object, trigger, status, pages, records_upserted, records_deleted, api_calls,
           error_code, duration_ms, finished_at
      from public.sync_runs where integration_id = ${integrationId} order by id`
}

/** Polls `check` every 25 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
