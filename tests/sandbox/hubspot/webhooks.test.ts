// The HubSpot sandbox's webhooks: v3 signatures exactly as HubSpot computes them, events for
// creations, property changes, deletions, merges, GDPR deletes and associations, batches of 100,
// retries on 5xx, none on 4xx, and only to apps installed in the portal.

import assert from 'node:assert/strict'
import { createHash, createHmac } from 'node:crypto'
import {
  signatureV3,
  signedUri,
  type WebhookEvent,
} from '../../../scripts/sandbox/hubspot/webhooks.ts'
import { startWebhookReceiver } from '../../helpers/webhook-receiver.ts'
import {
  createPortalWithApp,
  hubspotApi,
  hubspotInProcess,
  installApp,
} from '../../helpers/hubspot-sandbox.ts'

Deno.test('the v3 signature is base64 HMAC-SHA256 over method, decoded URI, raw body, timestamp', async () => {
  const uri = 'https://example.com/hook%3Fa?x=a%3Ab%2Fc%40d%20e&y=%21%24%27%28%29%2A%2C%3B'
  assert.equal(signedUri(uri), "https://example.com/hook?a?x=a:b/c@d%20e&y=!$'()*,;")
  const body = '[{"objectId":1,"propertyValue":"Müller"}]'
  const expected = createHmac('sha256', 'secret')
    .update(`POST${signedUri(uri)}${body}1700000000000`, 'utf8')
    .digest('base64')
  assert.equal(await signatureV3('secret', 'POST', uri, body, 1700000000000), expected)
  // Lower-case escapes decode too; %20 and others stay as sent.
  assert.equal(signedUri('https://h/p?q=%3a%2f%41'), 'https://h/p?q=:/%41')
})

Deno.test('changes reach the installed app signed for its exact URL, with the sandbox clock', async () => {
  const receiver = startWebhookReceiver()
  try {
    const sb = hubspotInProcess()
    const target = `${receiver.url}/functions/v1/webhooks/hubspot?tenant=a%3Ab`
    const portal = createPortalWithApp(sb, { contacts: 3, companies: 1 }, { webhookUrl: target })
    await installApp(sb, portal.app)
    const P = portal.portalId
    const [c1, c2, c3] = sb.control.listIds(P, 'contacts')
    const [company] = sb.control.listIds(P, 'companies')
    sb.control.updateRecords(P, 'contacts', [{ id: c1, properties: { firstname: 'Zoë' } }])
    sb.control.archiveRecords(P, 'contacts', [c2])
    sb.control.dissociate(P, c3, company)
    sb.control.associate(P, c3, company)
    const created = sb.control.createRecords(P, 'contacts', [{ email: 'n@x.test' }])
    sb.control.mergeRecords(P, 'contacts', c1, created[0])
    sb.control.gdprDelete(P, [c3])
    const deliveries = await sb.control.deliverWebhooks()
    assert.equal(deliveries.length, 1)
    assert.equal(deliveries[0].outcome, 'delivered')
    assert.equal(receiver.received.length, 1)
    const { headers, body } = receiver.received[0]
    const timestamp = headers.get('x-hubspot-request-timestamp')!
    assert.equal(Number(timestamp), sb.control.now())
    // Verified independently: the URI with %3A decoded, the raw body bytes, the timestamp.
    const uri = target.replace('%3A', ':')
    const v3 = createHmac('sha256', portal.app.clientSecret)
      .update(`POST${uri}${body}${timestamp}`, 'utf8').digest('base64')
    assert.equal(headers.get('x-hubspot-signature-v3'), v3)
    const v1 = createHash('sha256').update(portal.app.clientSecret + body, 'utf8').digest('hex')
    assert.equal(headers.get('x-hubspot-signature'), v1)
    assert.equal(headers.get('x-hubspot-signature-version'), 'v1')
    const events: WebhookEvent[] = JSON.parse(body)
    assert.deepEqual(events.map((e) => e.subscriptionType), [
      'contact.propertyChange',
      'contact.deletion',
      'contact.associationChange',
      'contact.associationChange',
      'contact.creation',
      'contact.merge',
      'contact.privacyDeletion',
    ])
    assert.ok(events.every((e) => e.portalId === P && e.appId === portal.app.appId))
    assert.ok(events.every((e) => e.attemptNumber === 0 && e.occurredAt === sb.control.now()))
    assert.equal(new Set(events.map((e) => e.eventId)).size, events.length)
    assert.equal(events[0].propertyName, 'firstname')
    assert.equal(events[0].propertyValue, 'Zoë')
    assert.equal(events[0].objectId, Number(c1))
    assert.equal(events[2].associationRemoved, true)
    assert.equal(events[3].associationRemoved, false)
    assert.equal(events[4].changeFlag, 'NEW')
    assert.deepEqual(
      [events[5].primaryObjectId, events[5].mergedObjectIds, events[5].newObjectId],
      [Number(c1), [Number(created[0])], Number(c1)],
    )
    assert.deepEqual(await sb.control.deliverWebhooks(), [])
  } finally {
    await receiver.close()
  }
})

