// The connect e2e for every provider of the registry, against the provider simulator (its own
// quirk config, so a registry mistake is a failing step): authorize → consent → callback →
// stored tokens → an API call through authorizedFetch → refresh (proactive and on the
// provider's expiry signal, with rotation where the provider rotates) → a dead grant →
// reauth_required → connect again → disconnect with the provider's revocation.
import assert from 'node:assert/strict'
import { authorizedFetch } from '../../supabase/functions/_shared/connections/authorized-fetch.ts'
import { ReauthRequiredError } from '../../supabase/functions/_shared/connections/errors.ts'
import {
  type Connection,
  loadConnection,
} from '../../supabase/functions/_shared/connections/load.ts'
import { listProviders } from '../../supabase/functions/_shared/providers/registry.ts'
import type { Provider } from '../../supabase/functions/_shared/providers/types.ts'
import { eventTypes } from '../helpers/integrations.ts'
import {
  account,
  appUrl,
  connectOAuth1,
  connectOAuth2,
  createProviderIntegration,
  identityCall,
  integrationOf,
  type ProviderWorld,
  storedTokensOf,
  withProviderWorld,
} from '../helpers/provider-world.ts'

/** Every config field the spec declares, set to the simulator's account. */
function configFor(provider: Provider): Record<string, string> {
  const config: Record<string, string> = {}
  for (const [name, field] of Object.entries(provider.spec.connectionConfig)) {
    if (field.required) config[name] = account
  }
  return config
}

/** Calls the simulator's identity endpoint through authorizedFetch; it must stay under the base. */
async function callIdentity(
  connection: Connection,
  options: Parameters<typeof authorizedFetch>[2] = {},
): Promise<Response> {
  const id = connection.provider.spec.id
  const { url, method } = identityCall(id)
  const viaSim = `${Deno.env.get('PROVIDER_SIMULATOR_URL')}/${url.slice('https://'.length)}`
  assert.ok(
    viaSim.startsWith(`${connection.apiBaseUrl}/`),
    `${id}: ${viaSim} is under the API base ${connection.apiBaseUrl}`,
  )
  return await authorizedFetch(connection, new Request(viaSim, { method }), options)
}

async function expectOk(response: Response, what: string) {
  const text = await response.text()
  assert.equal(response.status, 200, `${what}: ${text.slice(0, 300)}`)
  if (response.headers.get('content-type')?.includes('json')) {
    const body = JSON.parse(text)
    assert.notEqual(body.ok, false, `${what}: ${text.slice(0, 300)}`)
  }
}

/** Refresh events recorded for the integration. */
async function refreshEvents(world: ProviderWorld, id: string) {
  return (await eventTypes(world.sql, id)).filter((type) => type === 'token_refreshed').length
}

