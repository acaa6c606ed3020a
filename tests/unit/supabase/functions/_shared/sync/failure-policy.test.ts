import assert from 'node:assert/strict'
import {
  decideAfterRun,
  failureDelayMinutes,
  type RunOutcome,
} from '../../../../../../supabase/functions/_shared/sync/failure-policy.ts'

const policy = { failureThreshold: 3, maxBackoffMinutes: 360, limitBackoffMinutes: 60 }
const healthy = { consecutiveFailures: 0, intervalMinutes: 15 }
const failing = { consecutiveFailures: 4, intervalMinutes: 15 }
const failed: RunOutcome = { kind: 'failed', code: 'salesforce_error', message: 'boom' }

Deno.test('failureDelayMinutes: the interval below the threshold, then doubling up to the cap', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 100].map((n) => failureDelayMinutes(n, 15, policy)),
    [15, 15, 30, 60, 120, 240, 360, 360, 360],
  )
})

Deno.test('decideAfterRun: a complete run succeeds, resets the streak, and waits the interval', () => {
  const decision = decideAfterRun({ kind: 'complete' }, healthy, policy)
  assert.deepEqual(decision, {
    runStatus: 'succeeded',
    errorCode: null,
    error: null,
    schedule: { consecutiveFailures: 0, nextSyncInSeconds: 900, success: true, readComplete: true },
    integration: null,
    objectError: null,
  })
})

Deno.test("decideAfterRun: an object's own failure backs the object off and alerts, never the integration", () => {
  const outcome = { kind: 'object_failed', code: 'field_missing', message: 'Gone__c' } as const
  const decision = decideAfterRun(outcome, { ...healthy, consecutiveFailures: 5 }, policy)
  assert.equal(decision.runStatus, 'failed')
  assert.equal(decision.integration, null, 'the integration is not turned to error')
  assert.deepEqual(decision.objectError, { code: 'field_missing', message: 'Gone__c', alert: true })
  assert.equal(decision.schedule?.consecutiveFailures, 6)
  assert.equal(decision.schedule?.nextSyncInSeconds, 240 * 60, 'backed off like any failure')
  // Any other failure is also kept on the object's row, without an object alert.
  assert.deepEqual(decideAfterRun(failed, healthy, policy).objectError, {
    code: 'salesforce_error',
    message: 'boom',
    alert: false,
  })
})

Deno.test('decideAfterRun: a run stopped by the budget is partial and due again at once', () => {
  const decision = decideAfterRun({ kind: 'budget' }, healthy, policy)
  assert.equal(decision.runStatus, 'partial')
  assert.deepEqual(decision.schedule, {
    consecutiveFailures: 0,
    nextSyncInSeconds: 0,
    success: true,
    readComplete: false,
  })
})

Deno.test('decideAfterRun: failures count up; the one reaching the threshold turns failing', () => {
  const second = decideAfterRun(failed, { ...healthy, consecutiveFailures: 1 }, policy)
  assert.deepEqual([second.runStatus, second.integration], ['failed', null])
  assert.equal(second.schedule?.nextSyncInSeconds, 900)
  const third = decideAfterRun(failed, { ...healthy, consecutiveFailures: 2 }, policy)
  assert.deepEqual(
    [third.integration, third.schedule?.consecutiveFailures, third.schedule?.nextSyncInSeconds],
    ['failing', 3, 1800],
  )
  assert.deepEqual([third.errorCode, third.error], ['salesforce_error', 'boom'])
})

Deno.test('decideAfterRun: the first success after a failing streak recovers the integration', () => {
  assert.equal(decideAfterRun({ kind: 'complete' }, failing, policy).integration, 'recovered')
  assert.equal(decideAfterRun({ kind: 'budget' }, failing, policy).integration, 'recovered')
  assert.equal(
    decideAfterRun({ kind: 'complete' }, { ...failing, consecutiveFailures: 2 }, policy)
      .integration,
    null,
    'a streak below the threshold never alerted, so nothing recovers',
  )
})

Deno.test('decideAfterRun: a spent API limit waits for the reset and keeps the streak', () => {
  const limited = decideAfterRun(
    { kind: 'limited', code: 'salesforce_limit_exceeded', message: 'limit' },
    failing,
    policy,
  )
  assert.deepEqual(
    [limited.runStatus, limited.integration, limited.schedule?.consecutiveFailures],
    ['partial', null, 4],
  )
  assert.equal(limited.schedule?.nextSyncInSeconds, 3600)
  const concurrent = decideAfterRun(
    { kind: 'limited', code: 'salesforce_limit_exceeded', message: 'x', resumeAfterMs: 30_000 },
    healthy,
    policy,
  )
  assert.equal(concurrent.schedule?.nextSyncInSeconds, 30)
})

Deno.test('decideAfterRun: reauth fails the run without counting it; a lost lease touches nothing', () => {
  const reauth = decideAfterRun(
    { kind: 'reauth', code: 'reauth_required', message: 'reconnect' },
    healthy,
    policy,
  )
  assert.deepEqual(
    [reauth.runStatus, reauth.errorCode, reauth.schedule?.consecutiveFailures, reauth.integration],
    ['failed', 'reauth_required', 0, null],
  )
  const lost = decideAfterRun({ kind: 'lease_lost' }, failing, policy)
  assert.deepEqual([lost.runStatus, lost.schedule, lost.integration], ['abandoned', null, null])
})
