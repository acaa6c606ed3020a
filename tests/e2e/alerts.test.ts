// The alerts function end to end: owners register webhooks over HTTP through the in-process
// gateway, a lifecycle event lands in the real database (TEST_DB_URL), deliverDueAlerts POSTs it
// to a local receiver, and the receiver verifies it with the secret the registration returned.
import assert from 'node:assert/strict'
import { deliverDueAlerts } from '../../supabase/functions/_shared/alerts/deliver.ts'
import { verifySignature } from '../../supabase/functions/_shared/alerts/sign.ts'
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts'
import { createIntegration } from '../helpers/integrations.ts'
import { captureLogs } from '../helpers/logs.ts'
import {
  addMember,
  type AdminSql,
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from '../helpers/test-db.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

const base = '/functions/v1/alerts'

interface Reply {
  status: number
  headers: Headers
  text: string
  // deno-lint-ignore no-explicit-any
  json: any
}

interface World {
  gateway: TestGateway
  sql: AdminSql
  receiver: WebhookReceiver
  users: { ann: string; adam: string; mia: string; bob: string }
  acme: string
  bravo: string
  integrationId: string
  /** Calls the function as `user` (anonymous when undefined); remembers the response text. */
  call(user: string | undefined, method: string, path: string, body?: unknown): Promise<Reply>
  /** Registers a webhook at `receiver.url + path` as `user`, expecting 201. */
  register(user: string, path: string, secret?: string): Promise<{ id: string; secret: string }>
  recordEvent(type: string): Promise<void>
  /** Secrets issued so far (registrations add theirs; add rotated ones). */
  secrets: string[]
}

/**
 * Acme: Ann owns it, Adam is an admin, Mia a member. Bravo: Bob owns it. Acme has a Salesforce
 * integration. Afterwards, every secret must appear in exactly one response (the one that issued
 * it) and in no log line.
 */
async function withWorld(run: (world: World) => Promise<void>): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const logs = captureLogs()
  const receiver = startWebhookReceiver()
  const tag = crypto.randomUUID().slice(0, 8)
  const userIds: string[] = []
  const businessIds: string[] = []
  const responses: string[] = []
  const secrets: string[] = []
  let gateway: TestGateway | undefined
  try {
    const [ann, adam, mia, bob] = await Promise.all(
      ['ann', 'adam', 'mia', 'bob'].map((name) => createUser(sql, `${name}-${tag}@example.test`)),
    )
    userIds.push(ann, adam, mia, bob)
    const acme = await createBusiness(sql, { name: `Acme ${tag}`, ownerId: ann })
    const bravo = await createBusiness(sql, { name: `Bravo ${tag}`, ownerId: bob })
    businessIds.push(acme, bravo)
    await addMember(sql, acme, adam, 'admin')
    await addMember(sql, acme, mia, 'member')
    const integrationId = await createIntegration(sql, { businessId: acme, createdBy: ann })
    const gw = await startTestGateway({ dbUrl, env: { ALERTS_ALLOW_INSECURE_URLS: 'true' } })
    gateway = gw
    const call: World['call'] = async (user, method, path, body) => {
      const response = await gw.request(`${base}${path}`, {
        method,
        token: user ? await gw.mint({ sub: user }) : undefined,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await response.text()
      responses.push(text)
      return {
        status: response.status,
        headers: response.headers,
        text,
        json: text && JSON.parse(text),
      }
    }
    await run({
      gateway: gw,
      sql,
      receiver,
      users: { ann, adam, mia, bob },
      acme,
      bravo,
      integrationId,
      call,
      secrets,
      register: async (user, path, secret) => {
        const reply = await call(user, 'POST', '/webhooks', {
          business_id: acme,
          url: receiver.url + path,
          ...(secret ? { secret } : {}),
        })
        assert.equal(reply.status, 201, reply.text)
        secrets.push(reply.json.secret)
        return { id: reply.json.webhook.id, secret: reply.json.secret }
      },
      recordEvent: async (type) => {
        await sql.begin(async (tx) => {
          await tx`set local role service_role`
          await tx`
            insert into public.integration_events (business_id, integration_id, type)
            values (${acme}, ${integrationId}, ${type})`
        })
      },
    })
    for (const secret of secrets) {
      const shown = responses.filter((text) => text.includes(secret)).length
      assert.equal(shown, 1, 'a secret is shown once, when it is issued')
      for (const line of logs.lines) assert.ok(!line.includes(secret), `log leaks: ${line}`)
    }
    for (const alert of receiver.received) {
      const signature = alert.headers.get('x-signature')!.split('v1=')[1]
      for (const line of logs.lines) assert.ok(!line.includes(signature), `log leaks: ${line}`)
    }
  } finally {
    await gateway?.close()
    await receiver.close()
    await deleteFixtures(sql, { businessIds, userIds })
    await sql.end()
    logs.restore()
  }
}

Deno.test('alerts e2e: a reauth_required event reaches each enabled webhook, signed with the secret its registration returned', async () => {
  await withWorld(async ({ call, register, recordEvent, receiver, users, acme }) => {
    const generated = await register(users.ann, '/generated')
    assert.match(generated.secret, /^whsec_[A-Za-z0-9_-]{43}$/)
    const own = await register(users.adam, '/own', `own-secret-${crypto.randomUUID()}`)
    const paused = await register(users.ann, '/paused')
    const patched = await call(users.ann, 'PATCH', `/webhooks/${paused.id}`, { enabled: false })
    assert.equal(patched.status, 200, patched.text)
    assert.equal(patched.json.webhook.enabled, false)

    await recordEvent('reauth_required')
    assert.deepEqual(await deliverDueAlerts(), { delivered: 2, retried: 0, failed: 0 })

    assert.deepEqual(receiver.received.map((alert) => alert.path).sort(), ['/generated', '/own'])
    for (const alert of receiver.received) {
      const secret = alert.path === '/generated' ? generated.secret : own.secret
      const other = alert.path === '/generated' ? own.secret : generated.secret
      const header = alert.headers.get('x-signature')!
      assert.equal(await verifySignature(header, alert.body, secret, 300), true, alert.path)
      assert.equal(await verifySignature(header, alert.body, other, 300), false)
      assert.equal(JSON.parse(alert.body).type, 'reauth_required')
    }

    const log = await call(users.adam, 'GET', `/deliveries?business_id=${acme}`)
    assert.equal(log.status, 200, log.text)
    assert.equal(log.json.deliveries.length, 2)
    for (const delivery of log.json.deliveries) {
      assert.equal(delivery.status, 'delivered')
      assert.equal(delivery.event_type, 'reauth_required')
      assert.equal(delivery.last_status_code, 200)
      assert.equal(delivery.attempt_log.length, 1)
      assert.equal(typeof delivery.id, 'string')
    }
    const page = await call(
      users.ann,
      'GET',
      `/deliveries?business_id=${acme}&limit=1&before=${log.json.deliveries[0].id}`,
    )
    assert.deepEqual(page.json.deliveries.map((d: { id: string }) => d.id), [
      log.json.deliveries[1].id,
    ])

    const listed = await call(users.ann, 'GET', `/webhooks?business_id=${acme}`)
    assert.equal(listed.status, 200)
    assert.deepEqual(
      listed.json.webhooks.map((w: { id: string; enabled: boolean }) => [w.id, w.enabled]),
      [[generated.id, true], [own.id, true], [paused.id, false]],
    )
    assert.deepEqual(Object.keys(listed.json.webhooks[0]).sort(), [
      'business_id',
      'created_at',
      'created_by',
      'enabled',
      'id',
      'updated_at',
      'url',
    ])
  })
})

Deno.test('alerts e2e: registration shows the secret once and keeps responses out of caches', async () => {
  await withWorld(async ({ call, receiver, users, acme }) => {
    const created = await call(users.ann, 'POST', '/webhooks', {
      business_id: acme,
      url: `${receiver.url}/hook`,
    })
    assert.equal(created.status, 201)
    assert.equal(created.headers.get('cache-control'), 'no-store')
    assert.deepEqual(Object.keys(created.json).sort(), ['secret', 'webhook'])
    assert.equal(created.json.webhook.created_by, users.ann)
    assert.equal('secret' in created.json.webhook, false)
  })
})

Deno.test('alerts e2e: a rotated secret signs from the next delivery on; the test event shows it', async () => {
  await withWorld(async ({ call, register, receiver, secrets, users, acme }) => {
    const webhook = await register(users.ann, '/rotating')
    const rotated = await call(users.adam, 'POST', `/webhooks/${webhook.id}/rotate-secret`)
    assert.equal(rotated.status, 200, rotated.text)
    assert.equal(rotated.headers.get('cache-control'), 'no-store')
    const secret = rotated.json.secret
    secrets.push(secret)
    assert.match(secret, /^whsec_/)
    assert.notEqual(secret, webhook.secret)

    const tested = await call(users.ann, 'POST', `/webhooks/${webhook.id}/test`)
    assert.equal(tested.status, 200, tested.text)
    assert.equal(tested.json.delivery.status, 'delivered')
    assert.equal(tested.json.delivery.event_type, 'test')
    assert.equal(tested.json.delivery.last_status_code, 200)

    const [alert] = receiver.received
    assert.equal(receiver.received.length, 1)
    assert.equal(JSON.parse(alert.body).type, 'test')
    const header = alert.headers.get('x-signature')!
    assert.equal(await verifySignature(header, alert.body, secret, 300), true)
    assert.equal(await verifySignature(header, alert.body, webhook.secret, 300), false)

    // A caller may bring their own secret, if it is long enough.
    const mine = `my-own-rotated-secret-${crypto.randomUUID()}`
    const own = await call(users.ann, 'POST', `/webhooks/${webhook.id}/rotate-secret`, {
      secret: mine,
    })
    assert.equal(own.json.secret, mine)
    secrets.push(mine)
    const short = await call(users.ann, 'POST', `/webhooks/${webhook.id}/rotate-secret`, {
      secret: 'too-short',
    })
    assert.equal(short.status, 400)
    // Reading the log afterwards must not show any of them (checked when the world closes).
    assert.equal((await call(users.ann, 'GET', `/deliveries?business_id=${acme}`)).status, 200)
    assert.equal((await call(users.ann, 'GET', `/webhooks?business_id=${acme}`)).status, 200)
  })
})

Deno.test('alerts e2e: a test event to a receiver that fails is logged and left to retry', async () => {
  await withWorld(async ({ call, register, receiver, users }) => {
    const webhook = await register(users.ann, '/broken')
    receiver.replyWith(500)
    const tested = await call(users.ann, 'POST', `/webhooks/${webhook.id}/test`)
    assert.equal(tested.status, 200)
    assert.equal(tested.json.delivery.status, 'pending')
    assert.equal(tested.json.delivery.last_status_code, 500)
    assert.equal(tested.json.delivery.attempts, 1)

    await call(users.ann, 'PATCH', `/webhooks/${webhook.id}`, { enabled: false })
    const disabled = await call(users.ann, 'POST', `/webhooks/${webhook.id}/test`)
    assert.equal(disabled.status, 409)
    assert.equal(disabled.json.error.code, 'conflict')
  })
})

Deno.test('alerts e2e: members get 403, other businesses 404, anonymous callers 401', async () => {
  await withWorld(async ({ call, register, users, acme, bravo, receiver }) => {
    const webhook = await register(users.ann, '/guarded')
    const routes: Array<[string, string, unknown?]> = [
      ['POST', '/webhooks', { business_id: acme, url: `${receiver.url}/x` }],
      ['GET', `/webhooks?business_id=${acme}`],
      ['PATCH', `/webhooks/${webhook.id}`, { enabled: false }],
      ['POST', `/webhooks/${webhook.id}/rotate-secret`],
      ['POST', `/webhooks/${webhook.id}/test`],
      ['DELETE', `/webhooks/${webhook.id}`],
      ['GET', `/deliveries?business_id=${acme}`],
    ]
    for (const [method, path, body] of routes) {
      const member = await call(users.mia, method, path, body)
      assert.equal(member.status, 403, `member: ${method} ${path} ${member.text}`)
      assert.equal(member.json.error.code, 'forbidden')
      const stranger = await call(users.bob, method, path, body)
      assert.equal(stranger.status, 404, `other business: ${method} ${path} ${stranger.text}`)
      assert.equal(stranger.json.error.code, 'not_found')
      const anonymous = await call(undefined, method, path, body)
      assert.equal(anonymous.status, 401, `anonymous: ${method} ${path}`)
    }
    // Bob manages his own business's alerts, and a webhook id that exists nowhere is a 404.
    assert.equal((await call(users.bob, 'GET', `/webhooks?business_id=${bravo}`)).status, 200)
    const missing = await call(users.ann, 'DELETE', `/webhooks/${crypto.randomUUID()}`)
    assert.equal(missing.status, 404)
    // Nothing was changed by the refused calls.
    const listed = await call(users.ann, 'GET', `/webhooks?business_id=${acme}`)
    assert.deepEqual(
      listed.json.webhooks.map((w: { id: string; enabled: boolean }) => [w.id, w.enabled]),
      [[webhook.id, true]],
    )
    assert.equal(receiver.received.length, 0)
  })
})

Deno.test('alerts e2e: bad input is a 400 naming the field, never a 500', async () => {
  await withWorld(async ({ call, register, users, acme }) => {
    const webhook = await register(users.ann, '/valid')
    const bodies: unknown[] = [
      { business_id: acme, url: 'http://hooks.example.com/alerts' },
      { business_id: acme, url: 'https://10.0.0.8/alerts' },
      { business_id: acme, url: 'https://169.254.169.254/latest' },
      { business_id: acme, url: 'not a url' },
      { business_id: 'acme', url: 'https://hooks.example.com/alerts' },
      { business_id: acme, url: 'https://hooks.example.com/alerts', secret: 'short' },
      { business_id: acme, url: 'https://hooks.example.com/alerts', extra: true },
      {},
    ]
    for (const body of bodies) {
      const reply = await call(users.ann, 'POST', '/webhooks', body)
      assert.equal(reply.status, 400, JSON.stringify(body))
      assert.equal(reply.json.error.code, 'validation_failed')
    }
    const refused = await call(users.ann, 'POST', '/webhooks', {
      business_id: acme,
      url: 'https://10.0.0.8/alerts',
    })
    assert.match(JSON.stringify(refused.json.error.details), /url must point to a public host/)
    for (
      const [method, path, body] of [
        ['PATCH', `/webhooks/${webhook.id}`, {}],
        ['PATCH', `/webhooks/${webhook.id}`, { url: 'ftp://x.example.com' }],
        ['PATCH', '/webhooks/not-a-uuid', { enabled: true }],
        ['GET', '/webhooks', undefined],
        ['GET', `/deliveries?business_id=${acme}&limit=1000`, undefined],
        ['GET', `/deliveries?business_id=${acme}&before=abc`, undefined],
      ] as Array<[string, string, unknown]>
    ) {
      const reply = await call(users.ann, method, path, body)
      assert.equal(reply.status, 400, `${method} ${path}`)
    }
  })
})

Deno.test('alerts e2e: deleting a webhook removes its Vault secret and its delivery log', async () => {
  await withWorld(async ({ call, register, recordEvent, sql, users, acme }) => {
    const webhook = await register(users.adam, '/doomed')
    await recordEvent('sync_failing')
    const deleted = await call(users.adam, 'DELETE', `/webhooks/${webhook.id}`)
    assert.equal(deleted.status, 204)
    const [left] = await sql<{ secrets: number; deliveries: number }[]>`
      select (select count(*)::int from vault.secrets where name = ${`alert_webhook:${webhook.id}`})
               as secrets,
             (select count(*)::int from public.alert_deliveries where webhook_id = ${webhook.id})
               as deliveries`
    assert.deepEqual(left, { secrets: 0, deliveries: 0 })
    const listed = await call(users.ann, 'GET', `/webhooks?business_id=${acme}`)
    assert.deepEqual(listed.json.webhooks, [])
    assert.equal((await call(users.adam, 'DELETE', `/webhooks/${webhook.id}`)).status, 404)
  })
})
