// The HubSpot contact sync against the HubSpot sandbox and a real database, scenario by
// scenario, compared with the sandbox's truth after each: zero missing, extra, duplicated or
// stale rows. Seeded sandboxes, a stopped sandbox clock: every run is the same.
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import {
  compareWithHubSpot,
  withHubSpotSyncWorld,
} from '../../../../../helpers/hubspot-sync-world.ts'
import type { HubSpotSyncWorld } from '../../../../../helpers/hubspot-sync-world.ts'
import { assertExact } from '../../../../../helpers/sync-truth.ts'
import {
  syncOnce,
  syncRuns,
  syncState,
  syncUntilComplete,
  testSyncSettings,
  waitFor,
} from '../../../../../helpers/sync-world.ts'

const worker = fileURLToPath(new URL('../../../../../helpers/sync-worker.ts', import.meta.url))

const settings = (overrides = {}) => testSyncSettings({ requestTimeoutMs: 15_000, ...overrides })

async function assertExactly(world: HubSpotSyncWorld, portalId: number, integrationId: string) {
  return assertExact(await compareWithHubSpot(world, portalId, integrationId), 'hubspot contacts')
}

/** Spreads the portal's contacts over `groups` modification times, ties included. */
function spreadStamps(world: HubSpotSyncWorld, portalId: number, groups: number, startMs: number) {
  const control = world.hubspot.control
  const ids = control.listIds(portalId, 'contacts')
  const size = Math.ceil(ids.length / groups)
  for (let g = 0; g < groups; g++) {
    const chunk = ids.slice(g * size, (g + 1) * size)
    if (chunk.length > 0) {
      control.touchRecords(portalId, 'contacts', { ids: chunk, at: startMs + g * 7 })
    }
  }
}

Deno.test('hubspot sync: an initial sync of 10,000 contacts stores every one exactly', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await world.connect({ contacts: 10_000, seed: 7 })
    const control = world.hubspot.control
    spreadStamps(world, portalId, 400, control.now() - 3_600_000)
    const since = control.lastRequestSeq()
    const run = await syncOnce(integrationId, settings())
    assert.equal(run.status, 'succeeded', JSON.stringify([run, world.logs.entries().slice(-3)]))
    const report = await assertExactly(world, portalId, integrationId)
    assert.equal(report.records, 10_000)
    const calls = control.requests({ orgId: String(portalId), sinceSeq: since })
    const searches = calls.filter((call) => call.endpoint === 'crm.search')
    assert.ok(calls.every((call) => call.status < 400), 'no call was refused')
    // 200 per page, a few re-read at page edges: about 50 searches, never an offset page.
    assert.ok(searches.length >= 50 && searches.length <= 60, `${searches.length} searches`)
    const state = await syncState(world.sql, integrationId)
    assert.ok(state.initial_sync_completed_at, 'the initial sync is marked complete')
    assert.equal(state.lease_owner, null)
  })
})

/** A connected portal whose initial sync is done, its clock a minute later. */
async function syncedPortal(
  world: HubSpotSyncWorld,
  options: Parameters<HubSpotSyncWorld['connect']>[0],
) {
  const portal = await world.connect(options)
  assert.equal((await syncOnce(portal.integrationId, settings())).status, 'succeeded')
  world.hubspot.control.advanceClock(60_000)
  return portal
}

Deno.test('hubspot sync: random edits, creates, archives and restores land exactly', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await syncedPortal(world, { contacts: 1_500, seed: 11 })
    const control = world.hubspot.control
    let seed = 11
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    // About n of the contacts live now.
    const pick = (n: number) => {
      const ids = control.listIds(portalId, 'contacts')
      return ids.filter(() => random() < n / ids.length)
    }
    for (let round = 0; round < 5; round++) {
      control.updateRecords(
        portalId,
        'contacts',
        pick(40).map((id, i) => ({
          id,
          properties: { jobtitle: `Title ${round}.${i}`, phone: random() < 0.5 ? null : `+1 ${i}` },
        })),
      )
      control.advanceClock(1 + Math.floor(random() * 5))
      control.archiveRecords(portalId, 'contacts', pick(10))
      control.createRecords(portalId, 'contacts', [
        { email: `new.${round}@example.test`, firstname: 'Nové', lastname: `O'Brien ${round}` },
      ])
      control.advanceClock(3)
    }
    const archived = control.listIds(portalId, 'contacts', { archived: true })
    control.restoreRecords(portalId, 'contacts', archived.slice(0, 5))
    control.advanceClock(60_000)
    const run = await syncOnce(integrationId, settings())
    assert.equal(run.status, 'succeeded', JSON.stringify(run))
    const report = await assertExactly(world, portalId, integrationId)
    assert.ok(report.purged >= archived.length - 5, 'archived contacts are soft-deleted rows')
  })
})

