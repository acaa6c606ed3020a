// Every OAuth 2.0 provider's connect flow against the simulator, stated per provider here (not
// read from the simulator's config): authorize → code → token request in the provider's shape →
// identity call → refresh with the provider's rotation → a killed grant in the provider's error
// shape → revoke where the provider has one.

import assert from 'node:assert/strict'
import {
  authorizeInBrowser,
  pkcePair,
  registerClient,
  type RunningProviderSimulator,
  simulatorCallback,
  viaSimulator,
  withSimulator,
} from '../../helpers/provider-simulator.ts'

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>

interface Call {
  method?: string
  url: string
  headers?: Record<string, string>
  body?: string
}

interface Flow {
  provider: string
  authorizeUrl: string
  authorizeParams: Record<string, string>
  pkce: boolean
  tokenUrl: string
  format: 'form' | 'json'
  clientAuth: 'basic' | 'body'
  tokenExtra?: Record<string, string>
  /** Asserts the token response; returns the access and refresh tokens. */
  tokens(body: Json): { access: string; refresh: string | null }
  me(access: string, tokens: Json): Call
  checkMe(body: Json, tokens: Json): void
  /** What a refresh does to the refresh token. */
  refresh: 'none' | 'same' | 'omitted' | 'rotates' | 'reissued'
  /** A refresh (or, without refresh, an API call) after the grant was killed. */
  dead: { status: number; check(body: Json): void }
  revoke?: (t: { access: string; refresh: string | null; clientId: string; secret: string }) => Call
  revokeStatus?: number
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` })
const basic = (id: string, secret: string) => ({
  authorization: `Basic ${btoa(`${id}:${secret}`)}`,
})
const form = { 'content-type': 'application/x-www-form-urlencoded' }

const FLOWS: Flow[] = [
  {
    provider: 'hubspot',
    authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
    authorizeParams: { scope: 'oauth crm.objects.contacts.read' },
    pkce: true,
    tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
    format: 'form',
    clientAuth: 'body',
    tokens: (b) => {
      assert.equal(b.token_type, 'bearer')
      assert.equal(b.expires_in, 1800)
      assert.equal(typeof b.hub_id, 'number')
      assert.deepEqual(b.scopes, ['oauth', 'crm.objects.contacts.read'])
      return { access: b.access_token, refresh: b.refresh_token }
    },
    me: (a) => ({ url: 'https://api.hubapi.com/account-info/v3/details', headers: bearer(a) }),
    checkMe: (b, t) => assert.equal(b.portalId, t.hub_id),
    refresh: 'same',
    dead: {
      status: 400,
      check: (b) => {
        assert.equal(b.status, 'BAD_REFRESH_TOKEN')
        assert.equal(b.error, 'invalid_grant')
      },
    },
    revoke: (t) => ({
      method: 'DELETE',
      url: `https://api.hubapi.com/oauth/v1/refresh-tokens/${t.refresh}`,
    }),
    revokeStatus: 204,
  },
  {
    provider: 'pipedrive',
    authorizeUrl: 'https://oauth.pipedrive.com/oauth/authorize',
    authorizeParams: {},
    pkce: false,
    tokenUrl: 'https://oauth.pipedrive.com/oauth/token',
    format: 'form',
    clientAuth: 'basic',
    tokens: (b) => {
      assert.equal(b.api_domain, 'https://acme.pipedrive.com')
      assert.equal(b.expires_in, 3599)
      return { access: b.access_token, refresh: b.refresh_token }
    },
    me: (a, t) => ({ url: `${t.api_domain}/api/v1/users/me`, headers: bearer(a) }),
    checkMe: (b) => assert.equal(b.data.company_domain, 'acme'),
    refresh: 'same',
    dead: { status: 400, check: (b) => assert.equal(b.error, 'invalid_grant') },
    revoke: (t) => ({
      method: 'POST',
      url: 'https://oauth.pipedrive.com/oauth/revoke',
      headers: { ...basic(t.clientId, t.secret), ...form },
      body: new URLSearchParams({ token: t.refresh!, token_type_hint: 'refresh_token' }).toString(),
    }),
    revokeStatus: 200,
  },
  {
    provider: 'microsoft365',
    authorizeUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    authorizeParams: {
      response_type: 'code',
      response_mode: 'query',
      scope: 'offline_access User.Read',
    },
    pkce: false,
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    format: 'form',
    clientAuth: 'body',
    tokens: (b) => {
      assert.equal(b.token_type, 'Bearer')
      assert.equal(b.scope, 'User.Read')
      assert.equal(b.expires_in, 3599)
      return { access: b.access_token, refresh: b.refresh_token }
    },
    me: (a) => ({ url: 'https://graph.microsoft.com/v1.0/me', headers: bearer(a) }),
    checkMe: (b) => assert.match(b.id, /^[0-9a-f-]{36}$/),
    refresh: 'reissued',
    dead: {
      status: 400,
      check: (b) => {
        assert.equal(b.error, 'invalid_grant')
        assert.match(b.error_description, /^AADSTS\d+:/)
        assert.ok(Array.isArray(b.error_codes))
      },
    },
  },
  {
    provider: 'slack',
    authorizeUrl: 'https://slack.com/oauth/v2/authorize',
    authorizeParams: { scope: 'channels:read,chat:write', user_scope: 'search:read' },
    pkce: false,
    tokenUrl: 'https://slack.com/api/oauth.v2.access',
    format: 'form',
    clientAuth: 'body',
    tokens: (b) => {
      assert.equal(b.ok, true)
      assert.equal(b.token_type, 'bot')
      assert.equal(b.scope, 'channels:read,chat:write')
      assert.match(b.access_token, /^xoxb-/)
      assert.match(b.authed_user.access_token, /^xoxp-/)
      assert.equal(b.authed_user.scope, 'search:read')
      assert.equal(b.expires_in, undefined)
      assert.equal(b.refresh_token, undefined)
      return { access: b.access_token, refresh: null }
    },
    me: (a) => ({ method: 'POST', url: 'https://slack.com/api/auth.test', headers: bearer(a) }),
    checkMe: (b, t) => {
      assert.equal(b.ok, true)
      assert.equal(b.team_id, t.team.id)
    },
    refresh: 'none',
    // Slack's Web API reports auth failures with HTTP 200.
    dead: { status: 200, check: (b) => assert.deepEqual(b, { ok: false, error: 'token_revoked' }) },
    revoke: (t) => ({
      method: 'POST',
      url: 'https://slack.com/api/auth.revoke',
      headers: bearer(t.access),
    }),
    revokeStatus: 200,
  },
  {
    provider: 'asana',
    authorizeUrl: 'https://app.asana.com/-/oauth_authorize',
    authorizeParams: { response_type: 'code', scope: 'default' },
    pkce: true,
    tokenUrl: 'https://app.asana.com/-/oauth_token',
    format: 'form',
    clientAuth: 'body',
    tokens: (b) => {
      assert.equal(b.expires_in, 3600)
      assert.equal(typeof b.data.gid, 'string')
      return { access: b.access_token, refresh: b.refresh_token }
    },
    me: (a) => ({ url: 'https://app.asana.com/api/1.0/users/me', headers: bearer(a) }),
    checkMe: (b, t) => assert.equal(b.data.gid, t.data.gid),
    refresh: 'omitted',
    dead: { status: 400, check: (b) => assert.equal(b.error, 'invalid_grant') },
    revoke: (t) => ({
      method: 'POST',
      url: 'https://app.asana.com/-/oauth_revoke',
      headers: form,
      body: new URLSearchParams({
        client_id: t.clientId,
        client_secret: t.secret,
        token: t.refresh!,
      })
        .toString(),
    }),
    revokeStatus: 200,
  },
  {
    provider: 'notion',
    authorizeUrl: 'https://api.notion.com/v1/oauth/authorize',
    authorizeParams: { response_type: 'code', owner: 'user' },
    pkce: true,
    tokenUrl: 'https://api.notion.com/v1/oauth/token',
    format: 'json',
    clientAuth: 'basic',
    tokens: (b) => {
      assert.match(b.workspace_id, /^[0-9a-f-]{36}$/)
      assert.equal(b.refresh_token, undefined)
      assert.equal(b.expires_in, undefined)
      return { access: b.access_token, refresh: null }
    },
    me: (a) => ({
      url: 'https://api.notion.com/v1/users/me',
      headers: { ...bearer(a), 'notion-version': '2022-06-28' },
    }),
    checkMe: (b, t) => assert.equal(b.bot.workspace_name, t.workspace_name),
    refresh: 'none',
    dead: {
      status: 401,
      check: (b) => assert.deepEqual([b.object, b.code], ['error', 'unauthorized']),
    },
  },
  {
    provider: 'google',
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    authorizeParams: {
      response_type: 'code',
      scope: 'openid email https://www.googleapis.com/auth/calendar',
      access_type: 'offline',
      prompt: 'consent',
    },
    pkce: true,
    tokenUrl: 'https://oauth2.googleapis.com/token',
    format: 'form',
    clientAuth: 'body',
    tokens: (b) => {
      assert.equal(b.expires_in, 3599)
      assert.match(b.access_token, /^ya29\./)
      assert.ok(b.refresh_token)
      return { access: b.access_token, refresh: b.refresh_token }
    },
    me: (a) => ({ url: 'https://www.googleapis.com/oauth2/v2/userinfo', headers: bearer(a) }),
    checkMe: (b) => assert.equal(b.verified_email, true),
    refresh: 'omitted',
    dead: {
      status: 400,
      check: (b) =>
        assert.deepEqual(b, {
          error: 'invalid_grant',
          error_description: 'Token has been expired or revoked.',
        }),
    },
    revoke: (t) => ({
      method: 'POST',
      url: 'https://oauth2.googleapis.com/revoke',
      headers: form,
      body: new URLSearchParams({ token: t.refresh! }).toString(),
    }),
    revokeStatus: 200,
  },
  {
    provider: 'github',
    authorizeUrl: 'https://github.com/login/oauth/authorize',
    authorizeParams: { scope: 'repo read:user' },
    pkce: true,
    tokenUrl: 'https://github.com/login/oauth/access_token',
    format: 'form',
    clientAuth: 'body',
    tokens: (b) => {
      assert.equal(b.token_type, 'bearer')
      assert.equal(b.scope, 'repo,read:user')
      assert.equal(b.expires_in, undefined)
      assert.equal(b.refresh_token, undefined)
      return { access: b.access_token, refresh: null }
    },
    me: (a) => ({ url: 'https://api.github.com/user', headers: bearer(a) }),
    checkMe: (b) => assert.equal(b.login, 'acme-dev'),
    refresh: 'none',
    dead: { status: 401, check: (b) => assert.equal(b.message, 'Bad credentials') },
    revoke: (t) => ({
      method: 'DELETE',
      url: `https://api.github.com/applications/${t.clientId}/grant`,
      headers: { ...basic(t.clientId, t.secret), 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: t.access }),
    }),
    revokeStatus: 204,
  },
  {
    provider: 'gitlab',
    authorizeUrl: 'https://gitlab.com/oauth/authorize',
    authorizeParams: { response_type: 'code', scope: 'read_user api' },
    pkce: true,
    tokenUrl: 'https://gitlab.com/oauth/token',
    format: 'form',
    clientAuth: 'body',
    tokens: (b) => {
      assert.equal(b.expires_in, 7200)
      assert.equal(typeof b.created_at, 'number')
      return { access: b.access_token, refresh: b.refresh_token }
    },
    me: (a) => ({ url: 'https://gitlab.com/api/v4/user', headers: bearer(a) }),
    checkMe: (b) => assert.equal(b.username, 'acme-dev'),
    refresh: 'rotates',
    dead: { status: 400, check: (b) => assert.equal(b.error, 'invalid_grant') },
    revoke: (t) => ({
      method: 'POST',
      url: 'https://gitlab.com/oauth/revoke',
      headers: form,
      body: new URLSearchParams({ client_id: t.clientId, client_secret: t.secret, token: t.access })
        .toString(),
    }),
    revokeStatus: 200,
  },
  {
    provider: 'jira',
    authorizeUrl: 'https://auth.atlassian.com/authorize',
    authorizeParams: {
      response_type: 'code',
      audience: 'api.atlassian.com',
      prompt: 'consent',
      scope: 'read:jira-work offline_access',
    },
    pkce: true,
    tokenUrl: 'https://auth.atlassian.com/oauth/token',
    format: 'json',
    clientAuth: 'body',
    tokens: (b) => {
      assert.equal(b.expires_in, 3600)
      assert.ok(b.refresh_token)
      return { access: b.access_token, refresh: b.refresh_token }
    },
    me: (a) => ({
      url: 'https://api.atlassian.com/oauth/token/accessible-resources',
      headers: bearer(a),
    }),
    checkMe: (b) => {
      assert.match(b[0].id, /^[0-9a-f-]{36}$/)
      assert.equal(b[0].url, 'https://acme.atlassian.net')
    },
    refresh: 'rotates',
    // Atlassian answers a dead refresh token with 403.
    dead: {
      status: 403,
      check: (b) =>
        assert.deepEqual(b, {
          error: 'invalid_grant',
          error_description: 'Unknown or invalid refresh token.',
        }),
    },
  },
  {
    provider: 'bamboohr',
    authorizeUrl: 'https://acme.bamboohr.com/authorize.php',
    authorizeParams: {
      request: 'authorize',
      response_type: 'code',
      scope: 'openid email offline_access',
    },
    pkce: true,
    tokenUrl: 'https://acme.bamboohr.com/token.php?request=token',
    format: 'json',
    clientAuth: 'body',
    tokens: (b) => {
      assert.equal(b.companyDomain, 'acme')
      assert.equal(b.expires_in, 3600)
      return { access: b.access_token, refresh: b.refresh_token }
    },
    me: (a) => ({
      url: 'https://api.bamboohr.com/api/gateway.php/acme/v1/employees/0',
      headers: bearer(a),
    }),
    checkMe: (b) => assert.match(b.workEmail, /@acme\./),
    refresh: 'same',
    dead: { status: 400, check: (b) => assert.equal(b.error, 'invalid_grant') },
  },
  {
    provider: 'workday',
    authorizeUrl: 'https://wd2-impl.workday.com/acme/authorize',
    authorizeParams: { response_type: 'code' },
    pkce: false,
    tokenUrl: 'https://wd2-impl-services1.workday.com/ccx/oauth2/acme/token',
    format: 'form',
    clientAuth: 'basic',
    tokens: (b) => {
      assert.equal(b.token_type, 'Bearer')
      return { access: b.access_token, refresh: b.refresh_token }
    },
    me: (a) => ({
      url: 'https://wd2-impl-services1.workday.com/ccx/api/v1/acme/workers/me',
      headers: bearer(a),
    }),
    checkMe: (b) => assert.equal(typeof b.descriptor, 'string'),
    refresh: 'omitted',
    dead: { status: 400, check: (b) => assert.equal(b.error, 'invalid_grant') },
  },
  {
    provider: 'dropbox',
    authorizeUrl: 'https://www.dropbox.com/oauth2/authorize',
    authorizeParams: { response_type: 'code', token_access_type: 'offline' },
    pkce: true,
    tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
    format: 'form',
    clientAuth: 'body',
    tokens: (b) => {
      assert.equal(b.expires_in, 14400)
      assert.match(b.account_id, /^dbid:/)
      assert.ok(b.refresh_token)
      return { access: b.access_token, refresh: b.refresh_token }
    },
    me: (a) => ({
      method: 'POST',
      url: 'https://api.dropboxapi.com/2/users/get_current_account',
      headers: bearer(a),
    }),
    checkMe: (b, t) => assert.equal(b.account_id, t.account_id),
    refresh: 'omitted',
    dead: {
      status: 400,
      check: (b) =>
        assert.deepEqual(b, {
          error: 'invalid_grant',
          error_description: 'refresh token is invalid or revoked',
        }),
    },
    revoke: (t) => ({
      method: 'POST',
      url: 'https://api.dropboxapi.com/2/auth/token/revoke',
      headers: bearer(t.access),
    }),
    revokeStatus: 200,
  },
  {
    provider: 'zendesk',
    authorizeUrl: 'https://acme.zendesk.com/oauth/authorizations/new',
    authorizeParams: { response_type: 'code', scope: 'read write' },
    pkce: true,
    tokenUrl: 'https://acme.zendesk.com/oauth/tokens',
    format: 'json',
    clientAuth: 'body',
    tokenExtra: { expires_in: '1800' },
    tokens: (b) => {
      assert.equal(b.expires_in, 1800)
      assert.equal(b.scope, 'read write')
      assert.ok(b.refresh_token)
      return { access: b.access_token, refresh: b.refresh_token }
    },
    me: (a) => ({ url: 'https://acme.zendesk.com/api/v2/users/me.json', headers: bearer(a) }),
    checkMe: (b) => assert.equal(b.user.role, 'admin'),
    refresh: 'rotates',
    dead: { status: 400, check: (b) => assert.equal(b.error, 'invalid_grant') },
    revoke: (t) => ({
      method: 'DELETE',
      url: 'https://acme.zendesk.com/api/v2/oauth/tokens/current.json',
      headers: bearer(t.access),
    }),
    revokeStatus: 204,
  },
]

