import assert from 'node:assert/strict'
import { signatureV3 as sandboxSignatureV3 } from '../../../../../../../scripts/sandbox/hubspot/webhooks.ts'
import type { AppError } from '../../../../../../../supabase/functions/_shared/http/errors.ts'
import {
  hubspotSignatureV3,
  hubspotSignedUri,
  hubspotWebhooks,
  maxTimestampSkewMs,
} from '../../../../../../../supabase/functions/_shared/providers/hubspot/webhooks.ts'
import type { WebhookDelivery } from '../../../../../../../supabase/functions/_shared/webhooks/receiver.ts'

const secret = 'fixture-client-secret'
const now = Date.parse('2026-03-02T10:00:00Z')
const url = 'https://ref.supabase.co/functions/v1/webhooks/hubspot'
const encoder = new TextEncoder()

function event(overrides: Record<string, unknown> = {}) {
  return {
    eventId: 101,
    subscriptionId: 7001,
    portalId: 62515,
    appId: 7,
    occurredAt: now - 1_000,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 123,
    propertyName: 'firstname',
    propertyValue: 'Jörg',
    changeSource: 'CRM_UI',
    ...overrides,
  }
}

/** A delivery signed as HubSpot signs it (by the sandbox's own signer), then `change`d. */
async function delivery(
  change: Partial<Omit<WebhookDelivery, 'headers'>> & { headers?: Record<string, string> } = {},
  signed: { url?: string; body?: string; timestamp?: number; secret?: string } = {},
): Promise<WebhookDelivery> {
  const bodyText = signed.body ?? JSON.stringify([event()])
  const timestamp = signed.timestamp ?? now
  const signature = await sandboxSignatureV3(
    signed.secret ?? secret,
    'POST',
    signed.url ?? url,
    bodyText,
    timestamp,
  )
  return {
    method: 'POST',
    url: signed.url ?? url,
    body: encoder.encode(bodyText),
    now,
    clientSecret: secret,
    ...change,
    headers: new Headers({
      'content-type': 'application/json',
      'x-hubspot-signature-v3': signature,
      'x-hubspot-request-timestamp': String(timestamp),
      ...change.headers,
    }),
  }
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await promise
  } catch (error) {
    const { status, code } = error as AppError
    return { status, code }
  }
  throw new Error('the delivery was accepted')
}

Deno.test("hubspot webhooks: the URI is signed with exactly HubSpot's twelve escapes decoded", () => {
  assert.equal(
    hubspotSignedUri(
      'https://h.example/p%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B?q=%3a%2f%2a',
    ),
    "https://h.example/p:/?@!$'()*,;?q=:/*",
  )
  // Every other escape stays as HubSpot sent it: space, =, &, +, %, non-ASCII.
  const kept = 'https://h.example/a%20b?x=%3D%26%2B%25%C3%A4'
  assert.equal(hubspotSignedUri(kept), kept)
})

Deno.test('hubspot webhooks: v3 signature matches an independently computed vector', async () => {
  // Python: base64(hmac.new(secret, b"POST" + uri_decoded + body_utf8 + ts, sha256)).
  const signature = await hubspotSignatureV3(secret, {
    method: 'POST',
    url: `${url}?tag=a%3Ab%2Fc%40d`,
    body: encoder.encode('[{"eventId":1,"name":"Jörg"}]'),
    timestamp: '1772445600000',
  })
  assert.equal(signature, '0QKps58IWLLD/Hy2BnG/up5/66vdYCjoX5LA7o+QAxg=')
})

Deno.test('hubspot webhooks: a delivery signed over the public URL with escapes verifies', async () => {
  const escaped = `${url}?tenant=a%3Ab%40c&x=%20`
  await hubspotWebhooks.verify(await delivery({}, { url: escaped }))
  // Raw bytes are what is signed: non-ASCII text included.
  await hubspotWebhooks.verify(
    await delivery({}, { body: JSON.stringify([event({ propertyValue: 'Ünïcödé ✓' })]) }),
  )
})

Deno.test('hubspot webhooks: tampering with body, URL, method or secret is signature_invalid', async () => {
  const tampered = encoder.encode(JSON.stringify([event({ portalId: 99999 })]))
  for (
    const bad of [
      await delivery({ body: tampered }),
      // The URL the function sees behind the gateway is not the URL HubSpot signed.
      await delivery({ url: 'http://127.0.0.1:54321/webhooks/hubspot' }),
      await delivery({ method: 'PUT' }),
      await delivery({}, { secret: 'another-apps-secret' }),
      await delivery({ headers: { 'x-hubspot-signature-v3': '' } }),
    ]
  ) {
    assert.deepEqual(await refusal(hubspotWebhooks.verify(bad)), {
      status: 401,
      code: 'signature_invalid',
    })
  }
})

Deno.test('hubspot webhooks: the comparison takes the whole signature (no prefix, no extra byte)', async () => {
  const good = await delivery()
  const signature = good.headers.get('x-hubspot-signature-v3')!
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
  for (
    const variant of [
      flip(signature, 0),
      flip(signature, signature.length - 2),
      signature.slice(0, -1),
      `${signature}A`,
    ]
  ) {
    const headers = { 'x-hubspot-signature-v3': variant }
    assert.deepEqual(
      await refusal(hubspotWebhooks.verify(await delivery({ headers }))),
      { status: 401, code: 'signature_invalid' },
      variant,
    )
  }
})

