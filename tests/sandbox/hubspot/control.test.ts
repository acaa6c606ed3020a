// The HubSpot sandbox's control API over HTTP, its fault injection, the per-host handler and the
// local prefixes (/app, /api) a client uses against a running sandbox.

import assert from 'node:assert/strict'
import {
  APP_HOST,
  createPortalWithApp,
  hubspotApi,
  hubspotInProcess,
  installApp,
  startHubSpot,
} from '../../helpers/hubspot-sandbox.ts'

async function control(base: string, path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${base}/__sandbox${path}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: init.body ? { 'content-type': 'application/json' } : {},
    body: init.body ? JSON.stringify(init.body) : undefined,
  })
  return { status: res.status, body: await res.json() }
}

Deno.test('over HTTP: a portal with an app, an install through /app and /api, data changes', async () => {
  const sb = await startHubSpot()
  try {
    const created = await control(sb.url, '/portals', {
      body: {
        name: 'Initech',
        contacts: 30,
        companies: 3,
        app: { redirectUris: ['http://127.0.0.1:9/cb'], autoApprove: true },
      },
    })
    assert.equal(created.status, 201)
    const portal = created.body
    assert.equal(portal.counts.contacts, 30)
    assert.equal(portal.app.authorizeUrl, `${sb.url}/app/oauth/authorize`)
    assert.equal(portal.app.tokenUrl, `${sb.url}/api/oauth/v1/token`)
    const t = await installApp(sb.sandbox, portal.app, {
      fetch: (r) => fetch(r),
      appBase: `${sb.url}/app`,
      apiBase: `${sb.url}/api`,
      redirectUri: 'http://127.0.0.1:9/cb',
    })
    assert.equal(t.hub_id, portal.portalId)
    const list = await fetch(`${sb.url}/api/crm/v3/objects/contacts?limit=5`, {
      headers: { authorization: `Bearer ${t.access_token}` },
    })
    assert.equal((await list.json()).results.length, 5)

    const P = `/portals/${portal.portalId}`
    const ids = (await control(sb.url, `${P}/records/contacts`)).body.ids
    const touched = await control(sb.url, `${P}/records/contacts/touch`, {
      body: { count: 10, properties: { jobtitle: 'Bulk' }, at: '2026-03-02T11:00:00.123Z' },
    })
    assert.deepEqual(touched.body, { ids: ids.slice(0, 10), at: '2026-03-02T11:00:00.123Z' })
    const one = await control(sb.url, `${P}/records/contacts/${ids[0]}`)
    assert.equal(one.body.properties.lastmodifieddate, '2026-03-02T11:00:00.123Z')
    assert.equal(one.body.properties.jobtitle, 'Bulk')
    await control(sb.url, `${P}/records/contacts/merge`, {
      body: { primaryId: ids[0], mergedId: ids[1] },
    })
    await control(sb.url, `${P}/records/contacts/archive`, { body: { ids: [ids[2]] } })
    await control(sb.url, `${P}/gdpr-delete`, { body: { ids: [ids[3]] } })
    const after = await control(sb.url, `/portals/${portal.portalId}`)
    assert.equal(after.body.counts.contacts, 30 - 3)
    assert.equal(after.body.archivedCounts.contacts, 1)
    const advanced = await control(sb.url, '/clock/advance', { body: { seconds: 1800 } })
    assert.equal(advanced.body.now, '2026-03-02T10:30:00.000Z')
    const expired = await fetch(`${sb.url}/api/crm/v3/objects/contacts`, {
      headers: { authorization: `Bearer ${t.access_token}` },
    })
    assert.equal(expired.status, 401)
    await expired.body?.cancel()
    const log = await control(sb.url, `/requests?portalId=${portal.portalId}&endpoint=crm.list`)
    assert.equal(log.body.count, 2)
    assert.equal((await control(sb.url, '/nope')).status, 404)
    const bad = await control(sb.url, `${P}/records/contacts/archive`, { body: { ids: ['1'] } })
    assert.equal(bad.status, 400)
    await control(sb.url, '/reset', { body: {} })
    assert.deepEqual((await control(sb.url, '/portals')).body, [])
  } finally {
    await sb.close()
  }
})

