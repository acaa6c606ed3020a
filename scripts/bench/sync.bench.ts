// Benchmarks of the scheduled sync, as JSON lines whose ratios are measured in this one run:
// an initial sync of 50,000 contacts from the sandbox through the sync-cron function (its app in
// a worker process of its own, called as pg_cron calls it) against (a) the same rows upserted
// straight into Postgres one statement per 2,000 (the ceiling) and (b) one insert per row through
// the same client (the naive way); Salesforce API calls per 10,000 records; one cron tick over
// 1,000 integrations with nothing new; peak memory and CPU time of the syncing process.
// Takes about five minutes, most of it the naive inserts and the 1,000 integrations' ticks.
// Needs BENCH_DB_URL: a migrated database of its own (scripts/bench.sh makes one).
import { fileURLToPath } from 'node:url'
import { startSalesforceSandbox } from '../sandbox/salesforce/server.ts'
import { asService } from '../../supabase/functions/_shared/db/as-user.ts'
import { closeSql, getSql } from '../../supabase/functions/_shared/db/client.ts'
import type { ContactRow } from '../../supabase/functions/_shared/sync/contact-columns.ts'
import type { RunSummary } from '../../supabase/functions/_shared/sync/engine.ts'
import { syncSettings } from '../../supabase/functions/_shared/sync/settings.ts'
import type { TickSummary } from '../../supabase/functions/_shared/sync/tick.ts'
import { upsertContacts } from '../../supabase/functions/_shared/sync/upsert.ts'
import { createIntegration, storeConnection } from '../../tests/helpers/integrations.ts'
import { fixtureCallback, salesforceEnv } from '../../tests/helpers/salesforce-sandbox.ts'
import { loginAs } from '../../tests/helpers/sandbox-login.ts'
import { adminSql, createBusiness, createUser } from '../../tests/helpers/test-db.ts'

const initialContacts = 50_000
const idleIntegrations = 1_000
const upsertChunk = 2_000

const dbUrl = Deno.env.get('BENCH_DB_URL')
if (!dbUrl) throw new Error('BENCH_DB_URL is not set: run `npm run bench` (scripts/bench.sh)')

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line))
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits))
const mb = (bytes: number) => round(bytes / 1024 / 1024)

/** Runs `work` on `items`, `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++])
  }))
}

const sql = adminSql(dbUrl)
const sandbox = await startSalesforceSandbox({ port: 0 })
const publisher = sandbox.control.createOrg({
  name: 'Bench publisher',
  contacts: 0,
  app: { callbackUrls: [fixtureCallback], autoApprove: true, requirePkce: true },
})
const app = publisher.app!
const cronSecret = crypto.randomUUID() + crypto.randomUUID()
const env = {
  SUPABASE_DB_URL: dbUrl,
  ...salesforceEnv(sandbox, app),
  SYNC_CRON_SECRET: cronSecret,
  LOG_LEVEL: 'error',
}
for (const [key, value] of Object.entries(env)) Deno.env.set(key, value)
// What the default worker runs with: the same environment, read the same way.
const settings = syncSettings()

const ownerId = await createUser(sql, `bench-${crypto.randomUUID()}@example.test`)
const businessId = await createBusiness(sql, { name: 'Bench', ownerId })

/** An org of `contacts` seeded Contacts, and an integration connected to it. */
async function connectOrg(name: string, contacts: number, seed: number): Promise<string> {
  const org = sandbox.control.createOrg({ name, contacts, seed, app: false })
  const integrationId = await createIntegration(sql, { businessId, createdBy: ownerId, name })
  await storeConnection(sql, integrationId, await loginAs(org.loginUrl, app, org.user.username))
  return integrationId
}

// The syncing process: the sync-cron app in a worker of its own, as the edge runtime runs it.
const workerPath = fileURLToPath(new URL('./support/function-worker.ts', import.meta.url))

interface Worker {
  url: string
  stop(): Promise<void>
}

/** Starts a function worker with `extraEnv` on top of the bench's environment. */
async function startWorker(extraEnv: Record<string, string> = {}): Promise<Worker> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ['run', '-A', '--no-prompt', workerPath],
    env: { ...env, ...extraEnv },
    stdout: 'piped',
    stderr: 'inherit',
  }).spawn()
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader()
  const port = Number((await lines.read()).value?.trim())
  // Keep draining the worker's output so it never blocks on a full pipe.
  const drained = (async () => {
    while (!(await lines.read()).done) { /* discard */ }
  })()
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM')
      await child.status
      await drained
    },
  }
}