Deno.test('hubspot webhooks: the timestamp must be within 5 minutes either way', async () => {
  // The edges are inside the window.
  await hubspotWebhooks.verify(await delivery({}, { timestamp: now - maxTimestampSkewMs }))
  await hubspotWebhooks.verify(await delivery({}, { timestamp: now + maxTimestampSkewMs }))
  for (const timestamp of [now - maxTimestampSkewMs - 1, now + maxTimestampSkewMs + 1, 0]) {
    // Correctly signed, so only the age refuses it: a replay of an old delivery.
    assert.deepEqual(
      await refusal(hubspotWebhooks.verify(await delivery({}, { timestamp }))),
      { status: 401, code: 'timestamp_invalid' },
    )
  }
  for (const header of ['', 'soon', '1.5e12', '-1', '12345678901234567890']) {
    const bad = await delivery({ headers: { 'x-hubspot-request-timestamp': header } })
    assert.deepEqual(await refusal(hubspotWebhooks.verify(bad)), {
      status: 401,
      code: 'timestamp_invalid',
    })
  }
})

Deno.test('hubspot webhooks: without the app secret nothing is trusted (503, HubSpot retries)', async () => {
  assert.deepEqual(
    await refusal(hubspotWebhooks.verify(await delivery({ clientSecret: undefined }))),
    { status: 503, code: 'webhook_not_configured' },
  )
  // Junk that does not even look like HubSpot's is a 401 whatever the setup, never a 5xx.
  const junk = await delivery({
    clientSecret: undefined,
    headers: { 'x-hubspot-request-timestamp': '', 'x-hubspot-signature-v3': '' },
  })
  assert.deepEqual(await refusal(hubspotWebhooks.verify(junk)), {
    status: 401,
    code: 'timestamp_invalid',
  })
})

Deno.test('hubspot webhooks: events name the portal and our object key', () => {
  const body = encoder.encode(JSON.stringify([
    event(),
    event({ eventId: 102, subscriptionType: 'company.creation', objectId: 9 }),
    event({ eventId: 103, subscriptionType: 'object.propertyChange', objectTypeId: '0-1' }),
    event({ eventId: 104, subscriptionType: 'object.propertyChange', objectTypeId: '0-2' }),
    event({ eventId: 105, subscriptionType: 'deal.creation', portalId: 777 }),
    event({ eventId: 106, subscriptionType: 'object.creation', objectTypeId: '2-1234' }),
    event({ eventId: 107, subscriptionType: 'contact.associationChange' }),
  ]))
  const events = hubspotWebhooks.events(body)
  assert.deepEqual(events.map((e) => [e.account, e.object]), [
    ['62515', 'contact'],
    ['62515', 'account'],
    ['62515', 'contact'],
    ['62515', 'account'],
    ['777', null],
    ['62515', null],
    ['62515', 'contact'],
  ])
  assert.equal(new Set(events.map((e) => e.key)).size, events.length, 'one key per event')
})

Deno.test('hubspot webhooks: a retry has the same key; another event with the same eventId does not', () => {
  const keyOf = (e: Record<string, unknown>) =>
    hubspotWebhooks.events(encoder.encode(JSON.stringify([e])))[0].key
  assert.equal(keyOf(event({ attemptNumber: 3 })), keyOf(event()))
  // HubSpot does not promise unique eventIds: other fields tell such events apart.
  assert.notEqual(keyOf(event({ subscriptionId: 7002 })), keyOf(event()))
  assert.notEqual(keyOf(event({ objectId: 124 })), keyOf(event()))
  assert.notEqual(keyOf(event({ portalId: 1 })), keyOf(event()))
})

Deno.test('hubspot webhooks: a body of another shape is a 400', () => {
  const parse = (text: string) => {
    try {
      hubspotWebhooks.events(encoder.encode(text))
    } catch (error) {
      return [(error as AppError).status, (error as AppError).code]
    }
    return 'accepted'
  }
  assert.deepEqual(parse('not json'), [400, 'bad_request'])
  assert.deepEqual(parse('[]'), [400, 'validation_failed'])
  assert.deepEqual(parse(JSON.stringify(event())), [400, 'validation_failed'])
  const { portalId: _, ...noPortal } = event()
  assert.deepEqual(parse(JSON.stringify([noPortal])), [400, 'validation_failed'])
  assert.deepEqual(parse(JSON.stringify([event({ portalId: '62515' })])), [
    400,
    'validation_failed',
  ])
  assert.deepEqual(parse(JSON.stringify([event({ eventId: 1.5 })])), [400, 'validation_failed'])
  // Invalid UTF-8 is not JSON either.
  try {
    hubspotWebhooks.events(new Uint8Array([0x5b, 0xff, 0x5d]))
    assert.fail('accepted')
  } catch (error) {
    assert.equal((error as AppError).code, 'bad_request')
  }
})