async function oauth2Scenario(world: ProviderWorld, provider: Provider) {
  const { spec } = provider
  const id = await createProviderIntegration(world, spec.id, configFor(provider))

  // authorize → consent → callback → completion: active, tokens in Vault only.
  await connectOAuth2(world, spec.id, id)
  const row = await integrationOf(world, id)
  assert.equal(row.status, 'active')
  const stored = await storedTokensOf(world, id)
  assert.ok(stored?.tokens.access_token, 'an access token in Vault')
  const metadata = row.connection_metadata as Record<string, string>
  const expectedMetadata: Record<string, string[]> = {
    hubspot: ['portalId'],
    pipedrive: ['api_domain', 'company_domain'],
    slack: ['team_id', 'bot_user_id'],
    notion: ['workspace_id'],
    jira: ['cloudId'],
    bamboohr: ['company_domain'],
  }
  for (const key of expectedMetadata[spec.id] ?? []) {
    assert.ok(metadata[key], `${spec.id}: connection metadata ${key} (${JSON.stringify(metadata)})`)
  }

  // An API call with the stored credentials.
  const connection = await loadConnection(id)
  await expectOk(await callIdentity(connection), `${spec.id} identity`)

  const refreshable = typeof stored.tokens.refresh_token === 'string'
  if (spec.requiresRefreshToken) assert.ok(refreshable, `${spec.id} granted a refresh token`)
  if (refreshable) {
    // Proactive: within the refresh margin of expires_at, the token is replaced before the call.
    const before = await refreshEvents(world, id)
    const firstRefresh = stored.tokens.refresh_token
    if (typeof stored.tokens.expires_at === 'number') {
      const late = Number(stored.tokens.expires_at) - spec.expiry.refreshMarginSeconds * 1000 + 1
      await expectOk(await callIdentity(connection, { now: () => late }), `${spec.id} proactive`)
      assert.equal(await refreshEvents(world, id), before + 1, `${spec.id} refreshed ahead`)
    }
    // Reactive: the provider says the token expired; one refresh, one retry.
    world.sim.control.expireAccessTokens(spec.id)
    const reactiveBefore = await refreshEvents(world, id)
    await expectOk(await callIdentity(connection), `${spec.id} after expiry`)
    assert.equal(
      await refreshEvents(world, id),
      reactiveBefore + 1,
      `${spec.id} refreshed on expiry`,
    )
    const after = await storedTokensOf(world, id)
    if (spec.rotatesRefreshToken) {
      assert.notEqual(after?.tokens.refresh_token, firstRefresh, `${spec.id} rotated`)
    }
    assert.equal(connection.tokens.access_token, after?.tokens.access_token)
  }

  // A dead grant: the provider forgot it; the next call ends in reauth_required, once.
  world.sim.control.killGrants(spec.id)
  world.sim.control.expireAccessTokens(spec.id)
  await assert.rejects(() => callIdentity(connection), ReauthRequiredError)
  const dead = await integrationOf(world, id)
  assert.equal(dead.status, 'error')
  assert.equal(dead.last_error_code, 'reauth_required')
  assert.equal(await storedTokensOf(world, id), undefined, 'dead tokens are deleted')
  assert.ok((await eventTypes(world.sql, id)).includes('reauth_required'))

  // Connect again, then disconnect: the provider's revocation where it has one.
  await connectOAuth2(world, spec.id, id)
  assert.equal((await integrationOf(world, id)).status, 'active')
  const since = world.sim.control.lastRequestSeq()
  const disconnected = await world.call(`/functions/v1/integrations/${id}`, { method: 'DELETE' })
  assert.equal(disconnected.status, 200, await disconnected.clone().text())
  assert.equal((await integrationOf(world, id)).status, 'disconnected')
  assert.equal(await storedTokensOf(world, id), undefined)
  const revokes = world.sim.control.requests({ provider: spec.id, endpoint: 'oauth.revoke' })
    .filter((each) => each.seq > since)
  const revocable = spec.revokeUrl !== undefined || provider.hooks.revoke !== undefined
  assert.equal(revokes.length, revocable ? 1 : 0, `${spec.id} revocations`)
  if (revocable) {
    assert.ok(revokes[0].status < 300, `${spec.id} revoke answered ${revokes[0].status}`)
    const alive = world.sim.control.grants(spec.id).filter((grant) => grant.alive)
    assert.equal(alive.length, 0, `${spec.id}: no live grant after the revocation`)
  }
}

/**
 * An OAuth 1.0a provider (Trello), through our functions end to end: authorize fetches a signed
 * request token, the consent goes to our callback, the completion trades the verifier for the
 * token credentials (the simulator verifies every signature). Then the platform's own path:
 * signed API calls, the dead grant, reconnect, disconnect with the revoke hook.
 */
