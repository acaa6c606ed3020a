// The HubSpot contact sync against the HubSpot sandbox and a real database, scenario by
// scenario, compared with the sandbox's truth after each: zero missing, extra, duplicated or
// stale rows. Seeded sandboxes, a stopped sandbox clock: every run is the same.
import assert from 'node:assert/strict'
import {
  compareWithHubSpot,
  withHubSpotSyncWorld,
} from '../../../../../helpers/hubspot-sync-world.ts'
import type { HubSpotSyncWorld } from '../../../../../helpers/hubspot-sync-world.ts'
import { assertExact } from '../../../../../helpers/sync-truth.ts'
import {
  syncOnce,
  syncState,
  syncUntilComplete,
  testSyncSettings,
} from '../../../../../helpers/sync-world.ts'

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