async function call(sim: RunningProviderSimulator, c: Call) {
  const res = await fetch(viaSimulator(sim, c.url), {
    method: c.method ?? 'GET',
    headers: c.headers,
    body: c.body,
  })
  const text = await res.text()
  let body: Json = {}
  try {
    body = text ? JSON.parse(text) : {}
  } catch {
    body = { text }
  }
  return { status: res.status, body, headers: res.headers }
}

function tokenCall(
  flow: Flow,
  client: { clientId: string; clientSecret: string },
  fields: Record<string, string>,
): Call {
  const all = { ...fields, ...flow.tokenExtra }
  const headers: Record<string, string> = { accept: 'application/json' }
  if (flow.clientAuth === 'basic') {
    Object.assign(headers, basic(client.clientId, client.clientSecret))
  } else Object.assign(all, { client_id: client.clientId, client_secret: client.clientSecret })
  if (flow.format === 'json') {
    headers['content-type'] = 'application/json'
    return { method: 'POST', url: flow.tokenUrl, headers, body: JSON.stringify(all) }
  }
  return {
    method: 'POST',
    url: flow.tokenUrl,
    headers: { ...headers, ...form },
    body: new URLSearchParams(all).toString(),
  }
}

async function connect(
  sim: RunningProviderSimulator,
  flow: Flow,
  client: { clientId: string; clientSecret: string },
) {
  const pkce = await pkcePair()
  const authorize = new URL(flow.authorizeUrl)
  const redirectUri = simulatorCallback(flow.provider)
  for (
    const [k, v] of Object.entries({
      ...flow.authorizeParams,
      client_id: client.clientId,
      redirect_uri: redirectUri,
      state: 'st-1',
    })
  ) {
    authorize.searchParams.set(k, v)
  }
  if (flow.pkce) {
    authorize.searchParams.set('code_challenge', pkce.challenge)
    authorize.searchParams.set('code_challenge_method', 'S256')
  }
  const back = await authorizeInBrowser(sim, authorize)
  assert.equal(back.origin + back.pathname, redirectUri)
  assert.equal(back.searchParams.get('state'), 'st-1')
  const code = back.searchParams.get('code')
  assert.ok(code, `no code in ${back}`)
  const fields: Record<string, string> = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
  }
  if (flow.pkce) fields.code_verifier = pkce.verifier
  const res = await call(sim, tokenCall(flow, client, fields))
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return { body: res.body, ...flow.tokens(res.body) }
}

