// The HubSpot sandbox's rate limits: a rolling 10-second burst per portal, 5 searches a second,
// a daily allowance reset at the portal's midnight, each with HubSpot's 429 body and headers.

import assert from 'node:assert/strict'
import {
  createPortalWithApp,
  hubspotApi,
  hubspotInProcess,
  installApp,
} from '../../helpers/hubspot-sandbox.ts'

async function connected() {
  const sb = hubspotInProcess()
  const portal = createPortalWithApp(sb, { contacts: 3 })
  const t = await installApp(sb, portal.app)
  const api = (path: string, body?: unknown) => hubspotApi(sb, t.access_token, path, { body })
  return { sb, portal, api, token: t.access_token }
}

Deno.test('110 calls per rolling 10 s per portal, then 429 TEN_SECONDLY_ROLLING', async () => {
  const { sb, portal, api } = await connected()
  for (let i = 0; i < 110; i++) {
    const ok = await api('/crm/v3/objects/contacts')
    assert.equal(ok.status, 200)
    assert.equal(ok.headers.get('X-HubSpot-RateLimit-Remaining'), String(109 - i))
    assert.equal(ok.headers.get('X-HubSpot-RateLimit-Max'), '110')
    assert.equal(ok.headers.get('X-HubSpot-RateLimit-Interval-Milliseconds'), '10000')
    if (i === 49) sb.control.advanceClock(5000)
  }
  const limited = await api('/crm/v3/objects/contacts')
  assert.equal(limited.status, 429)
  assert.equal(limited.body.status, 'error')
  assert.equal(limited.body.errorType, 'RATE_LIMIT')
  assert.equal(limited.body.policyName, 'TEN_SECONDLY_ROLLING')
  assert.match(limited.body.groupName, new RegExp(`:${portal.portalId}$`))
  assert.ok(limited.body.correlationId)
  // HubSpot often sends no Retry-After: clients must key on policyName (trap 7).
  assert.equal(limited.headers.get('retry-after'), null)
  // Rolling: the first 50 calls leave the window 10 s after they were made.
  sb.control.advanceClock(5000)
  assert.equal((await api('/crm/v3/objects/contacts')).status, 200)
  // Another portal has its own budget.
  const other = createPortalWithApp(sb, { contacts: 1 })
  const t2 = await installApp(sb, other.app)
  assert.equal((await hubspotApi(sb, t2.access_token, '/crm/v3/objects/contacts')).status, 200)
})

Deno.test('searches are limited to 5 a second (429 SECONDLY) and count toward the burst', async () => {
  const { sb, api } = await connected()
  const search = () => api('/crm/v3/objects/contacts/search', { limit: 1 })
  for (let i = 0; i < 5; i++) {
    const ok = await search()
    assert.equal(ok.status, 200)
    assert.equal(ok.headers.get('X-HubSpot-RateLimit-Secondly-Remaining'), String(4 - i))
  }
  const limited = await search()
  assert.equal(limited.status, 429)
  assert.equal(limited.body.policyName, 'SECONDLY')
  assert.equal(limited.body.message, 'You have reached your secondly limit.')
  // A non-search call is not held back by the search limit.
  const list = await api('/crm/v3/objects/contacts')
  assert.equal(list.status, 200)
  // Five searches and one list counted; the refused search did not.
  assert.equal(list.headers.get('X-HubSpot-RateLimit-Remaining'), String(110 - 6))
  sb.control.advanceClock(1000)
  assert.equal((await search()).status, 200)
})

Deno.test('the daily allowance runs out with 429 DAILY and resets at midnight in the portal zone', async () => {
  const { sb, portal, api } = await connected()
  // 2026-03-02T10:00Z is 05:00 in New York; midnight there is 05:00Z the next day.
  sb.control.updatePortal(portal.portalId, { dailyLimit: 1000, dailyUsed: 999 })
  const last = await api('/crm/v3/objects/contacts')
  assert.equal(last.status, 200)
  assert.equal(last.headers.get('X-HubSpot-RateLimit-Daily-Remaining'), '0')
  const limited = await api('/crm/v3/objects/contacts')
  assert.equal(limited.status, 429)
  assert.equal(limited.body.policyName, 'DAILY')
  sb.control.advanceClock(18 * 3_600_000 + 59 * 60_000) // 04:59Z: still the same day there
  const t = await installApp(sb, portal.app)
  const stillOut = await hubspotApi(sb, t.access_token, '/crm/v3/objects/contacts')
  assert.equal(stillOut.body.policyName, 'DAILY')
  sb.control.advanceClock(60_000)
  const fresh = await hubspotApi(sb, t.access_token, '/crm/v3/objects/contacts')
  assert.equal(fresh.status, 200)
  assert.equal(fresh.headers.get('X-HubSpot-RateLimit-Daily-Remaining'), '999')
})

Deno.test('OAuth calls and refused calls do not count against the limits', async () => {
  const { sb, portal, api } = await connected()
  sb.control.updatePortal(portal.portalId, { burstLimit: 2 })
  assert.equal((await api('/crm/v3/objects/contacts')).status, 200)
  await hubspotApi(sb, 'bogus', '/crm/v3/objects/contacts')
  await installApp(sb, portal.app)
  const second = await api('/crm/v3/objects/contacts')
  assert.equal(second.status, 200)
  assert.equal(second.headers.get('X-HubSpot-RateLimit-Remaining'), '0')
  const counted = sb.control.requests().filter((e) => e.counted).map((e) => e.endpoint)
  assert.deepEqual(counted, ['crm.list', 'crm.list'])
})
