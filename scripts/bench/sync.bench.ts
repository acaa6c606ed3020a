// Benchmarks of the scheduled sync, as JSON lines whose ratios are measured in this one run:
// an initial sync of BENCH_CONTACTS (default 1,000,000) contacts from the sandbox through the
// sync-cron function (its app in a worker process of its own, called as pg_cron calls it, tick
// after tick), with the CPU and memory of every tick; against (a) the ceiling: the same pages
// (the JSON the sandbox answers the sync's query with) upserted straight into Postgres by the
// same statement, only the statements timed, (b) the rows already mapped, one statement per
// 2,000 (the ceiling as measured before, on a sample) and (c) one insert per row through the same
// client (the naive way, on a sample); Salesforce API calls per 10,000 records; and a sweep of
// BENCH_IDLE_INTEGRATIONS (default 10,000) idle integrations, minute after simulated minute, with
// as many sync-cron invocations each minute as the pg_cron job would post (each a worker process
// of its own), until every one was checked.
// At the defaults this takes 15-25 minutes on a 2-core machine, most of it the sandbox making a
// million contacts and the two syncs of them. Smaller sizes: BENCH_CONTACTS=50000 npm run bench.
// Needs BENCH_DB_URL: a migrated database of its own (scripts/bench.sh makes one).
import {
  startSyncCronWorker,
  type SyncCronWorker,
  tickWorker,
  workerMemoryLimitMb,
  workerStats,
} from './support/sync-cron-worker.ts'
import { startSalesforceSandbox } from '../sandbox/salesforce/server.ts'
import {
  contactSyncSoql,
  readContactPage,
} from '../../supabase/functions/_shared/providers/salesforce/contact-sync-mapping.ts'
import { readStart } from '../../supabase/functions/_shared/providers/salesforce/sync-soql.ts'
import { asService } from '../../supabase/functions/_shared/db/as-user.ts'
import { closeSql, getSql } from '../../supabase/functions/_shared/db/client.ts'
import type { ContactRow } from '../../supabase/functions/_shared/sync/tables.ts'
import type { RunSummary } from '../../supabase/functions/_shared/sync/engine.ts'
import { syncSettings } from '../../supabase/functions/_shared/sync/settings.ts'
import { type RecordBatch, upsertContacts } from '../../supabase/functions/_shared/sync/upsert.ts'
import { createIntegration, storeConnection } from '../../tests/helpers/integrations.ts'
import { fixtureCallback, salesforceEnv } from '../../tests/helpers/salesforce-sandbox.ts'
import { loginAs } from '../../tests/helpers/sandbox-login.ts'
import { adminSql, createBusiness, createUser } from '../../tests/helpers/test-db.ts'

const sizeFlag = (name: string, fallback: number) => {
  const value = Number(Deno.env.get(name) ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}
const initialContacts = sizeFlag('BENCH_CONTACTS', 1_000_000)
const idleIntegrations = sizeFlag('BENCH_IDLE_INTEGRATIONS', 10_000)
/** Sandbox orgs behind the idle integrations (each logged in once; integrations share them). */
const idleOrgs = Math.min(100, idleIntegrations)
const naiveSample = Math.min(5_000, initialContacts)
/**
 * Records of the ceiling (BENCH_CEILING_CONTACTS, default 200,000): a rate per record, measured on
 * the first pages of the read. Reading every page once more through the sandbox would double the
 * bench's longest part at a million; and the sample's pages go into a smaller table than the
 * sync's later pages do, so if anything it overstates the ceiling (and understates the ratio).
 */
const ceilingSample = Math.min(sizeFlag('BENCH_CEILING_CONTACTS', 200_000), initialContacts)
/** Rows of the mapped-rows ceiling (a rate per record: a sample measures it). */
const mappedRowsSample = Math.min(100_000, initialContacts)
/** Which parts to run (BENCH_PARTS=sync or =sweep for one of them). */
const parts = new Set((Deno.env.get('BENCH_PARTS') ?? 'sync,sweep').split(','))
const upsertChunk = 2_000
/** The edge runtime's CPU limit per request. */
const cpuLimitMs = 2_000

const dbUrl = Deno.env.get('BENCH_DB_URL')
if (!dbUrl) throw new Error('BENCH_DB_URL is not set: run `npm run bench` (scripts/bench.sh)')

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line))
}