Deno.test('API writes send events with changeSource API; batches hold at most 100 events', async () => {
  const sent: Array<{ url: string; body: string }> = []
  const sb = hubspotInProcess({
    webhookFetch: (url, init) => {
      sent.push({ url, body: String(init.body) })
      return Promise.resolve(new Response(null, { status: 204 }))
    },
  })
  const portal = createPortalWithApp(sb, { contacts: 0 }, { webhookUrl: 'https://h.test/hook' })
  const t = await installApp(sb, portal.app)
  const res = await hubspotApi(sb, t.access_token, '/crm/v3/objects/contacts', {
    body: { properties: { email: 'api@x.test' } },
  })
  assert.equal(res.status, 201)
  sb.control.createRecords(portal.portalId, 'contacts', Array.from({ length: 249 }, () => ({})))
  await sb.control.deliverWebhooks()
  assert.deepEqual(sent.map((s) => JSON.parse(s.body).length), [100, 100, 50])
  assert.equal(JSON.parse(sent[0].body)[0].changeSource, 'API')
  assert.equal(JSON.parse(sent[0].body)[1].changeSource, 'CRM_UI')
})

Deno.test('a 5xx is retried later with attemptNumber + 1; a 400 is dropped', async () => {
  const receiver = startWebhookReceiver()
  try {
    const sb = hubspotInProcess()
    const portal = createPortalWithApp(sb, { contacts: 2 }, {
      webhookUrl: `${receiver.url}/hook`,
    })
    await installApp(sb, portal.app)
    const [id] = sb.control.listIds(portal.portalId, 'contacts')
    receiver.replyWith(503, 200)
    sb.control.touchRecords(portal.portalId, 'contacts', { ids: [id], properties: { city: 'X' } })
    const first = await sb.control.deliverWebhooks()
    assert.equal(first[0].outcome, 'retry')
    assert.equal(first[0].status, 503)
    // Not due yet: nothing is sent until the sandbox clock reaches the retry.
    assert.deepEqual(await sb.control.deliverWebhooks(), [])
    sb.control.advanceClock(60_000)
    const second = await sb.control.deliverWebhooks()
    assert.equal(second[0].outcome, 'delivered')
    const retried = JSON.parse(receiver.received[1].body)
    assert.equal(retried[0].attemptNumber, 1)
    assert.equal(retried[0].eventId, JSON.parse(receiver.received[0].body)[0].eventId)

    receiver.replyWith(400)
    sb.control.touchRecords(portal.portalId, 'contacts', { ids: [id], properties: { city: 'Y' } })
    const refused = await sb.control.deliverWebhooks()
    assert.equal(refused[0].outcome, 'dropped')
    sb.control.advanceClock(3_600_000)
    assert.deepEqual(await sb.control.deliverWebhooks(), [])
    assert.equal(sb.control.pendingWebhooks().length, 0)
  } finally {
    await receiver.close()
  }
})

Deno.test('only apps installed in the portal get its events, and only subscribed types', async () => {
  const sent: string[] = []
  const sb = hubspotInProcess({
    webhookFetch: (url, init) => {
      sent.push(`${url} ${JSON.parse(String(init.body)).map((e: WebhookEvent) => e.portalId)}`)
      return Promise.resolve(new Response('ok'))
    },
  })
  const mine = createPortalWithApp(sb, { contacts: 2 }, {
    webhookUrl: 'https://a.test/hook',
    subscriptions: ['contact.deletion'],
  })
  const other = sb.control.createPortal({ contacts: 2 })
  await installApp(sb, mine.app, { portalId: mine.portalId })
  // Not installed in `other`: its changes go nowhere.
  sb.control.archiveRecords(
    other.portalId,
    'contacts',
    sb.control.listIds(other.portalId, 'contacts'),
  )
  const [id] = sb.control.listIds(mine.portalId, 'contacts')
  sb.control.touchRecords(mine.portalId, 'contacts', { ids: [id], properties: { city: 'Q' } })
  sb.control.archiveRecords(mine.portalId, 'contacts', [id])
  await sb.control.deliverWebhooks()
  assert.deepEqual(sent, [`https://a.test/hook ${mine.portalId}`])
  // Uninstalled: no more events.
  sb.control.killGrants(mine.portalId)
  sb.control.archiveRecords(
    mine.portalId,
    'contacts',
    sb.control.listIds(mine.portalId, 'contacts'),
  )
  assert.equal(sb.control.pendingWebhooks().length, 0)
})
