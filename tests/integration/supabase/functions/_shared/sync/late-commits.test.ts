// The read invariant, path by path: after a read completes, every record stamped before (the
// time its first query was answered - the lookback) is stored. Each test commits a record late
// (stamp 25 s before the bulk update being read, well inside the 300 s lookback) while a read is
// in progress, then lets the read end far past that stamp, so a lookback measured from the
// cursor would miss it: a multi-run catch-up one page per run, a limit backoff mid-read, an
// expired query locator, and a killed process.
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { assertMatchesSandbox } from '../../../../../helpers/sync-truth.ts'
import {
  syncOnce,
  syncRuns,
  syncState,
  syncUntilComplete,
  type SyncWorld,
  testSyncSettings,
  withSyncWorld,
} from '../../../../../helpers/sync-world.ts'
import type { SyncSettings } from '../../../../../../supabase/functions/_shared/sync/settings.ts'

const worker = fileURLToPath(new URL('../../../../../helpers/sync-worker.ts', import.meta.url))

/** Runs of one page each: the CPU estimate of a page leaves too little for a second. */
const onePagePerRun = testSyncSettings({
  pageSize: 500,
  cpu: { budgetMs: 7.5, perRecordMs: 0.01, perRunMs: 0 },
})

/** The sandbox's datetime (`...000+0000`) as epoch ms. */
const stampMs = (value: unknown) => Date.parse(String(value).replace(/(\d{2})(\d{2})$/, '$1:$2'))

interface CatchUp {
  orgId: string
  integrationId: string
  /** The bulk update's stamp, shared by 3,000 contacts. */
  bulkStamp: number
}

/** An org synced once, then a mass update: 3,000 contacts get one SystemModstamp T. */
async function massUpdated(world: SyncWorld, seed: number): Promise<CatchUp> {
  const { orgId, integrationId } = await world.connect({ contacts: 3_200, seed })
  assert.equal((await syncOnce(integrationId, testSyncSettings())).status, 'succeeded')
  const control = world.sandbox.control
  control.advanceClock(60_000)
  const bulk = control.touchRecords(orgId, 'Contact', { count: 3_000, changes: { Title: 'Mass' } })
  return { orgId, integrationId, bulkStamp: stampMs(bulk.systemModstamp) }
}

/**
 * While the read is in progress: a record commits with a stamp 25 s before T; then ten minutes
 * pass and a few more records change, so the read ends at T + 10 min, far past T - 25 s + 300 s.
 */
function commitLateThenMoveOn(world: SyncWorld, catchUp: CatchUp): string {
  const control = world.sandbox.control
  const [late] = control.insertRecords(catchUp.orgId, 'Contact', [{ LastName: 'Late commit' }], {
    systemModstamp: catchUp.bulkStamp - 25_000,
  })
  control.advanceClock(10 * 60_000)
  const recent = control.listIds(catchUp.orgId, 'Contact').filter((id) => id !== late).slice(-5)
  control.updateRecords(catchUp.orgId, 'Contact', recent.map((Id) => ({ Id, Title: 'Later' })))
  return late
}

/** The first query of each read since `since`: its SOQL. */
function readStarts(world: SyncWorld, orgId: string, since: number): string[] {
  return world.sandbox.control.requests({ orgId, sinceSeq: since, endpoint: 'queryAll' })
    .map((call) => new URL(call.path, 'http://x').searchParams.get('q')!)
    .filter((soql) => soql.includes('SystemModstamp'))
}

/** After the catch-up: one more run, which must read the late record, and the truth. */
async function assertLateRecordStored(
  world: SyncWorld,
  catchUp: CatchUp,
  late: string,
  settings: SyncSettings = testSyncSettings(),
): Promise<void> {
  const { orgId, integrationId } = catchUp
  const state = await syncState(world.sql, integrationId)
  assert.ok(
    Date.parse(state.cursor!.modstamp) - 300_000 > catchUp.bulkStamp - 25_000,
    'the catch-up ended far enough past T that a lookback from the cursor misses the record',
  )
  const stored = await world.sql`select 1 from public.contacts where source_id = ${late}`
  assert.equal(stored.length, 0, 'the read in progress could not see the record (behind it)')
  const since = world.sandbox.control.lastRequestSeq()
  assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
  const [start] = readStarts(world, orgId, since)
  const from = Date.parse(/SystemModstamp >= (\S+)/.exec(start)![1])
  assert.ok(from <= catchUp.bulkStamp - 25_000, `the next read starts before the record: ${start}`)
  const [row] = await world.sql`
    select deleted_at from public.contacts where source_id = ${late}`
  assert.ok(row, 'the late record is stored')
  await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
}

