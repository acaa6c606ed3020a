// The HubSpot sandbox's OAuth: install on app.hubspot.com, tokens on api.hubapi.com, 30-minute
// access tokens, refresh tokens that never rotate, revoke, token metadata, account info.

import assert from 'node:assert/strict'
import {
  API_HOST,
  APP_HOST,
  createPortalWithApp,
  HUBSPOT_CALLBACK,
  hubspotApi,
  hubspotInProcess,
  installApp,
} from '../../helpers/hubspot-sandbox.ts'

function form(body: Record<string, string>, path = '/oauth/v1/token') {
  return new Request(`${API_HOST}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  })
}

function authorizeUrl(params: Record<string, string>, path = '/oauth/authorize') {
  const url = new URL(`${APP_HOST}${path}`)
  url.search = new URLSearchParams(params).toString()
  return new Request(url, { redirect: 'manual' })
}

Deno.test('an install returns a 30-minute access token, a refresh token, the hub id and scopes', async () => {
  const sb = hubspotInProcess()
  const portal = createPortalWithApp(sb)
  const t = await installApp(sb, portal.app)
  assert.equal(t.token_type, 'bearer')
  assert.equal(t.expires_in, 1800)
  assert.equal(t.hub_id, portal.portalId)
  assert.deepEqual(t.scopes, portal.app.scopes)
  assert.match(t.refresh_token, /^na1-/)
  const account = await hubspotApi(sb, t.access_token, '/account-info/v3/details')
  assert.equal(account.status, 200)
  assert.equal(account.body.portalId, portal.portalId)
  assert.equal(account.body.uiDomain, 'app.hubspot.com')
})

Deno.test('a refresh returns the same refresh token and a new access token', async () => {
  const sb = hubspotInProcess()
  const { app } = createPortalWithApp(sb)
  const t = await installApp(sb, app)
  const refresh = () =>
    sb.fetch(form({
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token,
      client_id: app.clientId,
      client_secret: app.clientSecret,
    }))
  const first = await (await refresh()).json()
  const second = await (await refresh()).json()
  assert.equal(first.refresh_token, t.refresh_token)
  assert.equal(second.refresh_token, t.refresh_token)
  assert.notEqual(first.access_token, t.access_token)
  assert.notEqual(second.access_token, first.access_token)
  // The old access token still works until its own expiry.
  assert.equal((await hubspotApi(sb, t.access_token, '/crm/v3/objects/contacts')).status, 200)
})

Deno.test('access tokens expire after 30 minutes of sandbox time with HubSpot 401 body', async () => {
  const sb = hubspotInProcess()
  const { app } = createPortalWithApp(sb)
  const t = await installApp(sb, app)
  sb.control.advanceClock(29 * 60_000)
  assert.equal((await hubspotApi(sb, t.access_token, '/crm/v3/objects/contacts')).status, 200)
  sb.control.advanceClock(60_000 + 12_000)
  const expired = await hubspotApi(sb, t.access_token, '/crm/v3/objects/contacts')
  assert.equal(expired.status, 401)
  assert.equal(expired.body.category, 'EXPIRED_AUTHENTICATION')
  assert.equal(
    expired.body.message,
    'The OAuth token used to make this call expired 12 second(s) ago.',
  )
  assert.equal(expired.body.status, 'error')
  assert.ok(expired.body.correlationId)
})

Deno.test('the authorization code is single use and bound to the PKCE verifier and redirect', async () => {
  const sb = hubspotInProcess()
  const { app } = createPortalWithApp(sb)
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' // S256 of the RFC 7636 verifier
  const redirect = await sb.fetch(authorizeUrl({
    client_id: app.clientId,
    redirect_uri: HUBSPOT_CALLBACK,
    scope: app.scopes.join(' '),
    state: 's1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }))
  assert.equal(redirect.status, 302)
  const location = new URL(redirect.headers.get('location')!)
  assert.equal(location.searchParams.get('state'), 's1')
  const code = location.searchParams.get('code')!
  const exchange = (extra: Record<string, string>) =>
    sb.fetch(form({
      grant_type: 'authorization_code',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      redirect_uri: HUBSPOT_CALLBACK,
      code,
      ...extra,
    }))
  const wrong = await exchange({ code_verifier: 'not-the-verifier' })
  assert.equal(wrong.status, 400)
  assert.equal((await wrong.json()).error, 'invalid_grant')
  const badRedirect = await exchange({
    redirect_uri: 'http://127.0.0.1:9/elsewhere',
    code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  })
  assert.equal((await badRedirect.json()).status, 'BAD_REDIRECT_URI')
  const ok = await exchange({ code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' })
  assert.equal(ok.status, 200)
  await ok.body?.cancel()
  const reused = await exchange({ code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' })
  assert.equal(reused.status, 400)
  const body = await reused.json()
  assert.equal(body.status, 'BAD_AUTH_CODE')
  assert.equal(body.error, 'invalid_grant')
  assert.ok(body.error_description)
})

Deno.test('a bad client, redirect URL or scope list gets an error page, not a redirect', async () => {
  const sb = hubspotInProcess()
  const { app } = createPortalWithApp(sb)
  const good = {
    client_id: app.clientId,
    redirect_uri: HUBSPOT_CALLBACK,
    scope: app.scopes.join(' '),
  }
  for (
    const params of [
      { ...good, client_id: 'nope' },
      { ...good, redirect_uri: 'http://127.0.0.1:9/other' },
      { ...good, scope: 'oauth crm.objects.contacts.read' },
      { ...good, scope: `${good.scope} crm.objects.deals.read` },
    ]
  ) {
    const res = await sb.fetch(authorizeUrl(params))
    assert.equal(res.status, 400)
    assert.equal(res.headers.get('location'), null)
    assert.match(await res.text(), /misconfigured/)
  }
})

Deno.test('the consent page installs into the chosen portal, or redirects access_denied', async () => {
  const sb = hubspotInProcess({ autoApprove: false })
  const { app } = createPortalWithApp(sb, {}, { autoApprove: null })
  const other = sb.control.createPortal({ name: 'Second' })
  const params = {
    client_id: app.clientId,
    redirect_uri: HUBSPOT_CALLBACK,
    scope: app.scopes.join(' '),
    state: 'xyz',
  }
  const page = await sb.fetch(authorizeUrl(params))
  assert.equal(page.status, 200)
  assert.match(await page.text(), new RegExp(`value="${other.portalId}"`))
  const decide = (decision: string) =>
    sb.fetch(
      new Request(authorizeUrl(params).url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ decision, portalId: String(other.portalId) }),
      }),
    )
  const denied = new URL((await decide('deny')).headers.get('location')!)
  assert.equal(denied.searchParams.get('error'), 'access_denied')
  assert.equal(denied.searchParams.get('state'), 'xyz')
  const allowed = new URL((await decide('allow')).headers.get('location')!)
  const res = await sb.fetch(form({
    grant_type: 'authorization_code',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    redirect_uri: HUBSPOT_CALLBACK,
    code: allowed.searchParams.get('code')!,
  }))
  assert.equal((await res.json()).hub_id, other.portalId)
})

Deno.test('the account-pinned authorize URL installs into that portal', async () => {
  const sb = hubspotInProcess()
  const { app } = createPortalWithApp(sb)
  const second = sb.control.createPortal({ name: 'Pinned' })
  const t = await installApp(sb, app, { portalId: second.portalId })
  assert.equal(t.hub_id, second.portalId)
})

Deno.test('token metadata gives hub_id and seconds left; the tokens never appear in the log', async () => {
  const sb = hubspotInProcess()
  const portal = createPortalWithApp(sb)
  const t = await installApp(sb, portal.app)
  sb.control.advanceClock(600_000)
  const info =
    await (await sb.fetch(new Request(`${API_HOST}/oauth/v1/access-tokens/${t.access_token}`)))
      .json()
  assert.equal(info.hub_id, portal.portalId)
  assert.equal(info.app_id, portal.app.appId)
  assert.equal(info.expires_in, 1200)
  assert.equal(info.token_type, 'access')
  const refresh =
    await (await sb.fetch(new Request(`${API_HOST}/oauth/v1/refresh-tokens/${t.refresh_token}`)))
      .json()
  assert.equal(refresh.hub_id, portal.portalId)
  assert.equal(refresh.client_id, portal.app.clientId)
  const log = sb.control.requests()
  assert.ok(log.length >= 4)
  for (const entry of log) {
    assert.ok(!entry.path.includes(t.access_token) && !entry.path.includes(t.refresh_token))
  }
  assert.deepEqual(
    log.map((e) => e.endpoint),
    ['oauth.authorize', 'oauth.token', 'oauth.access-token-info', 'oauth.refresh-token-info'],
  )
})

Deno.test('DELETE of the refresh token revokes it; issued access tokens live out their time', async () => {
  const sb = hubspotInProcess()
  const { app } = createPortalWithApp(sb)
  const t = await installApp(sb, app)
  const revoke = await sb.fetch(
    new Request(`${API_HOST}/oauth/v1/refresh-tokens/${t.refresh_token}`, { method: 'DELETE' }),
  )
  assert.equal(revoke.status, 204)
  const refresh = await sb.fetch(form({
    grant_type: 'refresh_token',
    refresh_token: t.refresh_token,
    client_id: app.clientId,
    client_secret: app.clientSecret,
  }))
  assert.equal(refresh.status, 400)
  const body = await refresh.json()
  assert.equal(body.status, 'BAD_REFRESH_TOKEN')
  assert.equal(body.error, 'invalid_grant')
  assert.equal((await hubspotApi(sb, t.access_token, '/crm/v3/objects/contacts')).status, 200)
})

Deno.test('a killed grant (uninstall) stops both the access and the refresh token', async () => {
  const sb = hubspotInProcess()
  const portal = createPortalWithApp(sb)
  const t = await installApp(sb, portal.app)
  assert.equal(sb.control.killGrants(portal.portalId), 1)
  const call = await hubspotApi(sb, t.access_token, '/crm/v3/objects/contacts')
  assert.equal(call.status, 401)
  assert.equal(call.body.category, 'INVALID_AUTHENTICATION')
  const refresh = await sb.fetch(form({
    grant_type: 'refresh_token',
    refresh_token: t.refresh_token,
    client_id: portal.app.clientId,
    client_secret: portal.app.clientSecret,
  }))
  assert.equal((await refresh.json()).status, 'BAD_REFRESH_TOKEN')
})

Deno.test('expireAccessTokens makes the next call a 401 that a refresh cures', async () => {
  const sb = hubspotInProcess()
  const portal = createPortalWithApp(sb)
  const t = await installApp(sb, portal.app)
  assert.equal(sb.control.expireAccessTokens(portal.portalId), 1)
  assert.equal((await hubspotApi(sb, t.access_token, '/crm/v3/objects/contacts')).status, 401)
  const fresh = await (await sb.fetch(form({
    grant_type: 'refresh_token',
    refresh_token: t.refresh_token,
    client_id: portal.app.clientId,
    client_secret: portal.app.clientSecret,
  }))).json()
  assert.equal((await hubspotApi(sb, fresh.access_token, '/crm/v3/objects/contacts')).status, 200)
})

Deno.test('the 2026-03 token endpoint reads the body only; v1 also takes the query string', async () => {
  const sb = hubspotInProcess()
  const { app } = createPortalWithApp(sb)
  const t = await installApp(sb, app)
  const query = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: t.refresh_token,
    client_id: app.clientId,
    client_secret: app.clientSecret,
  })
  const v1 = await sb.fetch(new Request(`${API_HOST}/oauth/v1/token?${query}`, { method: 'POST' }))
  assert.equal(v1.status, 200)
  await v1.body?.cancel()
  const dated = await sb.fetch(
    new Request(`${API_HOST}/oauth/2026-03/token?${query}`, { method: 'POST' }),
  )
  assert.equal(dated.status, 400)
  assert.equal((await dated.json()).error, 'unsupported_grant_type')
  const body = await sb.fetch(form(Object.fromEntries(query), '/oauth/2026-03/token'))
  assert.equal((await body.json()).refresh_token, t.refresh_token)
  // Secrets sent in a query string are redacted in the request log.
  const logged = sb.control.requests({ endpoint: 'oauth.token' }).map((e) => e.path).join(' ')
  assert.ok(!logged.includes(t.refresh_token) && !logged.includes(app.clientSecret))
  assert.match(logged, /refresh_token=%5Bredacted%5D/)
})

Deno.test('a call without the scope it needs is 403 MISSING_SCOPES', async () => {
  const sb = hubspotInProcess()
  const { app } = createPortalWithApp(sb, {}, {
    scopes: ['oauth', 'crm.objects.contacts.read'],
  })
  const t = await installApp(sb, app)
  assert.equal((await hubspotApi(sb, t.access_token, '/crm/v3/objects/contacts')).status, 200)
  const denied = await hubspotApi(sb, t.access_token, '/crm/v3/objects/companies')
  assert.equal(denied.status, 403)
  assert.equal(denied.body.category, 'MISSING_SCOPES')
  assert.deepEqual(denied.body.errors[0].context.requiredGranularScopes, [
    'crm.objects.companies.read',
  ])
})
