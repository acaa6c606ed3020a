// OAuth 2.0 web-server flow: authorize page and redirects, code exchange, PKCE, refresh, rotation, revoke.

import assert from 'node:assert/strict'
import {
  api,
  authorize,
  CALLBACK,
  login,
  newVerifier,
  postForm,
  type Running,
  s256,
  withSandbox,
} from './support/sandbox.ts'
import type { CreatedOrg } from '../../scripts/sandbox/salesforce/control.ts'

function authorizeUrl(org: CreatedOrg, params: Record<string, string> = {}, base = org.loginUrl) {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: org.app!.clientId,
    redirect_uri: CALLBACK,
    scope: 'api refresh_token',
    ...params,
  })
  return `${base}/services/oauth2/authorize?${q}`
}

function exchange(
  org: CreatedOrg,
  code: string,
  extra: Record<string, string> = {},
  base = org.loginUrl,
) {
  return postForm(`${base}/services/oauth2/token`, {
    grant_type: 'authorization_code',
    code,
    client_id: org.app!.clientId,
    client_secret: org.app!.clientSecret,
    redirect_uri: CALLBACK,
    ...extra,
  })
}

function refresh(org: CreatedOrg, refreshToken: string, base = org.loginUrl) {
  return postForm(`${base}/services/oauth2/token`, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: org.app!.clientId,
    client_secret: org.app!.clientSecret,
  })
}

async function codeFor(org: CreatedOrg, params: Record<string, string> = {}) {
  return (await authorize(authorizeUrl(org, params))).get('code')!
}

async function text(url: string, init?: RequestInit) {
  const res = await fetch(url, { redirect: 'manual', ...init })
  return { status: res.status, location: res.headers.get('location'), body: await res.text() }
}

Deno.test('shows an error page, not a redirect, for an unknown client_id or a callback mismatch', async () => {
  await withSandbox(async (_sb, org) => {
    const unknown = await text(authorizeUrl(org, { client_id: 'nope' }))
    assert.equal(unknown.status, 400)
    assert.equal(unknown.location, null)
    assert.match(unknown.body, /invalid_client_id/)
    assert.match(unknown.body, /client identifier invalid/)
    const mismatch = await text(authorizeUrl(org, { redirect_uri: `${CALLBACK}/` }))
    assert.equal(mismatch.status, 400)
    assert.equal(mismatch.location, null)
    assert.match(mismatch.body, /redirect_uri_mismatch/)
  })
})

Deno.test('a person can Allow or Deny on the approval page; state comes back either way', async () => {
  await withSandbox(async (_sb, org) => {
    const page = await text(authorizeUrl(org, { state: 'abc 123' }))
    assert.equal(page.status, 200)
    assert.match(page.body, /Allow Access\?/)
    const requestId = /name="request_id" value="([^"]+)"/.exec(page.body)![1]
    const action = /form method="post" action="([^"]+)"/.exec(page.body)![1]
    const allow = await text(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        request_id: requestId,
        username: org.user.username,
        action: 'allow',
      }),
    })
    assert.equal(allow.status, 302)
    const cb = new URL(allow.location!)
    assert.equal(`${cb.origin}${cb.pathname}`, CALLBACK)
    assert.equal(cb.searchParams.get('state'), 'abc 123')
    // Codes end in `==`: the callback must URL-decode them once.
    assert.match(allow.location!, /code=[^&]+%3D%3D/)
    assert.equal((await exchange(org, cb.searchParams.get('code')!)).status, 200)

    const again = await text(authorizeUrl(org, { state: 's2' }))
    const rid = /name="request_id" value="([^"]+)"/.exec(again.body)![1]
    const deny = await text(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request_id: rid, action: 'deny' }),
    })
    const denied = new URL(deny.location!).searchParams
    assert.equal(denied.get('error'), 'access_denied')
    assert.equal(denied.get('error_description'), 'end-user denied authorization')
    assert.equal(denied.get('state'), 's2')
  }, { autoApprove: false })
})

Deno.test('returns the real token response: no expires_in, ms issued_at, id URL, HMAC signature', async () => {
  await withSandbox(async (_sb, org) => {
    const res = await exchange(org, await codeFor(org))
    const body = res.json as Record<string, string>
    assert.equal(res.status, 200)
    assert.deepEqual(Object.keys(body), [
      'access_token',
      'refresh_token',
      'signature',
      'scope',
      'instance_url',
      'id',
      'token_type',
      'issued_at',
    ])
    assert.ok(body.access_token.startsWith(`${org.orgId.slice(0, 15)}!`))
    assert.equal(body.instance_url, org.instanceUrl)
    assert.notEqual(body.instance_url, org.loginUrl)
    assert.equal(body.id, `${org.loginUrl}/id/${org.orgId}/${org.user.id}`)
    assert.match(body.issued_at, /^\d{13}$/)
    assert.equal(body.token_type, 'Bearer')
    assert.equal(body.scope, 'api refresh_token')
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(org.app!.clientSecret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    )
    const mac = new Uint8Array(
      await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body.id + body.issued_at)),
    )
    assert.equal(body.signature, btoa(String.fromCharCode(...mac)))
  })
})

