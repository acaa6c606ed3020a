import assert from 'node:assert/strict'
import { app } from '../../../../../supabase/functions/webhooks/app.ts'
import {
  publicWebhookUrl,
  webhookPublicBase,
} from '../../../../../supabase/functions/_shared/webhooks/receiver.ts'
import { setEnv } from '../../../../helpers/env.ts'
import { signedHubSpotWebhook } from '../../../../helpers/hubspot-webhook.ts'
import { offlineCaller } from '../../../../helpers/offline-app.ts'

// Every delivery here is refused before any SQL, so no database is needed; accepted deliveries
// (dedupe, portal lookup, due objects) run against one in tests/integration and tests/e2e.
const secret = 'unit-test-hubspot-client-secret'
const publicBase = 'https://ref.supabase.co/functions/v1'
const call = offlineCaller(app, {
  HUBSPOT_CLIENT_SECRET: secret,
  HUBSPOT_CLIENT_ID: 'unit-test-hubspot-client-id',
  WEBHOOKS_PUBLIC_BASE_URL: publicBase,
})
const body = JSON.stringify([{
  eventId: 1,
  subscriptionId: 2,
  portalId: 62515,
  occurredAt: Date.now(),
  subscriptionType: 'contact.creation',
  objectId: 3,
}])

function signed(path: string, options: { timestamp?: number; url?: string } = {}) {
  return signedHubSpotWebhook(
    secret,
    options.url ?? `${publicBase}${path}`,
    body,
    options.timestamp,
  )
}

async function errorOf(response: Response): Promise<[number, string]> {
  return [response.status, (await response.json()).error.code]
}

Deno.test('webhooks: a delivery signed for another URL (the one behind the gateway) is 401', async () => {
  const path = '/webhooks/hubspot'
  const init = await signed(path, { url: `http://127.0.0.1:54321/functions/v1${path}` })
  assert.deepEqual(await errorOf(await call(path, init)), [401, 'signature_invalid'])
})

Deno.test('webhooks: unsigned, tampered and stale deliveries are 401 JSON', async () => {
  const path = '/webhooks/hubspot'
  const unsigned = { method: 'POST', headers: { 'content-type': 'application/json' }, body }
  assert.deepEqual(await errorOf(await call(path, unsigned)), [401, 'timestamp_invalid'])
  const tampered = await signed(path)
  tampered.body = body.replace('62515', '62516')
  assert.deepEqual(await errorOf(await call(path, tampered)), [401, 'signature_invalid'])
  const stale = await signed(path, { timestamp: Date.now() - 6 * 60_000 })
  assert.deepEqual(await errorOf(await call(path, stale)), [401, 'timestamp_invalid'])
})

Deno.test('webhooks: unknown providers and providers without webhooks are 404', async () => {
  assert.deepEqual(await errorOf(await call('/webhooks/nope', await signed('/webhooks/nope'))), [
    404,
    'not_found',
  ])
  const salesforce = await call('/webhooks/salesforce', await signed('/webhooks/salesforce'))
  assert.deepEqual(await errorOf(salesforce), [404, 'webhooks_unsupported'])
  assert.deepEqual(await errorOf(await call('/webhooks/Bad%20Id', { method: 'POST' })), [
    400,
    'validation_failed',
  ])
  assert.deepEqual(await errorOf(await call('/webhooks/hubspot', { method: 'GET' })), [
    404,
    'not_found',
  ])
})

Deno.test('webhooks: a body over the provider limit is 413 before it is verified', async () => {
  const big = `[${' '.repeat(300 * 1024)}]`
  const response = await call('/webhooks/hubspot', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: big,
  })
  assert.deepEqual(await errorOf(response), [413, 'payload_too_large'])
})

Deno.test('webhooks: the public URL comes from configuration, never from the request host', () => {
  const restore = setEnv({
    WEBHOOKS_PUBLIC_BASE_URL: undefined,
    PUBLIC_FUNCTIONS_URL: undefined,
    SUPABASE_URL: 'https://ref.supabase.co',
  })
  try {
    // Hosted: SUPABASE_URL is the project's gateway, which serves functions at /functions/v1.
    assert.equal(webhookPublicBase(), 'https://ref.supabase.co/functions/v1')
    assert.equal(
      publicWebhookUrl('http://edge-runtime.internal/webhooks/hubspot?a=%3A&b=1'),
      'https://ref.supabase.co/functions/v1/webhooks/hubspot?a=%3A&b=1',
    )
    setEnv({ PUBLIC_FUNCTIONS_URL: 'https://api.example.test/functions/v1' })
    assert.equal(webhookPublicBase(), 'https://api.example.test/functions/v1')
    setEnv({ WEBHOOKS_PUBLIC_BASE_URL: 'https://hooks.example.test/functions/v1/' })
    assert.equal(
      publicWebhookUrl('http://kong:8000/webhooks/hubspot'),
      'https://hooks.example.test/functions/v1/webhooks/hubspot',
    )
  } finally {
    restore()
  }
})