async function oauth1Scenario(world: ProviderWorld, provider: Provider) {
  const { spec } = provider
  const id = await createProviderIntegration(world, spec.id, configFor(provider))
  const store = async () => {
    const { callback } = await connectOAuth1(world, spec.id, id)
    assert.equal((await integrationOf(world, id)).status, 'active')
    const stored = await storedTokensOf(world, id)
    assert.ok(stored?.tokens.access_token && stored.tokens.token_secret, 'token credentials stored')
    assert.ok(
      (await eventTypes(world.sql, id)).includes('connected'),
      `${spec.id}: a connected event`,
    )
    return callback
  }
  const callback = await store()

  // The same oauth_token a second time: the state was used, nothing is exchanged again.
  const exchanges = () =>
    world.sim.control.requests({ provider: spec.id, endpoint: 'oauth1.access_token' }).length
  const exchanged = exchanges()
  const replay = await world.gateway.request(callback.pathname + callback.search, {
    redirect: 'manual',
  })
  assert.equal(replay.status, 400)
  assert.equal((await replay.json()).error.code, 'state_invalid')
  assert.equal(exchanges(), exchanged)

  const connection = await loadConnection(id)
  await expectOk(await callIdentity(connection), `${spec.id} identity`)
  const grant = world.sim.control.grants(spec.id).find((each) => each.alive)
  assert.deepEqual(grant?.scopes, spec.scopes.default, `${spec.id} granted the spec's scopes`)

  world.sim.control.killGrants(spec.id)
  await assert.rejects(() => callIdentity(connection), ReauthRequiredError)
  assert.equal((await integrationOf(world, id)).last_error_code, 'reauth_required')
  assert.equal(await storedTokensOf(world, id), undefined)

  await store()
  const since = world.sim.control.lastRequestSeq()
  const disconnected = await world.call(`/functions/v1/integrations/${id}`, { method: 'DELETE' })
  assert.equal(disconnected.status, 200)
  const revokes = world.sim.control.requests({ provider: spec.id, endpoint: 'oauth.revoke' })
    .filter((each) => each.seq > since)
  assert.equal(revokes.length, 1, `${spec.id} revoked at the provider`)
  assert.ok(revokes[0].status < 300, `${spec.id} revoke answered ${revokes[0].status}`)
  assert.equal(world.sim.control.grants(spec.id).filter((each) => each.alive).length, 0)
}

/**
 * A Basic or API-key provider (Workday's integration system user): the tenant's keys go in
 * through `PUT /integrations/:id/credentials`, are never echoed, sign every call; a password the
 * provider no longer takes is a dead credential (reauth_required, keys deleted); new keys
 * connect again; disconnect deletes them (these providers have no revocation).
 */
async function keyScenario(world: ProviderWorld, provider: Provider) {
  const { spec } = provider
  const id = await createProviderIntegration(world, spec.id, configFor(provider))
  const keysOf = () => {
    const info = world.sim.control.account(spec.id, account)
    const keys = spec.authMode === 'basic'
      ? { username: info.isu.username, password: info.isu.password }
      : { api_key: info.apiKeys[0] }
    for (const value of Object.values(keys)) if (value) world.secrets.add(value)
    return keys
  }
  const putKeys = (keys: Record<string, string | undefined>) =>
    world.call(`/functions/v1/integrations/${id}/credentials`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(keys),
    })

  const connected = await putKeys(keysOf())
  assert.equal(connected.status, 200, await connected.clone().text())
  assert.equal((await integrationOf(world, id)).status, 'active')
  const stored = await storedTokensOf(world, id)
  assert.ok(stored?.tokens.password ?? stored?.tokens.api_key, 'the keys are in Vault')
  const connection = await loadConnection(id)
  await expectOk(await callIdentity(connection), `${spec.id} identity`)

  // The provider stops taking the keys: one call ends in reauth_required, keys deleted.
  assert.equal(world.sim.control.resetCredentials(spec.id, account), 1)
  await assert.rejects(() => callIdentity(connection), ReauthRequiredError)
  const dead = await integrationOf(world, id)
  assert.equal(dead.status, 'error')
  assert.equal(dead.last_error_code, 'reauth_required')
  assert.equal(await storedTokensOf(world, id), undefined, 'dead keys are deleted')
  assert.ok((await eventTypes(world.sql, id)).includes('reauth_required'))

  // The new keys connect again and work; disconnect deletes them.
  const again = await putKeys(keysOf())
  assert.equal(again.status, 200, await again.clone().text())
  await expectOk(await callIdentity(await loadConnection(id)), `${spec.id} identity again`)
  const disconnected = await world.call(`/functions/v1/integrations/${id}`, { method: 'DELETE' })
  assert.equal(disconnected.status, 200, await disconnected.clone().text())
  assert.equal((await integrationOf(world, id)).status, 'disconnected')
  assert.equal(await storedTokensOf(world, id), undefined)
}

