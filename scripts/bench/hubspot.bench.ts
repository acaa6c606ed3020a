// Benchmark of the HubSpot contact sync, as JSON lines whose ratios are measured in this one run:
// an initial sync of BENCH_HUBSPOT_CONTACTS (default 50,000) contacts from the HubSpot sandbox
// through the sync-cron function (its app in a worker process of its own, called as pg_cron calls
// it, tick after tick); against the ceiling: the same pages (the JSON the sandbox answers the
// sync's searches with) upserted straight into Postgres by the same statement, only the
// statements timed; HubSpot API calls per 10,000 contacts; then the HubSpot requests one tick
// makes for an integration with nothing changed (an idle tick).
// The sandbox's clock is stopped (as in the scenario tests) and its portal's limits are out of
// reach, and the worker is unpaced: the figures are the sync's own cost. HubSpot's search limit
// bounds a real portal's initial sync instead (our pacing: HUBSPOT_SEARCHES_PER_SECOND searches
// of 200 a second), printed beside them.
// About a minute at the default size on a 2-core machine. Needs BENCH_DB_URL: a migrated database
// of its own (scripts/bench.sh makes one).
import { closeSql } from '../../supabase/functions/_shared/db/client.ts'
import { asService } from '../../supabase/functions/_shared/db/as-user.ts'
import { getConfig, resetConfig } from '../../supabase/functions/_shared/config.ts'
import { hubspotApi } from '../../supabase/functions/_shared/providers/hubspot/api.ts'
import { hubspotContacts } from '../../supabase/functions/_shared/providers/hubspot/contact-sync.ts'
import { readSearchPage } from '../../supabase/functions/_shared/providers/hubspot/crm-page.ts'
import {
  type ReadPosition,
  searchBody,
  searchPageSize,
  stepAfterPage,
} from '../../supabase/functions/_shared/providers/hubspot/crm-read.ts'
import type { RunSummary } from '../../supabase/functions/_shared/sync/engine.ts'
import { type RecordBatch, upsertContacts } from '../../supabase/functions/_shared/sync/upsert.ts'
import { withHubSpotSyncWorld } from '../../tests/helpers/hubspot-sync-world.ts'
import { createBusiness } from '../../tests/helpers/test-db.ts'
import { startSyncCronWorker, tickWorker, workerStats } from './support/sync-cron-worker.ts'

