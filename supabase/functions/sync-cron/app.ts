// The sync-cron function's routes: pg_cron's tick (sync secret) and "sync now" (user JWT).
import { z } from 'zod'
import { deliverDueAlerts } from '../_shared/alerts/deliver.ts'
import { createApp } from '../_shared/http/app.ts'
import { requireUser } from '../_shared/http/auth.ts'
import { rateLimit } from '../_shared/http/rate-limit.ts'
import { validate } from '../_shared/http/validate.ts'
import type { Logger } from '../_shared/log.ts'
import { requireCronSecret } from '../_shared/sync/cron-secret.ts'
import { keepAlive } from '../_shared/sync/keep-alive.ts'
import { runManualSync } from '../_shared/sync/manual-sync.ts'
import { syncSettings } from '../_shared/sync/settings.ts'
import { runSyncTick } from '../_shared/sync/tick.ts'
import { docs } from './openapi.ts'

export const app = createApp('sync-cron')

/** pg_cron's body (see the _sync_schedule migration); other keys are ignored. */
const tickBody = z.looseObject({ scheduled_at: z.string().max(64).optional() })
const integrationParams = z.object({ id: z.uuid() })

/** A tick: sync what is due, then send the alerts that are due (the alerts module's job). */
async function cronTick(log: Logger) {
  const sync = await runSyncTick(syncSettings(), log)
  try {
    return { ...sync, alerts: await deliverDueAlerts() }
  } catch (error) {
    // Alerts are retried by the next tick; a delivery problem must not hide the sync's result.
    log.error('alert delivery failed', { error })
    return { ...sync, alerts: { error: 'alert_delivery_failed' } }
  }
}

app.post('/', docs.tick, requireCronSecret(), validate('json', tickBody), async (c) => {
  return c.json(await keepAlive(cronTick(c.var.log)))
})

app.post(
  '/integrations/:id',
  docs.syncNow,
  requireUser(),
  rateLimit('sync-cron'),
  validate('param', integrationParams),
  async (c) => {
    const { id } = c.req.valid('param')
    const result = await keepAlive(runManualSync(c.var.claims, id, syncSettings(), c.var.log))
    return c.json(result)
  },
)