Deno.test('omits refresh_token without the refresh_token scope', async () => {
  await withSandbox(async (_sb, org) => {
    const res = await exchange(org, await codeFor(org, { scope: 'api' }))
    assert.equal((res.json as Record<string, string>).refresh_token, undefined)
  })
})

Deno.test('rejects a reused authorization code and an expired one', async () => {
  await withSandbox(async (sb, org) => {
    const code = await codeFor(org)
    assert.equal((await exchange(org, code)).status, 200)
    const reused = await exchange(org, code)
    assert.equal(reused.status, 400)
    assert.deepEqual(reused.json, {
      error: 'invalid_grant',
      error_description: 'invalid authorization code',
    })
    const late = await codeFor(org)
    sb.control.advanceClock(15 * 60_000 + 1000)
    assert.deepEqual((await exchange(org, late)).json, {
      error: 'invalid_grant',
      error_description: 'invalid authorization code',
    })
  })
})

Deno.test('rejects a redirect_uri that differs from the one used at authorize', async () => {
  await withSandbox(async (sb, org) => {
    sb.control.updateApp(org.app!.clientId, {
      callbackUrls: [CALLBACK, 'http://localhost:3000/other'],
    })
    const res = await exchange(org, await codeFor(org), {
      redirect_uri: 'http://localhost:3000/other',
    })
    assert.deepEqual(res.json, {
      error: 'invalid_grant',
      error_description: 'authentication failure',
    })
  })
})

Deno.test('checks PKCE: S256 and plain, mismatch, missing verifier, and the ~ Salesforce refuses', async () => {
  await withSandbox(async (_sb, org) => {
    const verifier = newVerifier()
    const s = await codeFor(org, { code_challenge: await s256(verifier) })
    const bad = await exchange(org, s, { code_verifier: newVerifier() })
    assert.deepEqual(bad.json, {
      error: 'invalid_grant',
      error_description: 'invalid code verifier',
    })
    assert.equal((await exchange(org, s, { code_verifier: verifier })).status, 200)

    const missing = await codeFor(org, { code_challenge: await s256(verifier) })
    assert.equal((await exchange(org, missing)).status, 400)

    const plainVerifier = newVerifier()
    const plain = await codeFor(org, {
      code_challenge: plainVerifier,
      code_challenge_method: 'plain',
    })
    assert.equal((await exchange(org, plain, { code_verifier: plainVerifier })).status, 200)

    // RFC 7636 allows `~`, Salesforce answers invalid code verifier even when it matches.
    const tilde = `${newVerifier()}~x`
    const t = await codeFor(org, { code_challenge: await s256(tilde) })
    assert.deepEqual((await exchange(org, t, { code_verifier: tilde })).json, {
      error: 'invalid_grant',
      error_description: 'invalid code verifier',
    })
  })
})

Deno.test('an app that requires PKCE redirects invalid_request when no challenge is sent', async () => {
  await withSandbox(async (sb, org) => {
    sb.control.updateApp(org.app!.clientId, { requirePkce: true })
    const cb = await authorize(authorizeUrl(org, { state: 'p' }))
    assert.equal(cb.get('error'), 'invalid_request')
    assert.equal(cb.get('state'), 'p')
  })
})