Deno.test('hubspot sync: more than 10,000 contacts changed in one window are all read', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await syncedPortal(world, { contacts: 12_000, seed: 12 })
    const control = world.hubspot.control
    // 12,000 changes within one second, 100 to a millisecond: one search of the window would
    // stop at its 10,000th result.
    const ids = control.listIds(portalId, 'contacts')
    const base = control.now()
    for (let g = 0; g < 120; g++) {
      control.touchRecords(portalId, 'contacts', {
        ids: ids.slice(g * 100, (g + 1) * 100),
        at: base + g * 8,
        properties: { jobtitle: `Wave ${g}` },
      })
    }
    control.advanceClock(60_000)
    const since = control.lastRequestSeq()
    const run = await syncOnce(integrationId, settings())
    assert.equal(run.status, 'succeeded', JSON.stringify(run))
    const calls = control.requests({ orgId: String(portalId), sinceSeq: since })
    assert.ok(calls.every((call) => call.status < 400), 'no search hit the 10,000 cap')
    await assertExactly(world, portalId, integrationId)
  })
})

Deno.test('hubspot sync: 10,001 contacts sharing one modified millisecond are drained by id', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await syncedPortal(world, { contacts: 10_300, seed: 13 })
    const control = world.hubspot.control
    const touched = control.touchRecords(portalId, 'contacts', {
      count: 10_001,
      properties: { jobtitle: 'Bulk import' },
    })
    assert.equal(touched.ids.length, 10_001)
    control.advanceClock(60_000)
    const since = control.lastRequestSeq()
    const runs = await syncUntilComplete(integrationId, settings(), 3)
    assert.equal(runs.length, 1, 'one run reads it all: no loop at the millisecond')
    const searches = control.requests({ orgId: String(portalId), sinceSeq: since })
      .filter((call) => call.endpoint === 'crm.search')
    // 51 pages of the millisecond, the lookback's way in, and the rest after it.
    assert.ok(searches.length <= 60, `${searches.length} searches`)
    await assertExactly(world, portalId, integrationId)
  })
})

Deno.test('hubspot sync: a change search shows late is read by the next run (lookback)', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await syncedPortal(world, { contacts: 500, seed: 14 })
    const control = world.hubspot.control
    control.updatePortal(portalId, { searchLagMs: 5_000 })
    const ids = control.listIds(portalId, 'contacts').slice(0, 50)
    control.updateRecords(
      portalId,
      'contacts',
      ids.map((id) => ({ id, properties: { jobtitle: 'Lagging' } })),
    )
    control.advanceClock(1_000)
    // This read begins after the change is stamped but before search shows it.
    assert.equal((await syncOnce(integrationId, settings())).status, 'succeeded')
    const report = await compareWithHubSpot(world, portalId, integrationId)
    assert.equal(report.stale.length, 50, 'search did not show the change yet')
    control.advanceClock(5_000)
    assert.equal((await syncOnce(integrationId, settings())).status, 'succeeded')
    await assertExactly(world, portalId, integrationId)
  })
})