Deno.test('handleHost serves a real host path; fetch takes the real hosts URLs as well', async () => {
  const sb = hubspotInProcess()
  const portal = createPortalWithApp(sb)
  const t = await installApp(sb, portal.app)
  const direct = await sb.handleHost(
    'api.hubapi.com',
    new Request('http://anything.invalid/crm/v3/objects/contacts?limit=2', {
      headers: { authorization: `Bearer ${t.access_token}` },
    }),
  )
  assert.equal((await direct.json()).results.length, 2)
  const page = await sb.handleHost('app.hubspot.com', new Request('http://x.invalid/nope'))
  assert.equal(page.status, 404)
  await page.body?.cancel()
  const viaHost = await sb.fetch(new Request(`${APP_HOST}/oauth/authorize`))
  assert.equal(viaHost.status, 400)
  await viaHost.body?.cancel()
  const log = sb.control.requests()
  assert.deepEqual(log.slice(-3).map((e) => e.host), ['api', 'app', 'app'])
})

Deno.test('faults: 429 bursts, 5xx, 530 and a spurious 401 for the next N matching calls', async () => {
  const sb = hubspotInProcess()
  const portal = createPortalWithApp(sb)
  const t = await installApp(sb, portal.app)
  const api = () => hubspotApi(sb, t.access_token, '/crm/v3/objects/contacts/search', { body: {} })
  sb.control.injectFault({ kind: '429', count: 2, path: '/search$' })
  sb.control.injectFault({ kind: '429-secondly', count: 1, retryAfterSeconds: 1 })
  const statuses = []
  for (let i = 0; i < 4; i++) {
    const res = await api()
    statuses.push(`${res.status}:${res.body?.policyName ?? ''}:${res.headers.get('retry-after')}`)
  }
  assert.deepEqual(statuses, [
    '429:TEN_SECONDLY_ROLLING:null',
    '429:TEN_SECONDLY_ROLLING:null',
    '429:SECONDLY:1',
    '200::null',
  ])
  for (const kind of ['500', '502', '503', '530', '401'] as const) {
    sb.control.injectFault({ kind, orgId: String(portal.portalId) })
    const res = await sb.fetch(
      new Request('https://api.hubapi.com/crm/v3/objects/contacts', {
        headers: { authorization: `Bearer ${t.access_token}` },
      }),
    )
    assert.equal(res.status, Number(kind))
    const type = res.headers.get('content-type') ?? ''
    assert.ok(kind === '500' || kind === '401' ? type.includes('json') : type.includes('html'))
    await res.body?.cancel()
  }
  // Scoped to another portal: this one is untouched.
  sb.control.injectFault({ kind: '500', orgId: '1' })
  assert.equal((await hubspotApi(sb, t.access_token, '/crm/v3/objects/contacts')).status, 200)
  assert.equal(sb.control.listFaults().length, 1)
  assert.deepEqual(
    sb.control.requests().filter((e) => e.fault).map((e) => e.fault),
    ['429', '429', '429-secondly', '500', '502', '503', '530', '401'],
  )
  assert.throws(() => sb.control.injectFault({ kind: 'nope' as '500' }))
})

Deno.test('faults: a dropped connection and a truncated page fail the client mid-request', async () => {
  const sb = await startHubSpot()
  try {
    const portal = createPortalWithApp(sb.sandbox, { contacts: 50 })
    const t = await installApp(sb.sandbox, portal.app)
    const get = () =>
      fetch(`${sb.url}/api/crm/v3/objects/contacts?limit=100`, {
        headers: { authorization: `Bearer ${t.access_token}` },
      }).then((r) => r.json())
    sb.control.injectFault({ kind: 'drop' })
    await assert.rejects(get())
    sb.control.injectFault({ kind: 'truncate' })
    await assert.rejects(get())
    assert.equal((await get()).results.length, 50)
  } finally {
    await sb.close()
  }
})

Deno.test('the same seed gives the same records', () => {
  const one = hubspotInProcess({ seed: 7 })
  const two = hubspotInProcess({ seed: 7 })
  const a = one.control.createPortal({ contacts: 20, companies: 3 })
  const b = two.control.createPortal({ contacts: 20, companies: 3 })
  const props = (sb: typeof one, portalId: number) =>
    sb.control.listIds(portalId, 'contacts').map((id) =>
      sb.control.getRecord(portalId, 'contacts', id)
    )
  assert.deepEqual(props(one, a.portalId), props(two, b.portalId))
  const names = props(one, a.portalId).map((r) => r!.properties.lastname)
  assert.ok(new Set(names).size > 5)
})