Deno.test('authenticates the client by form fields or HTTP Basic and names each failure', async () => {
  await withSandbox(async (_sb, org) => {
    const basic = btoa(`${org.app!.clientId}:${org.app!.clientSecret}`)
    const viaBasic = await postForm(`${org.loginUrl}/services/oauth2/token`, {
      grant_type: 'authorization_code',
      code: await codeFor(org),
      redirect_uri: CALLBACK,
    }, { authorization: `Basic ${basic}` })
    assert.equal(viaBasic.status, 200)
    const wrong = await exchange(org, await codeFor(org), { client_secret: 'wrong' })
    assert.deepEqual(wrong.json, {
      error: 'invalid_client',
      error_description: 'invalid client credentials',
    })
    const noSecret = await postForm(`${org.loginUrl}/services/oauth2/token`, {
      grant_type: 'authorization_code',
      code: await codeFor(org),
      client_id: org.app!.clientId,
      redirect_uri: CALLBACK,
    })
    assert.equal((noSecret.json as { error: string }).error, 'invalid_client')
    const unknown = await exchange(org, 'x', { client_id: 'nobody' })
    assert.deepEqual(unknown.json, {
      error: 'invalid_client_id',
      error_description: 'client identifier invalid',
    })
    const grant = await postForm(`${org.loginUrl}/services/oauth2/token`, {
      grant_type: 'password',
    })
    assert.deepEqual(grant.json, {
      error: 'unsupported_grant_type',
      error_description: 'grant type not supported',
    })
    const get = await fetch(`${org.loginUrl}/services/oauth2/token?grant_type=refresh_token`)
    assert.deepEqual(await get.json(), {
      error: 'invalid_request',
      error_description: 'must use HTTP POST',
    })
  })
})

Deno.test('a token request whose body is not form-encoded answers unsupported_grant_type', async () => {
  await withSandbox(async (_sb, org) => {
    const code = await codeFor(org)
    const fields = {
      grant_type: 'authorization_code',
      code,
      client_id: org.app!.clientId,
      client_secret: org.app!.clientSecret,
      redirect_uri: CALLBACK,
    }
    const post = async (body: BodyInit, headers: HeadersInit) => {
      const res = await fetch(`${org.loginUrl}/services/oauth2/token`, {
        method: 'POST',
        headers,
        body,
      })
      return { status: res.status, body: await res.json() }
    }
    const unsupported = {
      status: 400,
      body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' },
    }
    // Salesforce reads only an application/x-www-form-urlencoded body (facts §1.6, §11).
    const form = new TextEncoder().encode(new URLSearchParams(fields).toString())
    assert.deepEqual(
      await post(JSON.stringify(fields), { 'content-type': 'application/json' }),
      unsupported,
    )
    assert.deepEqual(await post(form, {}), unsupported, 'a form body without a content type')
    assert.deepEqual(await post(form, { 'content-type': 'text/plain' }), unsupported)
    // A form without grant_type is answered alike: Salesforce sees no grant type either way.
    const noGrant = await postForm(`${org.loginUrl}/services/oauth2/token`, {
      code,
      client_id: org.app!.clientId,
    })
    assert.deepEqual({ status: noGrant.status, body: noGrant.json }, unsupported)
    // None of them used the code: the form-encoded exchange still succeeds with it.
    assert.equal((await exchange(org, code)).status, 200)
  })
})

Deno.test('a refresh returns a new access token and no refresh_token unless rotation is on', async () => {
  await withSandbox(async (_sb, org) => {
    const t = await login(org)
    const r = await refresh(org, t.refresh_token!)
    const body = r.json as Record<string, string>
    assert.equal(r.status, 200)
    assert.equal(body.refresh_token, undefined)
    assert.notEqual(body.access_token, t.access_token)
    assert.equal(body.instance_url, org.instanceUrl)
    // The old refresh token keeps working.
    assert.equal((await refresh(org, t.refresh_token!)).status, 200)
  })
})

Deno.test('with rotation, each refresh rotates the token and reusing an old one revokes the grant', async () => {
  await withSandbox(async (_sb, org) => {
    const t = await login(org)
    const r1 = (await refresh(org, t.refresh_token!)).json as Record<string, string>
    assert.ok(r1.refresh_token && r1.refresh_token !== t.refresh_token)
    const r2 = (await refresh(org, r1.refresh_token)).json as Record<string, string>
    assert.ok(r2.refresh_token)
    const reuse = await refresh(org, t.refresh_token!)
    assert.deepEqual(reuse.json, {
      error: 'invalid_grant',
      error_description: 'expired access/refresh token',
    })
    // The whole family is dead now, including the newest token and its sessions.
    assert.equal((await refresh(org, r2.refresh_token)).status, 400)
    assert.equal((await api({ ...t, access_token: r2.access_token }, '/limits')).status, 401)
  }, { rotate: true })
})

