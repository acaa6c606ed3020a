// Inbound webhooks end to end: a change in the HubSpot sandbox → the sandbox's signed webhook,
// POSTed over HTTP to the gateway's public URL → the portal's object is due → the next sync-cron
// tick claims (and, once a HubSpot source exists, syncs) it. Replayed and tampered deliveries
// change nothing; a webhook for another tenant's portal does nothing to this tenant.
//
// The sync half: while the registry has no HubSpot contact source, the tick's run for the object
// ends in `sync_source_missing`, which proves the tick claimed it. Once helper D's source is on
// main, `hubspotSyncs` below turns true by itself and the test checks the synced row instead: the
// source then reaches the sandbox through PROVIDER_SIMULATOR_URL (a `<url>/<host>/<path>`
// forwarder to the in-process sandbox, set up here) with the tokens stored at install.
import assert from 'node:assert/strict'
import { getProvider } from '../../supabase/functions/_shared/providers/registry.ts'
import { setEnv } from '../helpers/env.ts'
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts'
import { captureLogs } from '../helpers/logs.ts'
import { signedHubSpotWebhook } from '../helpers/hubspot-webhook.ts'
import {
  type AppInfo,
  hubspotInProcess,
  type HubSpotSandbox,
  installApp,
} from '../helpers/hubspot-sandbox.ts'
import {
  type AdminSql,
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from '../helpers/test-db.ts'

const cronSecret = 'webhooks-e2e-sync-cron-secret-0123456789'
const webhookPath = '/functions/v1/webhooks/hubspot'
const hubspotSyncs = getProvider('hubspot').objects.contact?.sync !== undefined

interface Sent {
  url: string
  headers: Record<string, string>
  body: string
  status: number
}

interface Tenant {
  businessId: string
  integrationId: string
  portalId: number
}

interface World {
  sql: AdminSql
  sb: HubSpotSandbox
  app: AppInfo
  gateway: TestGateway
  a: Tenant
  b: Tenant
  /** Every webhook request the sandbox sent, as sent, with our answer. */
  sent: Sent[]
  /** Log lines so far. */
  logLines: string[]
}

/** `<forwarder>/<host>/<path>` → the in-process sandbox at `https://<host>/<path>`. */
function serveForwarder(sb: HubSpotSandbox) {
  return Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: () => {} }, async (request) => {
    const url = new URL(request.url)
    const [, host, ...rest] = url.pathname.split('/')
    const body = request.method === 'GET' || request.method === 'HEAD'
      ? undefined
      : await request.arrayBuffer()
    return await sb.fetch(
      new Request(`https://${host}/${rest.join('/')}${url.search}`, {
        method: request.method,
        headers: request.headers,
        body,
      }),
    )
  })
}