/**
 * The figures issue 15 asks of this bench, gathered from the lines above them and printed last,
 * each next to its target.
 */
const figures: Record<string, unknown> = {}

const round = (value: number, digits = 1) => Number(value.toFixed(digits))
const mb = (bytes: number) => round(bytes / 1024 / 1024)

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

interface ConnectedOrg {
  integrationId: string
  tokens: { access_token: string; instance_url: string }
}

/** An org of `contacts` seeded Contacts, and an integration connected to it. */
async function connectOrg(name: string, contacts: number, seed: number): Promise<ConnectedOrg> {
  const org = sandbox.control.createOrg({ name, contacts, seed, app: false })
  const integrationId = await createIntegration(sql, { businessId, createdBy: ownerId, name })
  const tokens = await loginAs(org.loginUrl, app, org.user.username)
  await storeConnection(sql, integrationId, tokens)
  return { integrationId, tokens }
}

/**
 * The pages of the initial sync's read as the sandbox answers them, each made into the batch the
 * worker commits (`readContactPage`, as the Salesforce source does): the same JSON for the same
 * statement. Read here, one page at a time, and never timed.
 */
async function* initialReadPages(org: ConnectedOrg): AsyncGenerator<RecordBatch> {
  const [{ api_version: version }] = await sql`
    select api_version from public.integrations where id = ${org.integrationId}`
  const q = encodeURIComponent(contactSyncSoql(readStart(null, 0, null)))
  let path = `/services/data/v${version}/queryAll?q=${q}`
  for (;;) {
    const response = await fetch(`${org.tokens.instance_url}${path}`, {
      headers: {
        authorization: `Bearer ${org.tokens.access_token}`,
        'Sforce-Query-Options': `batchSize=${settings.pageSize}`,
      },
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`sandbox query failed: ${response.status} ${text}`)
    const data = JSON.parse(text)
    yield readContactPage(data, text).rows
    if (data.done) return
    path = data.nextRecordsUrl
  }
}

/** A fresh integration (of its own business) for rows written by a measurement. */
async function measurementTarget(name: string) {
  const target = {
    businessId: await createBusiness(sql, { name: `Bench ${name}`, ownerId }),
    integrationId: '',
    sourceType: 'salesforce',
  }
  target.integrationId = await createIntegration(sql, {
    businessId: target.businessId,
    createdBy: ownerId,
    name,
  })
  return target
}

// The syncing process: the sync-cron app in a worker of its own, as the edge runtime runs it
// (support/sync-cron-worker.ts). Its heap is a hosted function's memory limit: the edge runtime
// makes each worker's V8 heap this size (`heap_limits(0, memory_limit)`, supabase/edge-runtime
// crates/base/src/runtime/mod.rs) and stops the worker when heap used plus external memory reach
// it. Plain Deno sizes its heap from the machine's memory (gigabytes here), and V8 then collects
// far more lazily: at 50,000 contacts the heap used peaked at 63 MB against 26 MB with this limit,
// the live heap after each full collection being about 19 MB in both.

/** Starts a function worker with `extraEnv` on top of the bench's environment. */
const startWorker = (extraEnv: Record<string, string> = {}) =>
  startSyncCronWorker({ ...env, ...extraEnv })

/** One tick, as pg_cron sends it. */
const tick = (worker: SyncCronWorker) => tickWorker(worker, cronSecret)

interface TickCost {
  cpu_ms: number
  peak_rss_bytes: number
  peak_heap_used_bytes: number
  peak_heap_and_external_bytes: number
  cpu_estimate_ms: number
}

/**
 * Ticks until the integrations' initial syncs are complete; the runs of every tick, and each
 * tick's CPU (the worker process's own, measured) and memory peaks.
 */
async function syncInitial(worker: SyncCronWorker, integrationIds: string[]) {
  const runs: RunSummary[] = []
  const ticks: TickCost[] = []
  await workerStats(worker)
  for (;;) {
    const summary = await tick(worker)
    const usage = await workerStats(worker)
    runs.push(...summary.runs)
    ticks.push({
      cpu_ms: usage.cpu_user_ms + usage.cpu_system_ms,
      peak_rss_bytes: usage.peak_rss_bytes,
      peak_heap_used_bytes: usage.peak_heap_used_bytes,
      peak_heap_and_external_bytes: usage.peak_heap_and_external_bytes,
      cpu_estimate_ms: summary.cpu_estimate_ms,
    })
    // Progress on stderr (stdout carries the results): where a long run spends its time, and
    // the heap of this process, which holds the sandbox's orgs.
    const stored = summary.runs.reduce((total, run) => total + run.records_upserted, 0)
    console.error(
      `tick ${ticks.length}: ${stored} records, ${Math.round(ticks.at(-1)!.cpu_ms)} ms CPU, ` +
        `bench heap ${mb(Deno.memoryUsage().heapUsed)} MB`,
    )
    const [left] = await sql`
      select count(*)::int as n from public.integration_sync_state
       where integration_id in ${sql(integrationIds)} and initial_sync_completed_at is null`
    if (left.n === 0) return { runs, ticks }
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const max = (values: number[]) => values.reduce((a, b) => Math.max(a, b), 0)

const sum = (
  runs: RunSummary[],
  key: 'pages' | 'records_upserted' | 'records_deleted' | 'api_calls',
) => runs.reduce((total, run) => total + run[key], 0)

const worker = await startWorker()
try {
  if (parts.has('sync')) await benchInitialSync()
  await worker.stop()
  // 3. The idle sweep: every integration due at once, nothing new in any org. Each simulated
  // minute posts as many sync-cron invocations as the pg_cron job would
  // (private.sync_cron_invocations()), each to a worker process of its own (an isolate with its
  // own CPU), all at once; minutes follow until every integration was checked once.
  if (parts.has('sweep')) await sweepIdle()
  emit({ bench: 'figures', ...figures })
} finally {
  await worker.stop().catch(() => {})
  await closeSql()
  await sql`delete from public.businesses where created_by = ${ownerId}`
  await sql`delete from auth.users where id = ${ownerId}`
  await sql.end()
  await sandbox.close()
}

async function benchInitialSync(): Promise<void> {
  // 1. Initial sync through the function, tick after tick until complete (the default CPU
  // budget spreads it over ticks, as in production).
  const generated = performance.now()
  const bigOrg = await connectOrg(`Bench ${initialContacts}`, initialContacts, 1)
  const bigIntegration = bigOrg.integrationId
  emit({
    bench: 'sandbox_org_generated',
    contacts: initialContacts,
    wall_ms: Math.round(performance.now() - generated),
  })

  // 0. The ceiling, before the sync (so the sync, not the ceiling, writes into a table already
  // holding the ceiling's rows): the first pages the sync will read, each upserted by the
  // statement the sync's checkpoint runs, with the same JSON. Only the statements are timed: no
  // API, no parse.
  const ceilingTarget = await measurementTarget('ceiling')
  let ceilingMs = 0
  let ceilingRecords = 0
  for await (const batch of initialReadPages(bigOrg)) {
    const at = performance.now()
    await asService((tx) => upsertContacts(tx, ceilingTarget, batch))
    ceilingMs += performance.now() - at
    ceilingRecords += batch.length
    if (ceilingRecords >= ceilingSample) break
  }
  const ceilingRate = ceilingRecords / (ceilingMs / 1000)
  emit({
    bench: 'upsert_ceiling_same_statement_same_pages',
    records: ceilingRecords,
    statements: Math.ceil(ceilingRecords / settings.pageSize),
    wall_ms: Math.round(ceilingMs),
    records_per_s: Math.round(ceilingRate),
  })
  const idle = await workerStats(worker)
  const started = performance.now()
  const { runs, ticks } = await syncInitial(worker, [bigIntegration])
  const syncMs = performance.now() - started
  const records = sum(runs, 'records_upserted') + sum(runs, 'records_deleted')
  const apiCalls = sum(runs, 'api_calls')
  const syncRate = records / (syncMs / 1000)
  const cpuMs = ticks.reduce((total, cost) => total + cost.cpu_ms, 0)
  const tickCpu = ticks.map((cost) => cost.cpu_ms)
  emit({
    bench: 'initial_sync_via_function',
    records,
    wall_ms: Math.round(syncMs),
    records_per_s: Math.round(syncRate),
    ticks: ticks.length,
    runs: runs.length,
    pages: sum(runs, 'pages'),
    api_calls: apiCalls,
  })
  emit({
    bench: 'initial_sync_cpu_per_tick',
    ticks: ticks.length,
    cpu_ms_max: Math.round(max(tickCpu)),
    cpu_ms_median: Math.round(median(tickCpu)),
    ticks_over_2000_ms: tickCpu.filter((ms) => ms > cpuLimitMs).length,
    tick_estimate_ms_max: max(ticks.map((cost) => cost.cpu_estimate_ms)),
    budget_ms: settings.cpu.budgetMs,
  })
  emit({
    bench: 'salesforce_api_calls_per_10k_records',
    api_calls_per_10k: round(apiCalls / (records / 10_000), 2),
    page_size: settings.pageSize,
  })
  emit({
    bench: 'sync_process',
    records,
    peak_rss_mb: mb(max(ticks.map((cost) => cost.peak_rss_bytes))),
    peak_heap_used_mb: mb(max(ticks.map((cost) => cost.peak_heap_used_bytes))),
    peak_heap_and_external_mb: mb(max(ticks.map((cost) => cost.peak_heap_and_external_bytes))),
    memory_limit_mb: workerMemoryLimitMb,
    idle_rss_mb: mb(idle.rss_bytes),
    cpu_ms: Math.round(cpuMs),
    cpu_ms_per_1k_records: round(cpuMs / (records / 1_000), 2),
  })

  // 2a. The ceiling as measured before: rows already mapped (ContactRow JSON made here, and
  // timed with the statement), one statement per 2,000, on a sample of the synced rows.
  const mappedTarget = await measurementTarget('mapped rows')
  const rowsOf = (chunk: Record<string, unknown>[]) =>
    chunk.map((row) => ({
      ...row,
      source_modstamp: (row.source_modstamp as Date).toISOString(),
    })) as unknown as ContactRow[]
  const naiveRows: ContactRow[] = []
  let mappedMs = 0
  let mappedRecords = 0
  const cursor = sql`
    select source_id, source_modstamp, deleted_at is not null as deleted, first_name, last_name,
           email, phone, company, title, source_metadata
      from public.contacts where integration_id = ${bigIntegration}
     limit ${mappedRowsSample}`.cursor(upsertChunk)
  for await (const chunk of cursor) {
    const rows = rowsOf(chunk)
    if (naiveRows.length < naiveSample) {
      naiveRows.push(...rows.slice(0, naiveSample - naiveRows.length))
    }
    const at = performance.now()
    await asService((tx) => upsertContacts(tx, mappedTarget, rows))
    mappedMs += performance.now() - at
    mappedRecords += rows.length
  }
  const mappedRate = mappedRecords / (mappedMs / 1000)
  emit({
    bench: 'upsert_mapped_rows_one_statement_per_2000',
    records: mappedRecords,
    wall_ms: Math.round(mappedMs),
    records_per_s: Math.round(mappedRate),
  })

  // 2b. The naive way, on a sample: one insert per row, each its own statement.
  const naiveTarget = await measurementTarget('naive')
  const naiveBusiness = naiveTarget.businessId
  const naiveIntegration = naiveTarget.integrationId
  const client = getSql()
  const naiveStarted = performance.now()
  for (const row of naiveRows) {
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
  const naiveRate = naiveRows.length / (naiveMs / 1000)
  emit({
    bench: 'insert_naive_one_statement_per_row',
    records: naiveRows.length,
    wall_ms: Math.round(naiveMs),
    records_per_s: Math.round(naiveRate),
  })
  emit({
    bench: 'ratios',
    sync_over_ceiling: round(syncRate / ceilingRate, 3),
    sync_over_mapped_rows_ceiling: round(syncRate / mappedRate, 3),
    sync_over_naive: round(syncRate / naiveRate, 2),
    ceiling_over_naive: round(ceilingRate / naiveRate, 2),
  })
  const peakHeapMb = mb(max(ticks.map((cost) => cost.peak_heap_used_bytes)))
  const peakRssMb = mb(max(ticks.map((cost) => cost.peak_rss_bytes)))
  Object.assign(figures, {
    initial_sync_contacts: records,
    initial_sync_ticks: ticks.length,
    tick_cpu_ms_max: Math.round(max(tickCpu)),
    tick_cpu_ms_median: Math.round(median(tickCpu)),
    ticks_over_2000_ms_cpu: tickCpu.filter((ms) => ms > cpuLimitMs).length,
    target_no_tick_over_2000_ms: tickCpu.every((ms) => ms <= cpuLimitMs),
    worker_peak_heap_mb: peakHeapMb,
    target_heap_under_64_mb: peakHeapMb < 64,
    worker_peak_rss_mb: peakRssMb,
    target_rss_under_256_mb: peakRssMb < workerMemoryLimitMb,
    sync_records_per_s: Math.round(syncRate),
    ceiling_records_per_s: Math.round(ceilingRate),
    sync_over_ceiling: round(syncRate / ceilingRate, 3),
    target_sync_over_ceiling_at_least_0_6: syncRate / ceilingRate >= 0.6,
  })
  await sql`update public.integration_sync_state set sync_enabled = false
             where integration_id in (${bigIntegration}, ${ceilingTarget.integrationId},
                                      ${mappedTarget.integrationId}, ${naiveIntegration})`
  await sql`delete from public.contacts
             where integration_id in (${bigIntegration}, ${ceilingTarget.integrationId},
                                      ${mappedTarget.integrationId}, ${naiveIntegration})`
}

/** Idle integrations, already synced (cursor at their org's last record), spread over orgs. */
async function createIdleIntegrations(): Promise<string[]> {
  const orgs: { tokens: Record<string, unknown>; cursor: { modstamp: string; id: string } }[] = []
  for (let i = 0; i < idleOrgs; i++) {
    const org = sandbox.control.createOrg({
      name: `Bench idle ${i}`,
      contacts: 3,
      seed: 100 + i,
      app: false,
    })
    const tokens = await loginAs(org.loginUrl, app, org.user.username)
    const last = sandbox.control.listIds(org.orgId, 'Contact', { includeDeleted: true })
      .map((id) => {
        const stamp = String(sandbox.control.getRecord(org.orgId, 'Contact', id)!.SystemModstamp)
        return { modstamp: new Date(stamp.replace(/(\d{2})(\d{2})$/, '$1:$2')).toISOString(), id }
      })
      .sort((a, b) => a.modstamp.localeCompare(b.modstamp) || (a.id < b.id ? -1 : 1))
      .at(-1)!
    orgs.push({
      tokens: {
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        instance_url: tokens.instance_url,
        issued_at: Number(tokens.issued_at),
      },
      cursor: last,
    })
  }
  // The integrations in bulk, as the callback leaves them, then synced up to their org's end
  // (what their initial sync would have done; the sweep measures the idle checks after it).
  const businessId = await createBusiness(sql, { name: 'Bench idle', ownerId })
  const ids = (await sql<{ id: string }[]>`
    insert into public.integrations (business_id, provider, name, environment, created_by,
                                     status, instance_url, connected_at)
    select ${businessId}, 'salesforce', 'Bench idle ' || n, 'production', ${ownerId}, 'active',
           ${orgs[0].tokens.instance_url as string}, now()
      from generate_series(1, ${idleIntegrations}) as n
    returning id`).map((row) => row.id)
  for (let at = 0; at < ids.length; at += 1_000) {
    const slice = ids.slice(at, at + 1_000)
    const tokens = slice.map((_, i) => JSON.stringify(orgs[(at + i) % orgs.length].tokens))
    const cursors = slice.map((_, i) => JSON.stringify(orgs[(at + i) % orgs.length].cursor))
    await sql`
      select private.save_integration_tokens(t.id, t.tokens::jsonb)
        from unnest(${slice}::uuid[], ${tokens}::text[]) as t(id, tokens)`
    await sql`
      update public.integration_sync_state s
         set cursor = c.cursor::jsonb, initial_sync_completed_at = now(), last_success_at = now()
        from unnest(${slice}::uuid[], ${cursors}::text[]) as c(id, cursor)
       where s.integration_id = c.id`
  }
  return ids
}

async function sweepIdle(): Promise<void> {
  const setupStarted = performance.now()
  const ids = await createIdleIntegrations()
  const [{ max_invocations: maxInvocations, runs_per_invocation: perInvocation }] = await sql`
    select max_invocations, runs_per_invocation from private.sync_cron_settings`
  emit({
    bench: 'idle_integrations_created',
    integrations: ids.length,
    orgs: idleOrgs,
    wall_ms: Math.round(performance.now() - setupStarted),
  })
  const workers = await Promise.all(
    Array.from({ length: maxInvocations as number }, () => startWorker()),
  )
  try {
    await sql`update public.integration_sync_state set next_sync_at = now()
               where integration_id in (select id from public.integrations
                                         where name like 'Bench idle %')`
    const sweepStart = new Date()
    const since = sandbox.control.lastRequestSeq()
    const invocationsPerMinute: number[] = []
    const tickCpu: number[] = []
    const runs: RunSummary[] = []
    let minutes = 0
    for (;;) {
      // Checked: a run of it started since the sweep began (a claim given back unworked is not).
      const [{ unchecked }] = await sql`
        select count(*)::int as unchecked from public.integrations i
         where i.name like 'Bench idle %'
           and not exists (select 1 from public.sync_runs r
                            where r.integration_id = i.id and r.started_at >= ${sweepStart})`
      if (unchecked === 0 || minutes >= 60) break
      minutes++
      const [{ n }] = await sql`select private.sync_cron_invocations() as n`
      invocationsPerMinute.push(n)
      // All at once, as pg_net posts them. On the platform each is an isolate with a CPU of its
      // own; here they share two cores (and Postgres), so their wall-clock budget may bind before
      // their CPU does, and the minutes counted are an upper bound of what they would take there.
      const used = workers.slice(0, n)
      await Promise.all(used.map((target) => workerStats(target)))
      const summaries = await Promise.all(used.map((target) => tick(target)))
      const usage = await Promise.all(used.map((target) => workerStats(target)))
      for (const summary of summaries) runs.push(...summary.runs)
      tickCpu.push(...usage.map((u) => u.cpu_user_ms + u.cpu_system_ms))
    }
    const counted = sandbox.control.requests({ sinceSeq: since })
      .filter((request) => request.counted).length
    const checked = new Set(runs.map((run) => run.integration_id)).size
    emit({
      bench: 'idle_sweep',
      integrations: ids.length,
      checked,
      minutes_until_all_checked: minutes,
      within_15_minutes: minutes <= 15 && checked === ids.length,
      invocations_per_minute: invocationsPerMinute,
      runs_per_invocation_setting: perInvocation,
      runs: runs.length,
      succeeded: runs.filter((run) => run.status === 'succeeded').length,
      api_calls_per_integration: round(sum(runs, 'api_calls') / runs.length, 2),
      api_calls_counted_by_salesforce: counted,
      tick_cpu_ms_max: Math.round(max(tickCpu)),
      tick_cpu_ms_median: Math.round(median(tickCpu)),
      ticks_over_2000_ms: tickCpu.filter((ms) => ms > cpuLimitMs).length,
      cpu_ms_per_run: round(tickCpu.reduce((a, b) => a + b, 0) / runs.length, 2),
    })
    Object.assign(figures, {
      idle_integrations: ids.length,
      idle_checked: checked,
      idle_minutes_of_ticks_until_all_checked: minutes,
      target_all_checked_within_15_minutes: minutes <= 15 && checked === ids.length,
      idle_invocations_per_tick: invocationsPerMinute,
      idle_api_calls_per_integration: round(sum(runs, 'api_calls') / runs.length, 2),
    })
  } finally {
    await Promise.all(workers.map((target) => target.stop()))
  }
}