Deno.test('a sandbox org logs in through the test host and its codes do not work on the production host', async () => {
  await withSandbox(async (sb) => {
    const org = sb.control.createOrg({
      name: 'Globex',
      kind: 'sandbox',
      contacts: 3,
      app: { callbackUrls: [CALLBACK] },
    })
    assert.equal(org.loginUrl, `${sb.url}/test`)
    assert.match(org.instanceUrl, /\/instance\/globex--dev$/)
    assert.match(org.user.username, /\.dev$/)
    const code = (await authorize(authorizeUrl(org))).get('code')!
    const wrongHost = await exchange(org, code, {}, sb.url)
    assert.deepEqual(wrongHost.json, {
      error: 'invalid_grant',
      error_description: 'authentication failure',
    })
    const ok = await exchange(org, (await authorize(authorizeUrl(org))).get('code')!)
    const body = ok.json as Record<string, string>
    assert.equal(body.id, `${sb.url}/test/id/${org.orgId}/${org.user.id}`)
    // The production login host does not know sandbox users: it shows the login page instead.
    const prod = await text(authorizeUrl(org, { login_hint: org.user.username }, sb.url))
    assert.equal(prod.status, 200)
    assert.doesNotMatch(prod.body, /globex/)
  })
})

Deno.test('the My Domain (instance) host also serves the OAuth endpoints for its org', async () => {
  await withSandbox(async (_sb, org) => {
    const code = (await authorize(authorizeUrl(org, {}, org.instanceUrl))).get('code')!
    assert.equal((await exchange(org, code, {}, org.instanceUrl)).status, 200)
  })
})

Deno.test('revoking an access token ends that session; revoking a refresh token ends the grant', async () => {
  await withSandbox(async (_sb, org) => {
    const t = await login(org)
    const other = (await refresh(org, t.refresh_token!)).json as Record<string, string>
    const revokeUrl = `${org.loginUrl}/services/oauth2/revoke`
    assert.equal((await postForm(revokeUrl, { token: t.access_token })).status, 200)
    assert.equal((await api(t, '/limits')).status, 401)
    assert.equal((await api({ ...t, access_token: other.access_token }, '/limits')).status, 200)
    const r = await postForm(revokeUrl, { token: t.refresh_token! })
    assert.equal(r.status, 200)
    assert.equal(r.text, '')
    assert.equal((await api({ ...t, access_token: other.access_token }, '/limits')).status, 401)
    assert.equal((await refresh(org, t.refresh_token!)).status, 400)
    const unknown = await postForm(revokeUrl, { token: 'nope' })
    assert.deepEqual(unknown.json, { error: 'invalid_token', error_description: 'invalid token' })
  })
})

Deno.test('serves userinfo and the identity URL, and answers 403 for a dead token', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const headers = { authorization: `Bearer ${t.access_token}` }
    const id = await (await fetch(t.id, { headers })).json()
    assert.equal(id.user_id, org.user.id)
    assert.equal(id.organization_id, org.orgId)
    assert.equal(id.username, org.user.username)
    assert.equal(id.urls.rest, `${org.instanceUrl}/services/data/v{version}/`)
    const info = await (await fetch(`${org.loginUrl}/services/oauth2/userinfo`, { headers })).json()
    assert.equal(info.sub, t.id)
    assert.equal(info.preferred_username, org.user.username)
    sb.control.expireAccessTokens(org.orgId)
    const dead = await fetch(t.id, { headers })
    assert.equal(dead.status, 403)
    assert.equal(await dead.text(), 'Bad_OAuth_Token')
  })
})

Deno.test('a sixth approval by the same user revokes the oldest grant', async () => {
  await withSandbox(async (_sb, org) => {
    const grants = []
    for (let i = 0; i < 6; i++) grants.push(await login(org))
    assert.equal((await refresh(org, grants[0].refresh_token!)).status, 400)
    for (const g of grants.slice(1)) {
      assert.equal((await refresh(org, g.refresh_token!)).status, 200)
    }
  })
})

Deno.test('immediate=true without a prior approval redirects immediate_unsuccessful', async () => {
  await withSandbox(async (sb: Running, org) => {
    const cb = await authorize(authorizeUrl(org, { immediate: 'true', state: 'i' }))
    assert.equal(cb.get('error'), 'immediate_unsuccessful')
    assert.equal(cb.get('state'), 'i')
    // Approve once (per-app auto-approve), then immediate=true succeeds without the page.
    sb.control.updateApp(org.app!.clientId, { autoApprove: true })
    await login(org)
    sb.control.updateApp(org.app!.clientId, { autoApprove: false })
    assert.ok((await authorize(authorizeUrl(org, { immediate: 'true' }))).get('code'))
  }, { autoApprove: false })
})

Deno.test('a deactivated user cannot refresh: invalid_grant inactive user', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    sb.control.setUserActive(org.orgId, org.user.id, false)
    assert.deepEqual((await refresh(org, t.refresh_token!)).json, {
      error: 'invalid_grant',
      error_description: 'inactive user',
    })
  })
})
