// The page fetched ahead: a run fetches page N+1 while page N commits, one page ahead and never
// more. Its failures reach the run only after page N is stored (an expired locator restarts
// from page N's cursor, nothing is stored twice or out of order), and a run that ends before
// using it (the budget, a lost lease) stops it without an unhandled rejection.
import assert from 'node:assert/strict'
import type { RunningSandbox } from '../../../../../../scripts/sandbox/salesforce/server.ts'
import { assertMatchesSandbox } from '../../../../../helpers/sync-truth.ts'
import {
  syncOnce,
  syncRuns,
  syncState,
  type SyncWorld,
  testSyncSettings,
  withSyncWorld,
} from '../../../../../helpers/sync-world.ts'

/** queryMore paths (`.../query/<locator>-<offset>`); queryAll's path says `queryAll`. */
const queryMorePath = '/query/'

/** Polls `done` every 10 ms; throws after `limitMs` (the wait is bounded, not measured). */
async function waitUntil(
  done: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 10_000,
): Promise<void> {
  const until = Date.now() + limitMs
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

function queryCalls(sandbox: RunningSandbox, orgId: string, sinceSeq: number) {
  return sandbox.control.requests({ orgId, sinceSeq })
    .filter((call) => call.endpoint === 'queryAll' || call.endpoint === 'queryMore')
}

/**
 * Runs `body` while every write to public.contacts waits: the run's page checkpoints block in
 * their upsert (after taking the lease row) until `body` returns.
 */
async function withContactsLocked(world: SyncWorld, body: () => Promise<void>): Promise<void> {
  let locked!: () => void
  const lockTaken = new Promise<void>((resolve) => locked = resolve)
  let release!: () => void
  const released = new Promise<void>((resolve) => release = resolve)
  const holding = world.sql.begin(async (tx) => {
    await tx`lock table public.contacts in share mode`
    locked()
    await released
  })
  await lockTaken
  try {
    await body()
  } finally {
    release()
    await holding
  }
}

/** The org's Contact ids in the sync's order: (SystemModstamp, Id). */
function idsInReadOrder(world: SyncWorld, orgId: string): string[] {
  const control = world.sandbox.control
  return control.listIds(orgId, 'Contact', { includeDeleted: true })
    .map((id) => ({ id, stamp: String(control.getRecord(orgId, 'Contact', id)!.SystemModstamp) }))
    .sort((a, b) => a.stamp.localeCompare(b.stamp) || (a.id < b.id ? -1 : 1))
    .map((record) => record.id)
}

Deno.test('prefetch: the next page is fetched while the page before it commits, one page ahead only', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 3_000, seed: 81 })
    const since = world.sandbox.control.lastRequestSeq()
    let running!: ReturnType<typeof syncOnce>
    await withContactsLocked(world, async () => {
      running = syncOnce(integrationId, testSyncSettings({ pageSize: 500 }))
      // Page 1 cannot commit while the lock is held; page 2 is fetched all the same.
      await waitUntil(
        () => queryCalls(world.sandbox, orgId, since).some((call) => call.endpoint === 'queryMore'),
        'the page after the first, fetched while the first commits',
      )
      await new Promise((resolve) => setTimeout(resolve, 300))
      const calls = queryCalls(world.sandbox, orgId, since)
      assert.deepEqual(
        calls.map((call) => call.endpoint),
        ['queryAll', 'queryMore'],
        'one page ahead, never more',
      )
      assert.equal((await syncRuns(world.sql, integrationId))[0]?.pages ?? 0, 0, 'none stored yet')
    })
    const run = await running
    assert.equal(run.status, 'succeeded')
    assert.equal(run.pages, 6)
    assert.equal(run.records_upserted, 3_000, 'every record stored once')
    const served = queryCalls(world.sandbox, orgId, since)
    assert.equal(served.length, 6, 'each page fetched once')
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})