/** One tick, as pg_cron sends it. */
async function tick(worker: Worker): Promise<TickSummary> {
  const response = await fetch(`${worker.url}/sync-cron`, {
    method: 'POST',
    headers: { authorization: `Bearer ${cronSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scheduled_at: new Date().toISOString() }),
  })
  if (!response.ok) throw new Error(`tick failed: ${response.status} ${await response.text()}`)
  return await response.json()
}

async function workerStats(worker: Worker) {
  return await (await fetch(`${worker.url}/__bench/stats`)).json()
}

/** Ticks until the integrations' initial syncs are complete; the runs of every tick. */
async function syncInitial(worker: Worker, integrationIds: string[]) {
  const runs: RunSummary[] = []
  let ticks = 0
  for (;;) {
    ticks++
    runs.push(...(await tick(worker)).runs)
    const [left] = await sql`
      select count(*)::int as n from public.integration_sync_state
       where integration_id in ${sql(integrationIds)} and initial_sync_completed_at is null`
    if (left.n === 0) return { runs, ticks }
  }
}

const sum = (
  runs: RunSummary[],
  key: 'pages' | 'records_upserted' | 'records_deleted' | 'api_calls',
) => runs.reduce((total, run) => total + run[key], 0)

const worker = await startWorker()
try {
  // 1. Initial sync of 50,000 contacts through the function, tick after tick until complete
  // (the default CPU budget spreads it over ticks, as in production).
  const bigIntegration = await connectOrg('Bench 50k', initialContacts, 1)
  const idle = await workerStats(worker)
  const started = performance.now()
  const { runs, ticks } = await syncInitial(worker, [bigIntegration])
  const syncMs = performance.now() - started
  const usage = await workerStats(worker)
  const records = sum(runs, 'records_upserted') + sum(runs, 'records_deleted')
  const apiCalls = sum(runs, 'api_calls')
  const syncRate = records / (syncMs / 1000)
  const cpuMs = usage.cpu_user_ms + usage.cpu_system_ms
  emit({
    bench: 'initial_sync_via_function',
    records,
    wall_ms: Math.round(syncMs),
    records_per_s: Math.round(syncRate),
    ticks,
    runs: runs.length,
    pages: sum(runs, 'pages'),
    api_calls: apiCalls,
  })
  emit({
    bench: 'salesforce_api_calls_per_10k_records',
    api_calls_per_10k: round(apiCalls / (records / 10_000), 2),
    page_size: settings.pageSize,
  })
  emit({
    bench: 'sync_process',
    peak_rss_mb: mb(usage.peak_rss_bytes),
    peak_heap_used_mb: mb(usage.peak_heap_used_bytes),
    idle_rss_mb: mb(idle.rss_bytes),
    cpu_ms: Math.round(cpuMs),
    cpu_ms_per_1k_records: round(cpuMs / (records / 1_000), 2),
  })

  // The same sync again in a worker whose V8 heap is capped: what it needs, not what V8 keeps.
  await sql`delete from public.contacts where integration_id = ${bigIntegration}`
  await sql`update public.integration_sync_state
               set cursor = null, initial_sync_completed_at = null, read_in_progress = false,
                   next_sync_at = now()
             where integration_id = ${bigIntegration}`
  const capped = await startWorker({ DENO_V8_FLAGS: '--max-old-space-size=64' })
  try {
    const again = await syncInitial(capped, [bigIntegration])
    const cappedUsage = await workerStats(capped)
    emit({
      bench: 'sync_process_heap_capped_64mb',
      records: sum(again.runs, 'records_upserted') + sum(again.runs, 'records_deleted'),
      completed: true,
      peak_rss_mb: mb(cappedUsage.peak_rss_bytes),
      peak_heap_used_mb: mb(cappedUsage.peak_heap_used_bytes),
    })
  } finally {
    await capped.stop()
  }

  // The same rows, for the database-only comparisons.
  const rows = (await sql`
    select source_id, source_modstamp, deleted_at is not null as deleted, first_name, last_name,
           email, phone, company, title, source_metadata
      from public.contacts where integration_id = ${bigIntegration}`).map((row) => ({
    ...row,
    source_modstamp: (row.source_modstamp as Date).toISOString(),
  })) as unknown as ContactRow[]

  // 2a. The ceiling: one upsert statement per 2,000 rows, the engine's own statement.
  const ceilingTarget = {
    businessId: await createBusiness(sql, { name: 'Bench ceiling', ownerId }),
    integrationId: '',
    sourceType: 'salesforce',
  }
  ceilingTarget.integrationId = await createIntegration(sql, {
    businessId: ceilingTarget.businessId,
    createdBy: ownerId,
    name: 'ceiling',
  })
  const ceilingStarted = performance.now()
  for (let at = 0; at < rows.length; at += upsertChunk) {
    await asService((tx) => upsertContacts(tx, ceilingTarget, rows.slice(at, at + upsertChunk)))
  }
  const ceilingMs = performance.now() - ceilingStarted
  const ceilingRate = rows.length / (ceilingMs / 1000)
  emit({
    bench: 'upsert_ceiling_one_statement_per_2000',
    records: rows.length,
    wall_ms: Math.round(ceilingMs),
    records_per_s: Math.round(ceilingRate),
  })

  // 2b. The naive way: one insert per row, each its own statement, through the same client.
  const naiveBusiness = await createBusiness(sql, { name: 'Bench naive', ownerId })
  const naiveIntegration = await createIntegration(sql, {
    businessId: naiveBusiness,
    createdBy: ownerId,
    name: 'naive',
  })
  const client = getSql()
  const naiveStarted = performance.now()
  for (const row of rows) {
    await client`
      insert into public.contacts as c
        (business_id, integration_id, source_type, source_id, first_name, last_name, email, phone,
         company, title, source_metadata, source_modstamp, last_synced_at, sync_status, deleted_at)
      values (${naiveBusiness}, ${naiveIntegration}, 'salesforce', ${row.source_id},
              ${row.first_name}, ${row.last_name}, ${row.email}, ${row.phone}, ${row.company},
              ${row.title}, ${
      client.json(row.source_metadata as Parameters<typeof client.json>[0])
    },
              ${row.source_modstamp}, now(), ${row.deleted ? 'deleted' : 'synced'},
              ${row.deleted ? new Date() : null})
      on conflict (business_id, source_type, source_id) do update
         set first_name = excluded.first_name, last_name = excluded.last_name,
             email = excluded.email, phone = excluded.phone, company = excluded.company,
             title = excluded.title, source_metadata = excluded.source_metadata,
             source_modstamp = excluded.source_modstamp, last_synced_at = excluded.last_synced_at,
             sync_status = excluded.sync_status, deleted_at = excluded.deleted_at
       where c.source_modstamp is null or excluded.source_modstamp > c.source_modstamp`
  }
  const naiveMs = performance.now() - naiveStarted
  const naiveRate = rows.length / (naiveMs / 1000)
  emit({
    bench: 'insert_naive_one_statement_per_row',
    records: rows.length,
    wall_ms: Math.round(naiveMs),
    records_per_s: Math.round(naiveRate),
  })
  emit({
    bench: 'ratios',
    sync_over_ceiling: round(syncRate / ceilingRate, 3),
    sync_over_naive: round(syncRate / naiveRate, 2),
    ceiling_over_naive: round(ceilingRate / naiveRate, 2),
  })

  // 3. Ticks over 1,000 integrations with nothing new: one with the default budget (what a
  // tick covers within the CPU limit), and one with the limits lifted, covering all of them.
  await sql`update public.integration_sync_state set sync_enabled = false
             where integration_id in (${bigIntegration}, ${ceilingTarget.integrationId},
                                      ${naiveIntegration})`
  const idleIds: string[] = []
  await eachLimited(Array.from({ length: idleIntegrations }, (_, i) => i), 8, async (i) => {
    idleIds.push(await connectOrg(`Bench idle ${i}`, 3, 100 + i))
  })
  // The lease must outlive the budget (the sync's config refuses otherwise).
  const lifted = await startWorker({
    SYNC_BUDGET_SECONDS: '390',
    SYNC_LEASE_SECONDS: '600',
    SYNC_CPU_BUDGET_MS: '3600000',
  })
  try {
    await syncInitial(lifted, idleIds)
    const makeDue = () =>
      sql`update public.integration_sync_state set next_sync_at = now()
           where integration_id in ${sql(idleIds)}`
    for (
      const [label, target] of [['default_budget', worker], ['limits_lifted', lifted]] as const
    ) {
      await makeDue()
      await workerStats(target)
      const since = sandbox.control.lastRequestSeq()
      const tickStarted = performance.now()
      const idleTick = await tick(target)
      const tickMs = performance.now() - tickStarted
      const tickUsage = await workerStats(target)
      const tickCpu = tickUsage.cpu_user_ms + tickUsage.cpu_system_ms
      const tickCalls = sum(idleTick.runs, 'api_calls')
      const counted = sandbox.control.requests({ sinceSeq: since })
        .filter((request) => request.counted).length
      emit({
        bench: `cron_tick_idle_integrations_${label}`,
        integrations_due: idleIntegrations,
        synced_in_tick: idleTick.runs.length,
        succeeded: idleTick.runs.filter((run) => run.status === 'succeeded').length,
        records_written: sum(idleTick.runs, 'records_upserted'),
        wall_ms: Math.round(tickMs),
        ms_per_integration: round(tickMs / idleTick.runs.length, 2),
        api_calls: tickCalls,
        api_calls_counted_by_salesforce: counted,
        api_calls_per_integration: round(tickCalls / idleTick.runs.length, 2),
        cpu_ms: Math.round(tickCpu),
        cpu_ms_per_integration: round(tickCpu / idleTick.runs.length, 2),
        cpu_estimate_ms: idleTick.cpu_estimate_ms,
        concurrency: settings.concurrency,
      })
    }
  } finally {
    await lifted.stop()
  }
} finally {
  await worker.stop()
  await closeSql()
  await sql`delete from public.businesses where created_by = ${ownerId}`
  await sql`delete from auth.users where id = ${ownerId}`
  await sql.end()
  await sandbox.close()
}
