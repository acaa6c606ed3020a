// A token refresh during a sync that the token endpoint fails to answer (a 503, a dropped
// connection, an answer cut short) is retried like a page, within the budget: the run goes on.
// A run whose retries are spent fails without marking the integration for reauthorization;
// only a dead grant (invalid_grant) does that.
import assert from 'node:assert/strict'
import { tokenCalls } from '../../../../../helpers/salesforce-sandbox.ts'
import { assertMatchesSandbox } from '../../../../../helpers/sync-truth.ts'
import {
  syncOnce,
  syncState,
  testSyncSettings,
  withSyncWorld,
} from '../../../../../helpers/sync-world.ts'

const tokenPath = '^/services/oauth2/token$'

for (const kind of ['503', 'drop', 'truncate', '500'] as const) {
  Deno.test(`token refresh: a ${kind} from the token endpoint is retried and the run goes on`, async () => {
    await withSyncWorld(async (world) => {
      const { orgId, integrationId } = await world.connect({ contacts: 600, seed: 95 })
      const control = world.sandbox.control
      control.expireAccessTokens(orgId)
      control.injectFault({ kind, count: 2, path: tokenPath })
      const since = control.lastRequestSeq()
      const run = await syncOnce(integrationId, testSyncSettings())
      assert.equal(run.status, 'succeeded', JSON.stringify(run))
      assert.equal(
        tokenCalls(world.sandbox, since),
        3,
        'two failed refreshes, then one that worked',
      )
      const state = await syncState(world.sql, integrationId)
      assert.deepEqual([state.status, state.paused_reason, state.consecutive_failures], [
        'active',
        null,
        0,
      ])
      await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
    })
  })
}

Deno.test('token refresh: a token endpoint that keeps failing fails the run, without reauth_required', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 300, seed: 96 })
    const control = world.sandbox.control
    control.expireAccessTokens(orgId)
    control.injectFault({ kind: '503', rate: 1, path: tokenPath })
    const since = control.lastRequestSeq()
    const settings = testSyncSettings({ retry: { attempts: 3, baseMs: 10, maxMs: 20 } })
    const run = await syncOnce(integrationId, settings)
    assert.equal(run.status, 'failed')
    assert.equal(tokenCalls(world.sandbox, since), 3, 'every attempt refreshed once')
    const state = await syncState(world.sql, integrationId)
    assert.deepEqual([state.status, state.paused_reason, state.consecutive_failures], [
      'active',
      null,
      1,
    ])
    // The endpoint answers again: the next run refreshes and syncs.
    control.clearFaults()
    assert.equal((await syncOnce(integrationId, settings)).status, 'succeeded')
    await assertMatchesSandbox(world.sql, world.sandbox, orgId, integrationId)
  })
})

Deno.test('token refresh: a dead grant (invalid_grant) is not retried and ends in reauth_required', async () => {
  await withSyncWorld(async (world) => {
    const { orgId, integrationId } = await world.connect({ contacts: 300, seed: 97 })
    const control = world.sandbox.control
    control.expireAccessTokens(orgId)
    control.revokeRefreshTokens(orgId)
    const since = control.lastRequestSeq()
    const run = await syncOnce(integrationId, testSyncSettings())
    assert.deepEqual([run.status, run.error_code], ['failed', 'reauth_required'])
    assert.equal(tokenCalls(world.sandbox, since), 1, 'a dead grant is asked once')
    const state = await syncState(world.sql, integrationId)
    assert.deepEqual([state.paused_reason, state.last_error_code], [
      'reauth_required',
      'reauth_required',
    ])
  })
})
