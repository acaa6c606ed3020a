// deliverDueAlerts against a real database (TEST_DB_URL) and a local receiver: events become
// signed POSTs, failures are retried with backoff, concurrent callers never send one twice, and
// no secret or signature reaches a log line.
import assert from 'node:assert/strict'
import { deliverDueAlerts } from '../../../../../../supabase/functions/_shared/alerts/deliver.ts'
import { verifySignature } from '../../../../../../supabase/functions/_shared/alerts/sign.ts'
import { closeSql } from '../../../../../../supabase/functions/_shared/db/client.ts'
import { setEnv } from '../../../../../helpers/env.ts'
import { createIntegration } from '../../../../../helpers/integrations.ts'
import { captureLogs } from '../../../../../helpers/logs.ts'
import {
  type AdminSql,
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from '../../../../../helpers/test-db.ts'
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../../../../helpers/webhook-receiver.ts'

interface World {
  sql: AdminSql
  receiver: WebhookReceiver
  businessId: string
  otherBusinessId: string
  integrationId: string
  otherIntegrationId: string
  /** Adds a webhook (with its secret in Vault) pointing at `receiver.url + path`. */
  addWebhook(
    path: string,
    options?: { enabled?: boolean; businessId?: string },
  ): Promise<{ id: string; secret: string }>
  /** Records a lifecycle event as the service does; the trigger queues its alerts. */
  recordEvent(type: string, options?: { integrationId?: string }): Promise<void>
  /** Makes every pending delivery of the world's businesses due now (instead of sleeping). */
  makeDue(): Promise<void>
  deliveries(): Promise<DeliveryRow[]>
  /** Every secret this world created, to look for in logs. */
  secrets: string[]
}

interface DeliveryRow {
  id: string
  webhook_id: string
  status: string
  attempts: number
  next_attempt_at: Date
  last_status_code: number | null
  last_error: string | null
  delivered_at: Date | null
  payload: Record<string, unknown>
  attempt_log: Array<
    { attempt: number; status_code: number | null; error: string | null; at: string }
  >
  due_in_seconds: number
}

async function withWorld(
  run: (world: World) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const restoreEnv = setEnv({
    SUPABASE_DB_URL: dbUrl,
    ALERTS_ALLOW_INSECURE_URLS: 'true',
    ALERTS_MAX_ATTEMPTS: undefined,
    ALERTS_RETRY_BASE_SECONDS: undefined,
    ...env,
  })
  const logs = captureLogs()
  const receiver = startWebhookReceiver()
  const tag = crypto.randomUUID().slice(0, 8)
  const userId = await createUser(sql, `alerts-${tag}@example.test`)
  const businessIds: string[] = []
  const secrets: string[] = []
  try {
    const businessId = await createBusiness(sql, { name: `Alerted ${tag}`, ownerId: userId })
    const otherBusinessId = await createBusiness(sql, { name: `Other ${tag}`, ownerId: userId })
    businessIds.push(businessId, otherBusinessId)
    const integrationId = await createIntegration(sql, { businessId, createdBy: userId })
    const otherIntegrationId = await createIntegration(sql, {
      businessId: otherBusinessId,
      createdBy: userId,
    })
    await run({
      sql,
      receiver,
      businessId,
      otherBusinessId,
      integrationId,
      otherIntegrationId,
      secrets,
      addWebhook: async (path, { enabled = true, businessId: owner = businessId } = {}) => {
        const secret = `whsec_${crypto.randomUUID()}${crypto.randomUUID()}`
        secrets.push(secret)
        const [row] = await sql<{ id: string }[]>`
          insert into public.alert_webhooks (business_id, url, enabled)
          values (${owner}, ${receiver.url + path}, ${enabled}) returning id`
        await sql`select private.save_webhook_secret(${row.id}, ${secret})`
        return { id: row.id, secret }
      },
      recordEvent: async (type, { integrationId: target = integrationId } = {}) => {
        const [integration] = await sql<{ business_id: string }[]>`
          select business_id from public.integrations where id = ${target}`
        await sql.begin(async (tx) => {
          await tx`set local role service_role`
          await tx`
            insert into public.integration_events (business_id, integration_id, type, metadata)
            values (${integration.business_id}, ${target}, ${type},
                    ${tx.json({ provider_error: 'invalid_grant', refresh_token: 'NEVER-SENT' })})`
        })
      },
      makeDue: async () => {
        await sql`
          update public.alert_deliveries set next_attempt_at = now() - interval '1 second'
           where business_id in ${sql(businessIds)} and status = 'pending'`
      },
      deliveries: () =>
        sql<DeliveryRow[]>`
          select id, webhook_id, status, attempts, next_attempt_at, last_status_code, last_error,
                 delivered_at, payload, attempt_log,
                 extract(epoch from next_attempt_at - now())::float8 as due_in_seconds
            from public.alert_deliveries where business_id in ${sql(businessIds)} order by id`,
    })
    // Whatever the test did, no log line carries a secret or a signature we sent.
    const signatures = receiver.received.map((alert) =>
      alert.headers.get('x-signature')!.split('v1=')[1]
    )
    for (const line of logs.lines) {
      for (const secret of [...secrets, ...signatures]) {
        assert.ok(!line.includes(secret), `a log line leaks a secret or signature: ${line}`)
      }
    }
  } finally {
    logs.restore()
    await receiver.close()
    await deleteFixtures(sql, { businessIds, userIds: [userId] })
    await sql.end()
    await closeSql()
    restoreEnv()
  }
}

Deno.test('deliver: a reauth_required event is one signed POST per enabled webhook of its business', async () => {
  await withWorld(async (world) => {
    const first = await world.addWebhook('/first')
    const second = await world.addWebhook('/second')
    await world.addWebhook('/disabled', { enabled: false })
    await world.addWebhook('/other-business', { businessId: world.otherBusinessId })
    await world.recordEvent('token_refreshed')
    await world.recordEvent('reauth_required')

    assert.deepEqual(await deliverDueAlerts(), { delivered: 2, retried: 0, failed: 0 })
    const byPath = new Map(world.receiver.received.map((alert) => [alert.path, alert]))
    assert.deepEqual([...byPath.keys()].sort(), ['/first', '/second'])
    assert.equal(world.receiver.received.length, 2)

    for (const [path, { secret }] of [['/first', first], ['/second', second]] as const) {
      const alert = byPath.get(path)!
      const header = alert.headers.get('x-signature')!
      assert.match(header, /^t=[0-9]{10},v1=[0-9a-f]{64}$/)
      assert.equal(await verifySignature(header, alert.body, secret, 60), true, path)
      const otherSecret = path === '/first' ? second.secret : first.secret
      assert.equal(await verifySignature(header, alert.body, otherSecret, 60), false)
      assert.equal(alert.headers.get('content-type'), 'application/json')
      assert.equal(alert.headers.get('x-alert-event-type'), 'reauth_required')
      const event = JSON.parse(alert.body)
      assert.equal(alert.headers.get('x-alert-event-id'), event.id)
      assert.equal(event.type, 'reauth_required')
      assert.equal(event.business_id, world.businessId)
      assert.equal(event.integration.id, world.integrationId)
      assert.deepEqual(event.data, { provider_error: 'invalid_grant' })
      assert.ok(!alert.body.includes('NEVER-SENT'), 'a token in metadata must never be sent')
    }
    assert.equal(
      JSON.parse(byPath.get('/first')!.body).id,
      JSON.parse(byPath.get('/second')!.body).id,
      'both webhooks get the same event id',
    )

    const rows = await world.deliveries()
    assert.equal(rows.length, 2)
    for (const row of rows) {
      assert.equal(row.status, 'delivered')
      assert.equal(row.attempts, 1)
      assert.equal(row.last_status_code, 200)
      assert.ok(row.delivered_at)
      assert.deepEqual(row.attempt_log.map((entry) => [entry.attempt, entry.status_code]), [[
        1,
        200,
      ]])
    }

    // Delivered means done: calling again sends nothing.
    assert.deepEqual(await deliverDueAlerts(), { delivered: 0, retried: 0, failed: 0 })
    assert.equal(world.receiver.received.length, 2)
  })
})

Deno.test('deliver: a failing receiver (500, then a timeout) is retried with backoff until delivered', async () => {
  await withWorld(async (world) => {
    const webhook = await world.addWebhook('/flaky')
    world.receiver.replyWith(500, 'hang', 200)
    await world.recordEvent('sync_failing')
    const options = { timeoutMs: 300 }

    assert.deepEqual(await deliverDueAlerts(options), { delivered: 0, retried: 1, failed: 0 })
    let [row] = await world.deliveries()
    assert.equal(row.status, 'pending')
    assert.equal(row.last_status_code, 500)
    assert.equal(row.last_error, 'HTTP 500')
    // First retry: base 30 s with equal jitter, so 15 to 30 s away.
    assert.ok(row.due_in_seconds > 13 && row.due_in_seconds <= 31, String(row.due_in_seconds))

    // Not due yet: nothing is sent however often sync-cron calls.
    assert.deepEqual(await deliverDueAlerts(options), { delivered: 0, retried: 0, failed: 0 })
    assert.equal(world.receiver.received.length, 1)

    await world.makeDue()
    assert.deepEqual(await deliverDueAlerts(options), { delivered: 0, retried: 1, failed: 0 })
    ;[row] = await world.deliveries()
    assert.equal(row.last_status_code, null)
    assert.equal(row.last_error, 'timed out after 300 ms')
    // Second retry: 30 to 60 s away.
    assert.ok(row.due_in_seconds > 28 && row.due_in_seconds <= 61, String(row.due_in_seconds))

    await world.makeDue()
    assert.deepEqual(await deliverDueAlerts(options), { delivered: 1, retried: 0, failed: 0 })
    ;[row] = await world.deliveries()
    assert.equal(row.status, 'delivered')
    assert.equal(row.attempts, 3)
    assert.equal(row.last_status_code, 200)
    assert.equal(row.last_error, null)
    assert.deepEqual(
      row.attempt_log.map(({ attempt, status_code, error }) => ({ attempt, status_code, error })),
      [
        { attempt: 1, status_code: 500, error: 'HTTP 500' },
        { attempt: 2, status_code: null, error: 'timed out after 300 ms' },
        { attempt: 3, status_code: 200, error: null },
      ],
    )

    // Every attempt carried the same event, signed afresh, and said which attempt it was.
    const received = world.receiver.received
    assert.deepEqual(received.map((alert) => alert.headers.get('x-alert-attempt')), ['1', '2', '3'])
    assert.equal(new Set(received.map((alert) => alert.body)).size, 1)
    for (const alert of received) {
      assert.equal(
        await verifySignature(alert.headers.get('x-signature')!, alert.body, webhook.secret, 60),
        true,
      )
    }
  })
})

Deno.test('deliver: after the maximum number of attempts a delivery fails for good', async () => {
  await withWorld(async (world) => {
    await world.addWebhook('/down')
    world.receiver.replyWith(302, 503, 500)
    await world.recordEvent('sync_recovered')

    assert.deepEqual(await deliverDueAlerts(), { delivered: 0, retried: 1, failed: 0 })
    await world.makeDue()
    assert.deepEqual(await deliverDueAlerts(), { delivered: 0, retried: 1, failed: 0 })
    await world.makeDue()
    assert.deepEqual(await deliverDueAlerts(), { delivered: 0, retried: 0, failed: 1 })

    const [row] = await world.deliveries()
    assert.equal(row.status, 'failed')
    assert.equal(row.attempts, 3)
    assert.deepEqual(row.attempt_log.map((entry) => entry.error), [
      'HTTP 302 (redirects are not followed)',
      'HTTP 503',
      'HTTP 500',
    ])
    // A redirect is not followed: the receiver saw exactly our three POSTs.
    assert.equal(world.receiver.received.length, 3)

    await world.makeDue()
    assert.deepEqual(await deliverDueAlerts(), { delivered: 0, retried: 0, failed: 0 })
    assert.equal(world.receiver.received.length, 3)
  }, { ALERTS_MAX_ATTEMPTS: '3' })
})

Deno.test('deliver: concurrent calls never send one delivery twice', async () => {
  await withWorld(async (world) => {
    const webhooks = await Promise.all(['/a', '/b', '/c'].map((path) => world.addWebhook(path)))
    for (let i = 0; i < 8; i++) await world.recordEvent(i % 2 ? 'sync_failing' : 'sync_recovered')
    // Slow replies keep POSTs in flight while the other callers claim.
    world.receiver.delayMs = 30

    const summaries = await Promise.all(
      Array.from({ length: 4 }, () => deliverDueAlerts({ limit: 10 })),
    )
    const delivered = summaries.reduce((sum, summary) => sum + summary.delivered, 0)
    assert.equal(delivered, 24)
    assert.ok(summaries.filter((summary) => summary.delivered > 0).length > 1, 'work was shared')

    const deliveryIds = world.receiver.received.map((alert) =>
      alert.headers.get('x-alert-delivery-id')
    )
    assert.equal(deliveryIds.length, 24)
    assert.equal(new Set(deliveryIds).size, 24, 'a delivery was sent twice')
    const rows = await world.deliveries()
    assert.ok(rows.every((row) => row.status === 'delivered' && row.attempts === 1))
    assert.equal(webhooks.length, 3)
  })
})

Deno.test('deliver: a webhook disabled after its alert was queued gets nothing', async () => {
  await withWorld(async (world) => {
    const webhook = await world.addWebhook('/paused')
    await world.recordEvent('reauth_required')
    await world.sql`update public.alert_webhooks set enabled = false where id = ${webhook.id}`

    assert.deepEqual(await deliverDueAlerts(), { delivered: 0, retried: 0, failed: 1 })
    assert.equal(world.receiver.received.length, 0)
    const [row] = await world.deliveries()
    assert.equal(row.status, 'failed')
    assert.equal(row.last_error, 'webhook disabled; not sent')
  })
})

Deno.test('deliver: an unreachable receiver is a short error without its URL', async () => {
  await withWorld(async (world) => {
    const [row] = await world.sql<{ id: string }[]>`
      insert into public.alert_webhooks (business_id, url)
      values (${world.businessId}, 'http://127.0.0.1:1/secret-path-token') returning id`
    await world
      .sql`select private.save_webhook_secret(${row.id}, 'whsec_unreachable-secret-0123456789abcdef')`
    world.secrets.push('whsec_unreachable-secret-0123456789abcdef')
    await world.recordEvent('reauth_required')

    assert.deepEqual(await deliverDueAlerts(), { delivered: 0, retried: 1, failed: 0 })
    const [delivery] = await world.deliveries()
    assert.match(delivery.last_error ?? '', /^request failed: /)
    assert.ok(!delivery.last_error!.includes('secret-path-token'), delivery.last_error!)
    assert.ok(delivery.last_error!.length <= 200)
  })
})

Deno.test('deliver: nothing due sends nothing, call after call', async () => {
  await withWorld(async (world) => {
    await world.addWebhook('/idle')
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(await deliverDueAlerts(), { delivered: 0, retried: 0, failed: 0 })
    }
    assert.equal(world.receiver.received.length, 0)
  })
})