Deno.test('prefetch: a locator that expires under the page fetched ahead restarts after the page that committed', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 3_000, seed: 82 })
    const control = world.sandbox.control
    const since = control.lastRequestSeq()
    // The fetch ahead is slow enough to expire its locator while it waits to be answered.
    control.addLatency({ ms: 300, path: queryMorePath, orgId, count: 1 })
    let running!: ReturnType<typeof syncOnce>
    await withContactsLocked(world, async () => {
      running = syncOnce(integrationId, testSyncSettings({ pageSize: 500 }))
      await waitUntil(
        () => queryCalls(world.sandbox, orgId, since).length === 1,
        'the first page',
      )
      assert.ok(control.expireQueryLocators(orgId) >= 1)
      await waitUntil(
        () => queryCalls(world.sandbox, orgId, since).some((call) => call.status === 400),
        'the page ahead to fail with INVALID_QUERY_LOCATOR',
      )
    })
    const run = await running
    assert.equal(run.status, 'succeeded')
    assert.equal(run.pages, 6, 'six pages of 500 stored, none twice')
    assert.equal(run.records_upserted, 3_000)
    const reads = queryCalls(world.sandbox, orgId, since)
      .filter((call) => call.endpoint === 'queryAll')
      .map((call) => new URL(call.path, 'http://x').searchParams.get('q')!)
    assert.equal(reads.length, 2)
    // The new read starts after page 1's last record: committed by the time the restart ran.
    const lastOfPageOne = idsInReadOrder(world, orgId)[499]
    assert.ok(reads[1].includes(`AND Id > '${lastOfPageOne}'`), reads[1])
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})

Deno.test('prefetch: a page ahead cut by the end of the budget while the page before commits ends the run partial, that page stored', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 3_000, seed: 83 })
    const control = world.sandbox.control
    control.injectFault({ kind: 'hang', path: queryMorePath, orgId, count: 1 })
    const since = control.lastRequestSeq()
    let running!: ReturnType<typeof syncOnce>
    await withContactsLocked(world, async () => {
      running = syncOnce(integrationId, testSyncSettings({ pageSize: 500, budgetMs: 1_000 }))
      // The budget's signal ends the hung fetch ahead while page 1 still waits to commit.
      await waitUntil(
        () => queryCalls(world.sandbox, orgId, since).some((call) => call.fault === 'hang'),
        'the fetch ahead to be given up at the end of the budget',
      )
    })
    const run = await running
    assert.equal(run.status, 'partial')
    assert.equal(run.pages, 1, 'the page that was committing is stored')
    assert.equal(run.records_upserted, 500)
    const state = await syncState(world.sql, integrationId)
    assert.equal(state.lease_owner, null, 'the lease is given back')
    assert.equal(state.cursor?.id, idsInReadOrder(world, orgId)[499])
  })
})

Deno.test('prefetch: a run that loses its lease while a page ahead is in flight stops that fetch before it ends', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 3_000, seed: 84 })
    const control = world.sandbox.control
    control.addLatency({ ms: 300, path: '/queryAll', orgId, count: 1 })
    control.injectFault({ kind: 'hang', path: queryMorePath, orgId, count: 1 })
    const since = control.lastRequestSeq()
    // Neither the request timeout nor the budget would end the hung fetch for a while.
    const settings = testSyncSettings({ pageSize: 500, requestTimeoutMs: 30_000 })
    const running = syncOnce(integrationId, settings)
    await waitUntil(
      async () => (await syncState(world.sql, integrationId)).lease_owner !== null,
      'the claim',
    )
    await world.sql`update public.integration_sync_state set lease_owner = 'someone else'
                     where integration_id = ${integrationId}`
    const run = await running
    assert.equal(run.status, 'abandoned')
    assert.equal(run.pages, 0)
    // The hung fetch ahead was given up by the run itself: the sandbox logs a hung request once
    // its client has gone.
    await waitUntil(
      () => queryCalls(world.sandbox, orgId, since).some((call) => call.fault === 'hang'),
      'the sandbox to see the fetch ahead given up',
      2_000,
    )
    assert.equal(
      (await world.sql`select count(*)::int as n from public.contacts
                        where integration_id = ${integrationId}`)[0].n,
      0,
    )
  })
})