Deno.test('hubspot sync: 429 bursts (10-second and per-second limits) are waited out', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await world.connect({ contacts: 3_000, seed: 15 })
    const control = world.hubspot.control
    spreadStamps(world, portalId, 40, control.now() - 60_000)
    control.injectFault({ kind: '429', count: 2, path: 'search' })
    control.injectFault({ kind: '429-secondly', count: 2, path: 'search' })
    const since = control.lastRequestSeq()
    const run = await syncOnce(integrationId, settings())
    assert.equal(run.status, 'succeeded', JSON.stringify(run))
    const refused = control.requests({ orgId: String(portalId), sinceSeq: since })
      .filter((call) => call.status === 429)
    assert.equal(refused.length, 4)
    await assertExactly(world, portalId, integrationId)
  })
})

Deno.test('hubspot sync: the daily limit stops the run as limited, not failed', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { integrationId } = await world.connect({ contacts: 300, seed: 16 })
    world.hubspot.control.injectFault({ kind: '429-daily', count: 1, path: 'search' })
    const run = await syncOnce(integrationId, settings())
    assert.equal(run.error_code, 'hubspot_limit_exceeded')
    const state = await syncState(world.sql, integrationId)
    assert.equal(state.consecutive_failures, 0, 'a spent allowance is not a failure')
  })
})

Deno.test('hubspot sync: an access token that expires mid-sync is refreshed and the run goes on', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await world.connect({ contacts: 2_000, seed: 17 })
    const control = world.hubspot.control
    spreadStamps(world, portalId, 30, control.now() - 60_000)
    // The token dies (30 minutes pass) when the third search goes out.
    const realFetch = globalThis.fetch
    let searches = 0
    globalThis.fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input)
      if (url.endsWith('/search') && ++searches === 3) control.expireAccessTokens(portalId)
      return realFetch(input, init)
    }
    const since = control.lastRequestSeq()
    try {
      const run = await syncOnce(integrationId, settings())
      assert.equal(run.status, 'succeeded', JSON.stringify(run))
    } finally {
      globalThis.fetch = realFetch
    }
    const calls = control.requests({ sinceSeq: since })
    assert.equal(calls.filter((call) => call.status === 401).length, 1)
    assert.equal(calls.filter((call) => call.endpoint === 'oauth.token').length, 1)
    await assertExactly(world, portalId, integrationId)
  })
})

Deno.test('hubspot sync: a token about to expire is refreshed before the first call (proactive)', async () => {
  await withHubSpotSyncWorld(async (world) => {
    // Stored 60 s before expiry: inside the 15-minute refresh margin.
    const { portalId, integrationId } = await world.connect({
      contacts: 300,
      seed: 18,
      tokenExpiresInMs: 60_000,
    })
    const since = world.hubspot.control.lastRequestSeq()
    assert.equal((await syncOnce(integrationId, settings())).status, 'succeeded')
    const calls = world.hubspot.control.requests({ sinceSeq: since })
    assert.equal(calls[0].endpoint, 'oauth.token', 'the refresh comes first')
    assert.ok(calls.every((call) => call.status !== 401), 'HubSpot never refused the token')
    await assertExactly(world, portalId, integrationId)
  })
})

Deno.test('hubspot sync: a process killed mid-page loses nothing; the next run resumes', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await world.connect({ contacts: 3_000, seed: 19 })
    const control = world.hubspot.control
    spreadStamps(world, portalId, 60, control.now() - 60_000)
    const settings2 = settings({ leaseSeconds: 2 })
    // Every search takes 1.5 s to arrive: once the first page is stored, the second is in
    // flight for at least that long, and the kill 300 ms later lands while it is.
    control.addLatency({ ms: 1_500, path: 'search', orgId: String(portalId) })
    const child = new Deno.Command(Deno.execPath(), {
      args: ['run', '-A', '--no-prompt', worker, integrationId, JSON.stringify(settings2)],
      env: world.env,
      stdout: 'null',
      stderr: 'null',
    }).spawn()
    try {
      await waitFor(
        async () => (await syncState(world.sql, integrationId)).cursor !== null,
        'a first page',
      )
      await new Promise((resolve) => setTimeout(resolve, 300))
    } finally {
      child.kill('SIGKILL')
      await child.status
    }
    const [dead] = await syncRuns(world.sql, integrationId)
    assert.deepEqual([dead.status, dead.pages], ['running', 1], 'the dead run kept page 1')
    control.clearLatency()
    await waitFor(
      async () => (await syncState(world.sql, integrationId)).lease_expires_at! <= new Date(),
      'the lease to expire',
    )
    const resumed = await syncOnce(integrationId, settings2)
    assert.equal(resumed.status, 'succeeded', JSON.stringify(resumed))
    const runs = await syncRuns(world.sql, integrationId)
    assert.deepEqual(runs.map((run) => run.status), ['abandoned', 'succeeded'])
    const written = runs.reduce(
      (sum, run) => sum + (run.records_upserted as number) + (run.records_deleted as number),
      0,
    )
    assert.equal(written, 3_000, 'every record written once, across the two runs')
    await assertExactly(world, portalId, integrationId)
  })
})