for (const flow of FLOWS) {
  Deno.test(`${flow.provider}: connect, identity, refresh, dead grant and revoke as the provider does`, async () => {
    await withSimulator(async (sim) => {
      const client = registerClient(sim, flow.provider)
      const t = await connect(sim, flow, client)
      const me = await call(sim, flow.me(t.access, t.body))
      assert.equal(me.status, 200, JSON.stringify(me.body))
      flow.checkMe(me.body, t.body)

      let refresh = t.refresh
      if (flow.refresh !== 'none') {
        assert.ok(refresh, 'a refresh token')
        const r = await call(
          sim,
          tokenCall(flow, client, { grant_type: 'refresh_token', refresh_token: refresh! }),
        )
        assert.equal(r.status, 200, JSON.stringify(r.body))
        assert.notEqual(r.body.access_token, t.access)
        const again = () =>
          call(
            sim,
            tokenCall(flow, client, { grant_type: 'refresh_token', refresh_token: refresh! }),
          )
        if (flow.refresh === 'same') assert.equal(r.body.refresh_token, refresh)
        if (flow.refresh === 'omitted') assert.equal(r.body.refresh_token, undefined)
        if (flow.refresh === 'rotates' || flow.refresh === 'reissued') {
          assert.ok(r.body.refresh_token && r.body.refresh_token !== refresh)
          const old = await again()
          if (flow.refresh === 'rotates') {
            // The old refresh token died with the rotation.
            assert.equal(old.status, flow.dead.status)
            flow.dead.check(old.body)
          } else {
            assert.equal(old.status, 200)
          }
          refresh = r.body.refresh_token
        }
        const fresh = await call(sim, flow.me(r.body.access_token, t.body))
        assert.equal(fresh.status, 200)
      } else {
        assert.equal(refresh, null)
      }

      // A killed grant: refresh → the provider's invalid_grant shape, or API calls refused.
      assert.equal(sim.control.killGrants(flow.provider), 1)
      const dead = flow.refresh === 'none'
        ? await call(sim, flow.me(t.access, t.body))
        : await call(
          sim,
          tokenCall(flow, client, { grant_type: 'refresh_token', refresh_token: refresh! }),
        )
      assert.equal(dead.status, flow.dead.status, JSON.stringify(dead.body))
      flow.dead.check(dead.body)

      if (flow.revoke) {
        const t2 = await connect(sim, flow, client)
        const res = await call(
          sim,
          flow.revoke({
            access: t2.access,
            refresh: t2.refresh,
            clientId: client.clientId,
            secret: client.clientSecret,
          }),
        )
        assert.equal(res.status, flow.revokeStatus, JSON.stringify(res.body))
        const grants = sim.control.grants(flow.provider)
        assert.equal(grants.filter((g) => g.alive).length, 0, 'the revoked grant is dead')
      }
      // Secrets never reach the request log.
      const log = JSON.stringify(sim.control.requests({ provider: flow.provider }))
      assert.ok(!log.includes(t.access) && !log.includes(client.clientSecret))
      if (t.refresh) assert.ok(!log.includes(t.refresh))
    })
  })
}