async function withWorld(run: (world: World) => Promise<void>): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const tag = crypto.randomUUID().slice(0, 8)
  const sent: Sent[] = []
  // The sandbox's clock is real time at start (and stands still): HubSpot's timestamps must be
  // within 5 minutes of the function's clock.
  const sb = hubspotInProcess({
    now: new Date().toISOString(),
    webhookFetch: async (url, init) => {
      const response = await fetch(url, init)
      sent.push({
        url,
        headers: Object.fromEntries(new Headers(init.headers).entries()),
        body: String(init.body),
        status: response.status,
      })
      return response
    },
  })
  const forwarder = serveForwarder(sb)
  const logs = captureLogs()
  const userIds: string[] = []
  const businessIds: string[] = []
  let gateway: TestGateway | undefined
  let restoreEnv = () => {}
  try {
    gateway = await startTestGateway({
      dbUrl,
      env: {
        SYNC_CRON_SECRET: cronSecret,
        SYNC_CPU_BUDGET_MS: '600000',
        SYNC_REQUEST_TIMEOUT_SECONDS: '5',
        SYNC_RETRY_ATTEMPTS: '1',
      },
    })
    const functionsUrl = `${gateway.url}/functions/v1`
    const app = sb.control.registerApp({
      webhookUrl: `${gateway.url}${webhookPath}`,
      autoApprove: true,
      redirectUris: [`${functionsUrl}/callback/hubspot`],
    })
    restoreEnv = setEnv({
      // The URL HubSpot is configured with is the gateway's public one.
      WEBHOOKS_PUBLIC_BASE_URL: functionsUrl,
      HUBSPOT_CLIENT_ID: app.clientId,
      HUBSPOT_CLIENT_SECRET: app.clientSecret,
      PROVIDER_SIMULATOR_URL: `http://127.0.0.1:${forwarder.addr.port}`,
    })
    const tenant = async (name: string): Promise<Tenant> => {
      const owner = await createUser(sql, `owner-${name}-${tag}@example.test`)
      userIds.push(owner)
      const businessId = await createBusiness(sql, { name: `${name} ${tag}`, ownerId: owner })
      businessIds.push(businessId)
      const portal = sb.control.createPortal({
        name: `${name} portal`,
        contacts: 5,
        companies: 2,
        searchLagMs: 0,
        app: false,
      })
      const tokens = await installApp(sb, app, {
        portalId: portal.portalId,
        redirectUri: `${functionsUrl}/callback/hubspot`,
      })
      const [row] = await sql<{ id: string }[]>`
        insert into public.integrations
          (business_id, provider, name, status, connection_metadata, connected_at, created_by)
        values (${businessId}, 'hubspot', ${`HubSpot ${name}`}, 'active',
                ${sql.json({ portalId: String(portal.portalId) })}, now(), ${owner})
        returning id`
      await sql`select private.save_integration_tokens(${row.id}, ${
        sql.json({
          access_token: tokens.access_token,
          refresh_token: tokens.refresh_token,
          expires_at: sb.control.now() + tokens.expires_in * 1000,
        })
      })`
      return { businessId, integrationId: row.id, portalId: portal.portalId }
    }
    const a = await tenant('Acme')
    const b = await tenant('Globex')
    await settle(sql, [a, b])
    await run({ sql, sb, app, gateway, a, b, sent, logLines: logs.lines })
    // Neither the app secret nor a signature reaches a log line.
    const secrets = [app.clientSecret, ...sent.map((s) => s.headers['x-hubspot-signature-v3'])]
    for (const line of logs.lines) {
      for (const secret of secrets) assert.ok(!line.includes(secret), `a log line leaks: ${line}`)
    }
    assert.ok(logs.lines.some((line) => line.includes('webhook received')), 'deliveries are logged')
  } finally {
    logs.restore()
    await gateway?.close()
    restoreEnv()
    await forwarder.shutdown()
    await deleteFixtures(sql, { businessIds, userIds })
    await sql.end()
  }
}

/** As if each tenant's objects had just synced: nothing due for a day. */
async function settle(sql: AdminSql, tenants: Tenant[]): Promise<void> {
  await sql`
    update public.integration_sync_state set last_run_at = now(),
           next_sync_at = now() + interval '1 day'
     where integration_id in ${sql(tenants.map((t) => t.integrationId))}`
}

/** `contact`/`account` objects of the tenants that are due now. */
async function dueObjects(sql: AdminSql, world: World): Promise<string[]> {
  const rows = await sql<{ who: string }[]>`
    select case s.integration_id when ${world.a.integrationId} then 'a' else 'b' end
           || '/' || s.object as who
      from public.integration_sync_state s
     where s.integration_id in (${world.a.integrationId}, ${world.b.integrationId})
       and s.next_sync_at <= now()
     order by 1`
  return rows.map((row) => row.who)
}

function tick(gateway: TestGateway): Promise<Response> {
  return gateway.request('/functions/v1/sync-cron', {
    method: 'POST',
    headers: { authorization: `Bearer ${cronSecret}`, 'content-type': 'application/json' },
    body: '{}',
  })
}

/** Changes one contact of `portalId` and lets the sandbox deliver the webhook. */
async function changeContact(world: World, portalId: number, firstname: string): Promise<string> {
  const [id] = world.sb.control.listIds(portalId, 'contacts')
  world.sb.control.updateRecords(portalId, 'contacts', [{ id, properties: { firstname } }])
  const deliveries = await world.sb.control.deliverWebhooks()
  assert.deepEqual(
    deliveries.map((d) => [d.status, d.outcome]),
    [[200, 'delivered']],
    'one signed delivery, accepted',
  )
  return id
}

