// The simulator's control API over HTTP (as another process would use it), its request log with
// secrets redacted, reset, and the seeded determinism tests rely on.

import assert from 'node:assert/strict'
import { createProviderSimulator } from '../../../scripts/sandbox/providers/simulator.ts'
import {
  authorizeInBrowser,
  pkcePair,
  simulatorCallback,
  viaSimulator,
  withSimulator,
} from '../../helpers/provider-simulator.ts'

async function control(base: string, path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${base}/__simulator${path}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: init.body ? { 'content-type': 'application/json' } : {},
    body: init.body ? JSON.stringify(init.body) : undefined,
  })
  return { status: res.status, body: await res.json() }
}

Deno.test('the summary lists all 15 providers with real and simulator URLs', async () => {
  await withSimulator(async (sim) => {
    const { status, body } = await control(sim.url, '/')
    assert.equal(status, 200)
    assert.deepEqual(body.providers.map((p: { id: string }) => p.id), [
      'hubspot',
      'pipedrive',
      'microsoft365',
      'slack',
      'asana',
      'notion',
      'google',
      'github',
      'gitlab',
      'jira',
      'trello',
      'bamboohr',
      'workday',
      'dropbox',
      'zendesk',
    ])
    const slack = body.providers.find((p: { id: string }) => p.id === 'slack')
    assert.deepEqual(slack.urls.authorize, {
      real: 'https://slack.com/oauth/v2/authorize',
      simulator: `${sim.url}/slack.com/oauth/v2/authorize`,
    })
    assert.deepEqual(slack.accounts.map((a: { key: string }) => a.key), ['acme', 'globex'])
  })
})

Deno.test('over HTTP: register a client, connect, expire, kill, fault and read the log', async () => {
  await withSimulator(async (sim) => {
    const created = await control(sim.url, '/providers/dropbox/clients', {
      body: { redirectUris: [simulatorCallback('dropbox')] },
    })
    assert.equal(created.status, 201)
    const client = created.body
    assert.equal(client.requirePkce, true, 'Dropbox does PKCE, so the simulator requires it')
    const before = (await control(sim.url, '/requests')).body.lastSeq

    const pkce = await pkcePair()
    const authorize = new URL('https://www.dropbox.com/oauth2/authorize')
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: simulatorCallback('dropbox'),
      token_access_type: 'offline',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    }).toString()
    const back = await authorizeInBrowser(sim, authorize)
    const token = await fetch(viaSimulator(sim, 'https://api.dropboxapi.com/oauth2/token'), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${btoa(`${client.clientId}:${client.clientSecret}`)}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: back.searchParams.get('code')!,
        redirect_uri: simulatorCallback('dropbox'),
        code_verifier: pkce.verifier,
      }),
    })
    const tokens = await token.json()
    const me = () =>
      fetch(viaSimulator(sim, 'https://api.dropboxapi.com/2/users/get_current_account'), {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.access_token}` },
      })
    const ok = await me()
    assert.equal(ok.status, 200)
    await ok.body?.cancel()

    const grants = (await control(sim.url, '/providers/dropbox/grants')).body
    assert.equal(grants.length, 1)
    assert.deepEqual([grants[0].account, grants[0].alive, grants[0].liveAccessTokens], [
      'acme',
      true,
      1,
    ])
    assert.ok(!JSON.stringify(grants).includes(tokens.access_token), 'grants never show tokens')

    const fault = await control(sim.url, '/faults', {
      body: { kind: '429', provider: 'dropbox', retryAfterSeconds: 9 },
    })
    assert.equal(fault.status, 201)
    const limited = await me()
    assert.equal(limited.status, 429)
    assert.equal(limited.headers.get('retry-after'), '9')
    await limited.body?.cancel()

    assert.deepEqual(
      (await control(sim.url, '/providers/dropbox/expire-access-tokens', { body: {} })).body,
      { expired: 1 },
    )
    const expired = await me()
    assert.equal(expired.status, 401)
    assert.equal((await expired.json()).error['.tag'], 'expired_access_token')
    assert.deepEqual(
      (await control(sim.url, '/providers/dropbox/kill-grants', { body: { account: 'acme' } }))
        .body,
      { killed: 1 },
    )

    const log = (await control(sim.url, `/requests?provider=dropbox&sinceSeq=${before}`)).body
    assert.deepEqual(
      log.requests.map((r: { endpoint: string; status: number }) => `${r.endpoint}:${r.status}`),
      ['oauth.authorize:302', 'oauth.token:200', 'api.me:200', 'api:429', 'api.me:401'],
    )
    const tokenCall = log.requests[1]
    assert.deepEqual([tokenCall.clientAuth, tokenCall.format, tokenCall.account], [
      'basic',
      'form',
      'acme',
    ])
    assert.equal(log.requests[3].fault, fault.body.id)
    const text = JSON.stringify(log)
    for (const secret of [tokens.access_token, tokens.refresh_token, client.clientSecret]) {
      assert.ok(!text.includes(secret), 'no secret in the log')
    }
    const filtered = (await control(sim.url, '/requests?endpoint=oauth.token')).body
    assert.equal(filtered.count, 1)
  })
})

Deno.test('token path segments and secret query parameters are redacted in the log', async () => {
  await withSimulator(async (sim) => {
    const t = sim.control.issueTokens('hubspot', 'acme')
    const res = await fetch(
      viaSimulator(sim, `https://api.hubapi.com/oauth/v1/access-tokens/${t.accessToken}?token=abc`),
    )
    assert.equal(res.status, 200)
    await res.body?.cancel()
    const [entry] = sim.control.requests({ provider: 'hubspot' })
    assert.equal(entry.path, '/oauth/v1/access-tokens/[redacted]?token=%5Bredacted%5D')
  })
})