Deno.test('hubspot sync: two runs at once: one reads, the other finds the lease taken', async () => {
  await withHubSpotSyncWorld(async (world) => {
    const { portalId, integrationId } = await world.connect({ contacts: 2_000, seed: 20 })
    spreadStamps(world, portalId, 20, world.hubspot.control.now() - 60_000)
    // Each page takes 200 ms: the first run is still reading when the second asks.
    world.hubspot.control.addLatency({ ms: 200, path: 'search', orgId: String(portalId) })
    const outcomes = await Promise.allSettled([
      syncOnce(integrationId, settings()),
      syncOnce(integrationId, settings()),
    ])
    const ran = outcomes.filter((outcome) => outcome.status === 'fulfilled')
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected')
    assert.equal(ran.length, 1, 'exactly one run got the lease')
    assert.match(String((refused[0] as PromiseRejectedResult).reason), /could not be claimed/)
    await assertExactly(world, portalId, integrationId)
  })
})

Deno.test('hubspot sync: merged-away and GDPR-deleted contacts are deleted by the daily id reconciliation', async () => {
  await withHubSpotSyncWorld(async (world) => {
    // 8,700 companies first: the contacts' ids run from 9701 to 10500, across a digit, where
    // text order and HubSpot's (numeric) id order part.
    const { portalId, integrationId } = await syncedPortal(world, {
      companies: 8_700,
      contacts: 800,
      seed: 21,
    })
    const control = world.hubspot.control
    const ids = control.listIds(portalId, 'contacts')
    control.mergeRecords(portalId, 'contacts', ids[0], ids[1])
    control.mergeRecords(portalId, 'contacts', ids[2], ids[3])
    control.gdprDelete(portalId, [ids[10], ids[11]])
    control.advanceClock(60_000)
    assert.equal((await syncOnce(integrationId, settings())).status, 'succeeded')
    // The survivors are read; what no listing names is still live here until reconciliation.
    const before = await compareWithHubSpot(world, portalId, integrationId)
    assert.deepEqual(before.extra.sort(), [ids[1], ids[3], ids[10], ids[11]].sort())
    assert.deepEqual([before.missing, before.stale], [[], []])
    // The next day's first run reconciles every id.
    control.advanceClock(24 * 3_600_000)
    const since = control.lastRequestSeq()
    const run = await syncOnce(integrationId, settings())
    assert.equal(run.status, 'succeeded', JSON.stringify(run))
    assert.equal(run.records_deleted, 4)
    const report = await assertExactly(world, portalId, integrationId)
    assert.equal(report.purged, 4)
    // A scan is keyset pages of 200 ids and one batch read of the candidates (held rows the
    // pages lack, compared in HubSpot's numeric id order).
    const calls = control.requests({ orgId: String(portalId), sinceSeq: since })
    assert.equal(calls.filter((call) => call.endpoint === 'crm.batch.read').length, 1)
    // And the day after that: the reconciliation does not repeat within the day.
    control.advanceClock(60_000)
    const quiet = control.lastRequestSeq()
    assert.equal((await syncOnce(integrationId, settings())).status, 'succeeded')
    const idle = control.requests({ orgId: String(portalId), sinceSeq: quiet })
    assert.ok(idle.every((call) => call.endpoint !== 'crm.batch.read'), 'no second scan')
  })
})