Deno.test('late commits: a catch-up read one page per run over 3,000 contacts sharing a stamp', async () => {
  await withSyncWorld(async (world) => {
    const catchUp = await massUpdated(world, 81)
    const first = await syncOnce(catchUp.integrationId, onePagePerRun)
    assert.deepEqual([first.status, first.pages], ['partial', 1])
    const late = commitLateThenMoveOn(world, catchUp)
    const runs = await syncUntilComplete(catchUp.integrationId, onePagePerRun)
    assert.ok(runs.length >= 5, `${runs.length} runs of one page`)
    await assertLateRecordStored(world, catchUp, late)
  })
})

Deno.test('late commits: a read stopped by REQUEST_LIMIT_EXCEEDED and resumed after the backoff', async () => {
  await withSyncWorld(async (world) => {
    const catchUp = await massUpdated(world, 82)
    const control = world.sandbox.control
    assert.equal((await syncOnce(catchUp.integrationId, onePagePerRun)).status, 'partial')
    control.injectFault({ kind: 'request-limit', count: 1, orgId: catchUp.orgId })
    const limited = await syncOnce(catchUp.integrationId, onePagePerRun)
    assert.deepEqual([limited.status, limited.error_code], ['partial', 'salesforce_limit_exceeded'])
    // The hour of backoff: a record commits late, time passes, records change.
    const late = commitLateThenMoveOn(world, catchUp)
    control.advanceClock(60 * 60_000)
    await syncUntilComplete(catchUp.integrationId, testSyncSettings({ pageSize: 500 }))
    await assertLateRecordStored(world, catchUp, late)
  })
})

Deno.test('late commits: a query locator that expires mid-read restarts without losing the window', async () => {
  await withSyncWorld(async (world) => {
    const catchUp = await massUpdated(world, 83)
    const control = world.sandbox.control
    control.addLatency({ ms: 150, path: '/query/', orgId: catchUp.orgId })
    const since = control.lastRequestSeq()
    const running = syncOnce(catchUp.integrationId, testSyncSettings({ pageSize: 500 }))
    while (
      control.requests({ orgId: catchUp.orgId, endpoint: 'queryMore', sinceSeq: since }).length < 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const late = commitLateThenMoveOn(world, catchUp)
    assert.ok(control.expireQueryLocators(catchUp.orgId) >= 1)
    const run = await running
    assert.equal(run.status, 'succeeded')
    control.clearLatency()
    const restarts = readStarts(world, catchUp.orgId, since)
    assert.equal(restarts.length, 2, 'the read restarted once, after the expired locator')
    assert.match(restarts[1], /SystemModstamp = \S+ AND Id > '003/)
    await assertLateRecordStored(world, catchUp, late)
  })
})

Deno.test('late commits: a process killed mid-read, resumed by the next run', async () => {
  await withSyncWorld(async (world) => {
    const catchUp = await massUpdated(world, 84)
    const control = world.sandbox.control
    control.addLatency({ ms: 2_000, path: '/query/', orgId: catchUp.orgId })
    const settings = testSyncSettings({ pageSize: 500, leaseSeconds: 2 })
    const before = (await syncState(world.sql, catchUp.integrationId)).cursor
    const child = new Deno.Command(Deno.execPath(), {
      args: ['run', '-A', '--no-prompt', worker, catchUp.integrationId, JSON.stringify(settings)],
      env: world.env,
      stdout: 'null',
      stderr: 'null',
    }).spawn()
    try {
      // Page 1 committed (the cursor moved): the worker now waits 2 s for page 2.
      while (
        JSON.stringify((await syncState(world.sql, catchUp.integrationId)).cursor) ===
          JSON.stringify(before)
      ) {
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    } finally {
      child.kill('SIGKILL')
      await child.status
    }
    const late = commitLateThenMoveOn(world, catchUp)
    control.clearLatency()
    while ((await syncState(world.sql, catchUp.integrationId)).lease_expires_at! > new Date()) {
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    await syncUntilComplete(catchUp.integrationId, onePagePerRun)
    const runs = await syncRuns(world.sql, catchUp.integrationId)
    assert.ok(runs.some((run) => run.status === 'abandoned'), 'the killed run was abandoned')
    await assertLateRecordStored(world, catchUp, late)
  })
})