Deno.test('control errors are JSON: unknown route, bad body, unknown provider; unknown hosts 404', async () => {
  await withSimulator(async (sim) => {
    assert.equal((await control(sim.url, '/nope')).status, 404)
    const bad = await fetch(`${sim.url}/__simulator/faults`, { method: 'POST', body: '{' })
    assert.equal(bad.status, 400)
    await bad.body?.cancel()
    const unknown = await control(sim.url, '/providers/myspace/clients', { body: {} })
    assert.equal(unknown.status, 400)
    assert.match(unknown.body.error, /unknown provider 'myspace'/)
    const host = await fetch(`${sim.url}/example.com/oauth/token`)
    assert.equal(host.status, 404)
    assert.equal((await host.json()).error, 'not_found')
    // A malformed escape in a path parameter matches no route rather than failing.
    const escape = await fetch(`${sim.url}/api.hubapi.com/oauth/v1/access-tokens/%E0%A4%A`)
    assert.equal(escape.status, 404)
    await escape.body?.cancel()
  })
})

Deno.test('accounts and API keys can be added; reset restores the seeded world', async () => {
  await withSimulator(async (sim) => {
    const made = await control(sim.url, '/providers/zendesk/accounts', {
      body: { key: 'initech', items: 2 },
    })
    assert.equal(made.status, 201)
    assert.equal(made.body.items, 2)
    const key = await control(sim.url, '/providers/zendesk/accounts/initech/api-keys', { body: {} })
    assert.equal(key.status, 201)
    const items = await control(sim.url, '/providers/zendesk/accounts/initech/items')
    assert.equal(items.body.length, 2)
    sim.control.registerClient('zendesk')
    await control(sim.url, '/reset', { body: {} })
    assert.equal((await control(sim.url, '/providers/zendesk/accounts/initech')).status, 400)
    assert.equal(sim.control.provider('zendesk').clients.length, 0)
  })
})

Deno.test('the same seed and calls give the same ids and tokens', () => {
  const run = () => {
    const sim = createProviderSimulator({ seed: 99, now: '2026-03-02T10:00:00Z' })
    const client = sim.control.registerClient('gitlab', {
      redirectUris: [simulatorCallback('gitlab')],
    })
    const t = sim.control.issueTokens('gitlab', 'acme', { clientId: client.clientId })
    return [
      client.clientId,
      client.clientSecret,
      t.accessToken,
      t.refreshToken,
      sim.control.account('gitlab', 'acme').uuid,
    ]
  }
  assert.deepEqual(run(), run())
  const other = createProviderSimulator({ seed: 100 })
  assert.notEqual(other.control.account('gitlab', 'acme').uuid, run()[4])
})

Deno.test('the clock expires codes and tokens without sleeping', async () => {
  await withSimulator(async (sim) => {
    const t = sim.control.issueTokens('asana', 'acme')
    assert.equal(t.expiresIn, 3600)
    const call = async () => {
      const res = await fetch(viaSimulator(sim, 'https://app.asana.com/api/1.0/users/me'), {
        headers: { authorization: `Bearer ${t.accessToken}` },
      })
      await res.body?.cancel()
      return res.status
    }
    assert.equal(await call(), 200)
    await control(sim.url, '/clock/advance', { body: { seconds: 3601 } })
    assert.equal(await call(), 401)
  })
})
