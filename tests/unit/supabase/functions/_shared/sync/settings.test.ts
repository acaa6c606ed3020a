import assert from 'node:assert/strict'
import { ConfigError } from '../../../../../../supabase/functions/_shared/config.ts'
import { syncSettings } from '../../../../../../supabase/functions/_shared/sync/settings.ts'
import { setEnv } from '../../../../../helpers/env.ts'

Deno.test('syncSettings: defaults in the units the engine uses', () => {
  const restore = setEnv({
    SYNC_BUDGET_SECONDS: undefined,
    SYNC_LEASE_SECONDS: undefined,
    SYNC_CPU_MS_PER_1K_RECORDS: undefined,
    SYNC_RETRY_BASE_MS: undefined,
  })
  try {
    const settings = syncSettings()
    assert.equal(settings.budgetMs, 50_000)
    assert.equal(settings.leaseSeconds, 120)
    assert.equal(settings.cpu.perRecordMs, 0.05)
    assert.deepEqual(settings.retry, { attempts: 6, baseMs: 500, maxMs: 30_000 })
  } finally {
    restore()
  }
})

Deno.test('syncSettings: a lease that would not outlast a run is refused, naming both variables', () => {
  const restore = setEnv({ SYNC_BUDGET_SECONDS: '120', SYNC_LEASE_SECONDS: '120' })
  try {
    assert.throws(
      () => syncSettings(),
      (error) =>
        error instanceof ConfigError &&
        /SYNC_LEASE_SECONDS.*SYNC_BUDGET_SECONDS/.test(error.message),
    )
  } finally {
    restore()
  }
})
