// What Salesforce and the network do to a run: a session expiring mid-pagination, bursts of
// 5xx, hangs, dropped and truncated connections and a 429 with Retry-After, and the org's API
// limit running out. The data ends exact every time; a limit stops the run without a retry.
import assert from 'node:assert/strict'
import { asService } from '../../../../../../supabase/functions/_shared/db/as-user.ts'
import {
  claimDueSyncs,
  newLeaseOwner,
} from '../../../../../../supabase/functions/_shared/sync/leases.ts'
import { tokenCalls } from '../../../../../helpers/salesforce-sandbox.ts'
import { assertMatchesSandbox } from '../../../../../helpers/sync-truth.ts'
import {
  syncOnce,
  syncRuns,
  syncState,
  type SyncWorld,
  testSyncSettings,
  withSyncWorld,
} from '../../../../../helpers/sync-world.ts'

/**
 * Starts a run of 500-record pages, slowed so it is caught mid-read, and returns once two
 * queryMore calls have gone out: a fault injected then lands in the middle of the pagination.
 */
async function syncPastSecondPage(world: SyncWorld, orgId: string, integrationId: string) {
  const control = world.sandbox.control
  control.addLatency({ ms: 100, path: '/query', orgId })
  const since = control.lastRequestSeq()
  const running = syncOnce(integrationId, testSyncSettings({ pageSize: 500 }))
  while (control.requests({ orgId, endpoint: 'queryMore', sinceSeq: since }).length < 2) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return { since, running }
}

Deno.test('sync: a session that expires mid-pagination is refreshed once and the run goes on', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 3_000, seed: 31 })
    const control = world.sandbox.control
    const { since, running } = await syncPastSecondPage(world, orgId, integrationId)
    assert.ok(control.expireAccessTokens(orgId) >= 1)
    const run = await running
    assert.equal(run.status, 'succeeded')
    assert.equal(tokenCalls(world.sandbox, since), 1, 'one refresh')
    const calls = control.requests({ orgId, sinceSeq: since })
    assert.equal(calls.filter((call) => call.status === 401).length, 1)
    const served = calls.filter((call) => call.endpoint === 'queryMore' && call.status === 200)
    assert.equal(new Set(served.map((call) => call.path)).size, 5, 'each page served once')
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})

Deno.test('sync: bursts of 5xx, hangs, dropped and cut connections and a 429 are retried within the budget', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 4_000, seed: 32 })
    const control = world.sandbox.control
    const path = '/query'
    control.injectFault({ kind: '500', count: 2, path, orgId })
    control.injectFault({ kind: '503', rate: 0.15, seed: 3, path, orgId })
    control.injectFault({ kind: 'drop', rate: 0.15, seed: 4, path, orgId })
    control.injectFault({ kind: 'truncate', rate: 0.15, seed: 5, path, orgId })
    control.injectFault({ kind: '500', rate: 0.1, seed: 6, path, orgId })
    control.injectFault({ kind: 'hang', count: 1, path: '/query/', orgId })
    control.injectFault({ kind: '429', count: 1, path: '/query/', orgId, retryAfterSeconds: 1 })
    const run = await syncOnce(
      integrationId,
      testSyncSettings({ pageSize: 500, retry: { attempts: 10, baseMs: 20, maxMs: 200 } }),
    )
    assert.equal(
      run.status,
      'succeeded',
      JSON.stringify(control.requests({ orgId }).map((c) => [c.endpoint, c.status, c.fault])),
    )
    assert.equal(run.records_upserted + run.records_deleted, 4_000, 'each record written once')
    const fired = control.listFaults().reduce((sum, fault) => sum + fault.fired, 0)
    assert.ok(fired >= 3, `rate faults fired ${fired} times`)
    assert.equal(control.listFaults().filter((fault) => fault.count !== undefined).length, 0)
    const retries = world.logs.entries().filter((entry) => entry.msg === 'sync page retry')
    assert.ok(retries.length >= 7, `${retries.length} retries`)
    assert.ok(
      retries.some((entry) => (entry.wait_ms as number) >= 1_000),
      'the 429 waited for its Retry-After',
    )
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})

Deno.test('sync: REQUEST_LIMIT_EXCEEDED stops the run at once and reschedules it after the reset', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 3_000, seed: 33 })
    const control = world.sandbox.control
    control.updateOrg(orgId, { apiLimit: 1_000, apiUsed: 997 })
    const since = control.lastRequestSeq()
    const settings = testSyncSettings({ pageSize: 500 })
    const stopped = await syncOnce(integrationId, settings)
    assert.equal(stopped.status, 'partial')
    assert.equal(stopped.error_code, 'salesforce_limit_exceeded')
    assert.equal(stopped.pages, 3)
    const refused = control.requests({ orgId, sinceSeq: since }).filter((call) =>
      call.status === 403
    )
    assert.equal(refused.length, 1, 'the limit is not retried')
    const state = await syncState(world.sql, integrationId)
    const waitMinutes = (state.next_sync_at.getTime() - Date.now()) / 60_000
    assert.ok(waitMinutes > 59 && waitMinutes <= 60, `next try in ${waitMinutes} minutes`)
    assert.equal(state.consecutive_failures, 0, 'a spent allowance is not a failure')
    assert.equal(state.status, 'active')
    const due = await asService((tx) => claimDueSyncs(tx, newLeaseOwner('test'), 100, 60))
    assert.ok(!due.some((claim) => claim.integrationId === integrationId), 'not due before then')

    control.updateOrg(orgId, { apiLimit: 100_000 })
    const resumed = await syncOnce(integrationId, settings)
    assert.equal(resumed.status, 'succeeded')
    const runs = await syncRuns(world.sql, integrationId)
    const written = runs.reduce(
      (sum, run) => sum + (run.records_upserted as number) + (run.records_deleted as number),
      0,
    )
    assert.equal(written, 3_000, 'the resumed run starts exactly where the limit stopped it')
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})

Deno.test('sync: a query locator that expires mid-read is replaced by a new read from the last record', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 3_000, seed: 34 })
    const control = world.sandbox.control
    const { since, running } = await syncPastSecondPage(world, orgId, integrationId)
    assert.ok(control.expireQueryLocators(orgId) >= 1)
    const run = await running
    assert.equal(run.status, 'succeeded')
    assert.equal(run.records_upserted + run.records_deleted, 3_000, 'nothing read twice or lost')
    const calls = control.requests({ orgId, sinceSeq: since })
    assert.equal(calls.filter((call) => call.status === 400).length, 1, 'INVALID_QUERY_LOCATOR')
    const reads = calls.filter((call) => call.endpoint === 'queryAll')
      .map((call) => new URL(call.path, 'http://x').searchParams.get('q')!)
    assert.equal(reads.length, 2)
    assert.match(reads[1], /SystemModstamp = \S+ AND Id > '003/)
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})