Deno.test('webhooks e2e: a HubSpot change makes the contact object due and the next tick takes it', async () => {
  await withWorld(async (world) => {
    const contactId = await changeContact(world, world.a.portalId, 'Webhooked')
    assert.equal(world.sent[0].url, `${world.gateway.url}${webhookPath}`)
    assert.ok(world.sent[0].headers['x-hubspot-signature-v3'], 'signed with v3')
    assert.deepEqual(await dueObjects(world.sql, world), ['a/contact'], "only A's contacts")

    const response = await tick(world.gateway)
    assert.equal(response.status, 200)
    const { runs } = await response.json() as {
      runs: Array<{ integration_id: string; status: string; error_code: string | null }>
    }
    const mine = runs.filter((run) => run.integration_id === world.a.integrationId)
    assert.equal(mine.length, 1, 'the tick ran the due object once')
    assert.ok(
      !runs.some((run) => run.integration_id === world.b.integrationId),
      'B was not due',
    )
    if (hubspotSyncs) {
      assert.equal(mine[0].status, 'succeeded', JSON.stringify(mine[0]))
      const [row] = await world.sql<{ first_name: string }[]>`
        select first_name from public.contacts
         where integration_id = ${world.a.integrationId} and source_id = ${contactId}`
      assert.equal(row?.first_name, 'Webhooked', 'the changed contact is synced')
    } else {
      // No HubSpot source on main yet: the claimed run cannot read, which shows it was claimed.
      assert.equal(mine[0].error_code, 'sync_source_missing', JSON.stringify(mine[0]))
    }
  })
})

Deno.test('webhooks e2e: a replayed or tampered delivery changes nothing', async () => {
  await withWorld(async (world) => {
    await changeContact(world, world.a.portalId, 'Once')
    const [original] = world.sent
    await settle(world.sql, [world.a, world.b])

    // The same request again (an attacker's replay, or HubSpot's retry): accepted, all duplicate.
    const replay = await world.gateway.request(webhookPath, {
      method: 'POST',
      headers: original.headers,
      body: original.body,
    })
    assert.equal(replay.status, 200)
    const receipt = await replay.json()
    assert.equal(receipt.duplicates, receipt.received)
    assert.equal(receipt.objects_marked, 0)
    assert.deepEqual(await dueObjects(world.sql, world), [], 'the replay marked nothing')

    // Aimed at B's portal: the signature no longer matches.
    const events = JSON.parse(original.body)
    events[0].portalId = world.b.portalId
    events[0].eventId += 1_000_000
    const tampered = await world.gateway.request(webhookPath, {
      method: 'POST',
      headers: original.headers,
      body: JSON.stringify(events),
    })
    assert.equal(tampered.status, 401)
    assert.equal((await tampered.json()).error.code, 'signature_invalid')

    // Captured six minutes ago and re-sent: correctly signed, too old.
    const old = world.sb.control.now() - 6 * 60_000
    const stale = await world.gateway.request(
      webhookPath,
      await signedHubSpotWebhook(world.app.clientSecret, original.url, JSON.stringify(events), old),
    )
    assert.equal(stale.status, 401)
    assert.equal((await stale.json()).error.code, 'timestamp_invalid')
    assert.deepEqual(await dueObjects(world.sql, world), [], 'nothing is due')
  })
})

Deno.test("webhooks e2e: another tenant's portal does nothing to this tenant", async () => {
  await withWorld(async (world) => {
    await changeContact(world, world.b.portalId, 'Globex change')
    assert.deepEqual(await dueObjects(world.sql, world), ['b/contact'])
    const [a] = await world.sql<{ sync_requested_at: Date | null }[]>`
      select sync_requested_at from public.integration_sync_state
       where integration_id = ${world.a.integrationId} and object = 'contact'`
    assert.equal(a.sync_requested_at, null, 'no ask was recorded for A')

    // A portal nobody connected: 200 (HubSpot would retry anything else), nothing due.
    const stray = world.sb.control.createPortal({ contacts: 1, companies: 0, app: false })
    await installApp(world.sb, world.app, {
      portalId: stray.portalId,
      redirectUri: `${world.gateway.url}/functions/v1/callback/hubspot`,
    })
    await settle(world.sql, [world.a, world.b])
    await changeContact(world, stray.portalId, 'Nobody')
    assert.deepEqual(await dueObjects(world.sql, world), [])
    const ignored = world.logLines.map((line) => JSON.parse(line)).find((entry) =>
      entry.msg === 'webhook events for accounts without an integration ignored'
    )
    assert.deepEqual(ignored?.accounts, [String(stray.portalId)], 'the unknown portal is logged')
  })
})