const sizeFlag = (name: string, fallback: number) => {
  const value = Number(Deno.env.get(name) ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}
const contacts = sizeFlag('BENCH_HUBSPOT_CONTACTS', 50_000)
// Production's search pacing (the bench's environment, before the world unpaces it).
const searchesPerSecond = getConfig('hubspot').HUBSPOT_SEARCHES_PER_SECOND
resetConfig()

const dbUrl = Deno.env.get('BENCH_DB_URL')
if (!dbUrl) throw new Error('BENCH_DB_URL is not set: run `npm run bench` (scripts/bench.sh)')
// The scenario tests' world makes the portal, the app and the integration: it reads its
// database from TEST_DB_URL.
Deno.env.set('TEST_DB_URL', dbUrl)

const emit = (line: Record<string, unknown>) => console.log(JSON.stringify(line))
const round = (value: number, digits = 1) => Number(value.toFixed(digits))
const sumOf = (runs: RunSummary[], key: 'pages' | 'records_upserted' | 'api_calls') =>
  runs.reduce((total, run) => total + run[key], 0)

/** Groups of the portal's modification times, a minute apart: a portal edited over weeks. */
const stampGroups = Math.min(2_000, contacts)
const stampSpacingMs = 60_000

await withHubSpotSyncWorld(async (world) => {
  const control = world.hubspot.control
  const generated = performance.now()
  const { portalId, integrationId } = await world.connect({ contacts, seed: 1 })
  // The seed imports every contact in one millisecond; a portal's contacts were edited over
  // time, and an idle tick's lookback window then holds a few of them, not all.
  const ids = control.listIds(portalId, 'contacts')
  const size = Math.ceil(ids.length / stampGroups)
  const first = control.now() - stampGroups * stampSpacingMs
  for (let g = 0; g < stampGroups; g++) {
    const chunk = ids.slice(g * size, (g + 1) * size)
    if (chunk.length > 0) {
      control.touchRecords(portalId, 'contacts', { ids: chunk, at: first + g * stampSpacingMs })
    }
  }
  emit({
    bench: 'hubspot_sandbox_portal_generated',
    contacts: ids.length,
    wall_ms: Math.round(performance.now() - generated),
  })

  // The ceiling, before the sync: the pages the sync's searches get, in the order it asks for
  // them (searchBody and stepAfterPage, as object-sync.ts does), each made into the batch the
  // worker commits (readSearchPage) and upserted by the statement the sync's checkpoint runs.
  // Only the statements are timed: no API, no parse. Into an integration of a business of its
  // own (disabled, so no tick syncs it).
  const ceilingBusiness = await createBusiness(world.sql, {
    name: 'HubSpot bench ceiling',
    ownerId: world.ownerId,
  })
  const [{ id: ceilingIntegration }] = await world.sql<{ id: string }[]>`
    insert into public.integrations (business_id, provider, name, created_by, status)
    values (${ceilingBusiness}, 'hubspot', 'ceiling', ${world.ownerId}, 'active')
    returning id`
  await world.sql`update public.integration_sync_state set sync_enabled = false
                   where integration_id = ${ceilingIntegration}`
  const target = {
    businessId: ceilingBusiness,
    integrationId: ceilingIntegration,
    sourceType: 'hubspot',
  }
  const api = hubspotApi(integrationId)
  let ceilingMs = 0
  let ceilingRecords = 0
  let ceilingPages = 0
  let position: ReadPosition | null = { kind: 'start' }
  while (position) {
    const response = await api.request<unknown>({
      method: 'POST',
      path: `/crm/v3/objects/contacts/search`,
      body: searchBody(hubspotContacts, position),
      search: true,
    })
    const page = readSearchPage(
      response.data,
      response.text,
      hubspotContacts.modifiedProperty,
      hubspotContacts.mapping,
    )
    const batch: RecordBatch = page.rows
    const at = performance.now()
    await asService((tx) => upsertContacts(tx, target, batch))
    ceilingMs += performance.now() - at
    ceilingRecords += batch.length
    ceilingPages++
    position = stepAfterPage(position, page.records, page.more).next
  }
  // Per contact stored, as the sync's rate is: the pages re-read each page's last millisecond, so
  // they hold more records than there are contacts (the same for the sync, which reads them too).
  const [{ stored }] = await world.sql<{ stored: number }[]>`
    select count(*)::int as stored from public.contacts
     where integration_id = ${ceilingIntegration}`
  const ceilingRate = stored / (ceilingMs / 1000)
  emit({
    bench: 'hubspot_upsert_ceiling_same_statement_same_pages',
    records: stored,
    records_in_pages: ceilingRecords,
    statements: ceilingPages,
    wall_ms: Math.round(ceilingMs),
    records_per_s: Math.round(ceilingRate),
  })

  // The initial sync through the function, tick after tick until complete.
  const cronSecret = crypto.randomUUID() + crypto.randomUUID()
  const worker = await startSyncCronWorker({
    ...world.env,
    SYNC_CRON_SECRET: cronSecret,
    LOG_LEVEL: 'error',
  })
  try {
    const since = control.lastRequestSeq()
    const runs: RunSummary[] = []
    let ticks = 0
    const started = performance.now()
    for (;;) {
      const summary = await tickWorker(worker, cronSecret)
      ticks++
      runs.push(...summary.runs)
      const [state] = await world.sql<{ done: boolean }[]>`
        select initial_sync_completed_at is not null as done
          from public.integration_sync_state where integration_id = ${integrationId}`
      if (state.done) break
      if (ticks > 10_000) throw new Error('the initial sync did not complete')
    }
    const syncMs = performance.now() - started
    const records = sumOf(runs, 'records_upserted')
    const apiCalls = sumOf(runs, 'api_calls')
    const counted = control.requests({ orgId: String(portalId), sinceSeq: since }).length
    const syncRate = records / (syncMs / 1000)
    emit({
      bench: 'hubspot_initial_sync_via_function',
      records,
      wall_ms: Math.round(syncMs),
      records_per_s: Math.round(syncRate),
      ticks,
      runs: runs.length,
      pages: sumOf(runs, 'pages'),
      api_calls: apiCalls,
      requests_seen_by_hubspot: counted,
    })
    emit({
      bench: 'hubspot_api_calls_per_10k_contacts',
      api_calls_per_10k: round(apiCalls / (records / 10_000), 2),
      page_size: searchPageSize,
      // What HubSpot's search limit allows at our production pacing, whatever Postgres does.
      paced_bound_records_per_s: searchesPerSecond * searchPageSize,
    })
    emit({
      bench: 'hubspot_ratios',
      sync_over_ceiling: round(syncRate / ceilingRate, 3),
    })

    // The idle tick: ten minutes later, nothing changed in the portal, the integration due.
    control.advanceClock(10 * 60_000)
    await world.sql`update public.integration_sync_state set next_sync_at = now()
                     where integration_id = ${integrationId}`
    const idleSince = control.lastRequestSeq()
    const idle = await tickWorker(worker, cronSecret)
    const requests = control.requests({ orgId: String(portalId), sinceSeq: idleSince })
    const byEndpoint: Record<string, number> = {}
    for (const request of requests) {
      byEndpoint[request.endpoint] = (byEndpoint[request.endpoint] ?? 0) + 1
    }
    emit({
      bench: 'hubspot_idle_tick',
      runs: idle.runs.length,
      records_upserted: sumOf(idle.runs, 'records_upserted'),
      requests: requests.length,
      requests_by_endpoint: byEndpoint,
    })
    await workerStats(worker)
  } finally {
    await worker.stop()
    await world.sql`update public.integration_sync_state set sync_enabled = false
                     where integration_id = ${integrationId}`
    await world.sql`delete from public.businesses where id = ${ceilingBusiness}`
    await closeSql()
  }
})