Deno.test('connect e2e: every Basic and API-key provider of the registry against the simulator', async (t) => {
  await withProviderWorld(async (world) => {
    const keyed = listProviders().filter((each) =>
      each.spec.authMode === 'basic' || each.spec.authMode === 'api_key'
    )
    assert.ok(keyed.length > 0, 'the registry has a key-based provider to connect')
    for (const provider of keyed) {
      await t.step(provider.spec.id, () => keyScenario(world, provider))
    }
  })
})

Deno.test('connect e2e: every OAuth 1.0a provider of the registry against the simulator', async (t) => {
  await withProviderWorld(async (world) => {
    for (const provider of listProviders()) {
      if (provider.spec.authMode !== 'oauth1') continue
      await t.step(provider.spec.id, () => oauth1Scenario(world, provider))
    }
  })
})

Deno.test('connect e2e: every OAuth 2 provider of the registry against the simulator', async (t) => {
  await withProviderWorld(async (world) => {
    for (const provider of listProviders()) {
      if (provider.spec.id === 'salesforce' || provider.spec.authMode !== 'oauth2') continue
      await t.step(provider.spec.id, () => oauth2Scenario(world, provider))
    }
  })
})

Deno.test('connect e2e: an OAuth 1.0a request token secret stays in the state row; refusals and unknown tokens', async () => {
  await withProviderWorld(async (world) => {
    const trello = listProviders().find((each) => each.spec.authMode === 'oauth1')!
    const id = await createProviderIntegration(world, trello.spec.id, configFor(trello))
    const query = new URLSearchParams({ integration_id: id, redirect_to: appUrl })
    const started = await world.call(`/functions/v1/authorize/${trello.spec.id}?${query}`)
    assert.equal(started.status, 200)
    const { url } = await started.json() as { url: string }
    const token = new URL(url).searchParams.get('oauth_token')!
    const [row] = await world.sql<{ request_token_secret: string }[]>`
      select request_token_secret from private.oauth_states
       where state_hash = sha256(convert_to(${token}, 'UTF8'))`
    assert.ok(row?.request_token_secret, 'the request token secret is kept server-side')
    // The leak check at the end covers every answer and log line of this world.
    world.secrets.add(row.request_token_secret)
    assert.ok(!url.includes(row.request_token_secret))

    const callback = (params: Record<string, string>) =>
      world.gateway.request(
        `/functions/v1/callback/${trello.spec.id}?${new URLSearchParams(params)}`,
        {
          redirect: 'manual',
        },
      )
    // Refused at the provider, naming the token: the app page hears access_denied, as for OAuth 2.
    const denied = await callback({ denied: token })
    await denied.body?.cancel()
    assert.equal(denied.status, 302)
    const app = new URL(denied.headers.get('location')!)
    assert.equal(app.origin + app.pathname, appUrl)
    assert.equal(app.searchParams.get('error'), 'access_denied')
    assert.equal(app.searchParams.get('integration_id'), id)
    assert.equal((await integrationOf(world, id)).last_error_code, 'access_denied')

    // The refused token is used up; an unknown one and a refusal without a token bind nothing.
    for (
      const [params, code] of [
        [{ oauth_token: token, oauth_verifier: 'v'.repeat(32) }, 'state_invalid'],
        [{ oauth_token: 'f'.repeat(32), oauth_verifier: 'v'.repeat(32) }, 'state_invalid'],
        [{ oauth_problem: 'user_refused' }, 'access_denied'],
      ] as const
    ) {
      const answer = await callback(params)
      assert.equal(answer.status, 400)
      assert.equal((await answer.json()).error.code, code)
    }
  })
})
