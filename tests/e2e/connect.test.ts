// The connect flow end to end, as a browser walks it: authorize, the sandbox's approval page,
// Allow or Deny, the redirect to our callback, and the final redirect to the app; then the
// shared API access on the connection it made. The world checks secrecy after every test.
import assert from 'node:assert/strict'
import { salesforceApi } from '../../supabase/functions/_shared/providers/salesforce/api.ts'
import {
  appUrl,
  assertFailedRedirect,
  assertNotInPublicTables,
  assertNoTokenAndStatus,
  authorizeUrl,
  clickOnApprovalPage,
  connectThroughBrowser,
  createIntegration,
  integrationRow,
  rememberTokens,
  withWorld,
} from '../helpers/connect-world.ts'
import { eventTypes, readStoredTokens } from '../helpers/integrations.ts'
import { tokenCalls } from '../helpers/salesforce-sandbox.ts'

Deno.test('connect: Allow ends active, with the tokens in Vault only', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const since = world.sandbox.control.lastRequestSeq()
    const { final } = await connectThroughBrowser(world, id, 'Allow')
    assert.equal(final.origin + final.pathname, appUrl)
    assert.equal(final.searchParams.get('status'), 'connected')
    assert.equal(final.searchParams.get('integration_id'), id)
    assert.equal(tokenCalls(world.sandbox, since), 1)

    const row = await integrationRow(world, id)
    assert.equal(row.status, 'active')
    assert.equal(row.instance_url, world.org.instanceUrl)
    assert.equal(row.external_org_id, world.org.orgId)
    assert.equal(row.external_user_id, world.org.user.id)
    assert.deepEqual(row.scopes, ['api', 'refresh_token'])
    assert.ok(row.connected_at instanceof Date)
    assert.equal(row.last_error_code, null)

    const stored = await rememberTokens(world, id)
    assert.ok(stored, 'the tokens are in Vault, read through private.read_integration_tokens')
    assert.equal(stored.tokens.instance_url, world.org.instanceUrl)
    assert.match(String(stored.tokens.refresh_token), /^5Aep861/)
    await assertNotInPublicTables(world, String(stored.tokens.access_token))
    await assertNotInPublicTables(world, String(stored.tokens.refresh_token))
    assert.deepEqual(await eventTypes(world.sql, id), ['connected'])
    const [consent] = await world.sql`
      select granted_by, scopes, withdrawn_at from public.integration_consents
       where integration_id = ${id}`
    assert.deepEqual({ ...consent }, {
      granted_by: world.owner,
      scopes: ['api', 'refresh_token'],
      withdrawn_at: null,
    })

    const shown = await world.call(`/functions/v1/integrations/${id}`, { as: world.member })
    const { integration } = await shown.json()
    assert.equal(integration.status, 'active')
    assert.equal(integration.has_own_client, false)
    assert.equal('uses_own_client' in integration, false)
    // The connection works: the shared API access calls Salesforce with the stored token.
    assert.equal((await salesforceApi(id).query('SELECT Id FROM Contact')).totalSize, 5)
  })
})

Deno.test('connect: Deny ends in error access_denied, with no token', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const since = world.sandbox.control.lastRequestSeq()
    const { callback, final } = await connectThroughBrowser(world, id, 'Deny')
    assert.equal(new URL(callback).searchParams.get('error'), 'access_denied')
    assertFailedRedirect(final, id, 'access_denied')
    assert.equal(tokenCalls(world.sandbox, since), 0, 'nothing to exchange')
    await assertNoTokenAndStatus(world, id, 'error', 'access_denied')
    assert.deepEqual(await eventTypes(world.sql, id), ['auth_failed'])
  })
})

Deno.test('connect: a callback URL Salesforce does not know stops on its error page', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    world.sandbox.control.updateApp(world.org.app.clientId, {
      callbackUrls: ['https://elsewhere.example/callback'],
    })
    const url = await authorizeUrl(world, id)
    const page = await world.visit(url)
    // As on Salesforce: its own error page, no redirect, so our callback never runs.
    assert.equal(page.status, 400)
    assert.equal(page.headers.get('location'), null)
    assert.match(await page.text(), /redirect_uri_mismatch/)
    const row = await integrationRow(world, id)
    assert.equal(row.status, 'pending')
    assert.equal(await readStoredTokens(world.sql, id), undefined)
    assert.deepEqual(await eventTypes(world.sql, id), [])
  })
})

Deno.test('connect: a client id Salesforce does not know stops on its error page', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    // The tenant's own app, mistyped: it wins over the server's app for this integration.
    const patched = await world.call(`/functions/v1/integrations/${id}`, {
      as: world.owner,
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: '3MVG9NoSuchClient',
        client_secret: 'tenant-secret-0123456789',
      }),
    })
    assert.equal(patched.status, 200)
    world.secrets.add('tenant-secret-0123456789')
    assert.equal((await patched.json()).integration.has_own_client, true)
    const url = await authorizeUrl(world, id)
    assert.equal(new URL(url).searchParams.get('client_id'), '3MVG9NoSuchClient')
    const page = await world.visit(url)
    assert.equal(page.status, 400)
    assert.equal(page.headers.get('location'), null)
    assert.match(await page.text(), /invalid_client_id/)
    assert.equal((await integrationRow(world, id)).status, 'pending')
    assert.equal(await readStoredTokens(world.sql, id), undefined)
    // The admin fixes the client id of the half-done connection, and connects.
    const fixed = await world.call(`/functions/v1/integrations/${id}`, {
      as: world.owner,
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: world.org.app.clientId,
        client_secret: world.org.app.clientSecret,
      }),
    })
    assert.equal(fixed.status, 200)
    await fixed.body?.cancel()
    const { final } = await connectThroughBrowser(world, id, 'Allow')
    assert.equal(final.searchParams.get('status'), 'connected')
    await rememberTokens(world, id)
  })
})

Deno.test('connect: a client error= that does reach the callback is reported as such', async () => {
  await withWorld({}, async (world) => {
    for (const error of ['redirect_uri_mismatch', 'invalid_client_id']) {
      const id = await createIntegration(world, `Org ${error}`)
      const state = new URL(await authorizeUrl(world, id)).searchParams.get('state')!
      const query = new URLSearchParams({ error, error_description: 'x', state })
      const final = await world.visit(`${world.callbackUrl}?${query}`)
      assert.equal(final.status, 302)
      assertFailedRedirect(new URL(final.headers.get('location')!), id, error)
      await assertNoTokenAndStatus(world, id, 'error', error)
    }
  })
})

Deno.test('connect: a replayed state is refused, even when the replays race', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const { callback } = await connectThroughBrowser(world, id, 'Allow')
    await rememberTokens(world, id)
    const replay = await world.visit(callback)
    assert.equal(replay.status, 400)
    assert.equal(replay.headers.get('location'), null, 'no redirect without a trusted target')
    assert.equal((await replay.json()).error.code, 'state_invalid')
    assert.equal((await integrationRow(world, id)).status, 'active')

    // A fresh authorization whose callback five tabs hit at once: one wins, once.
    const second = await createIntegration(world, 'Second org')
    const url = await authorizeUrl(world, second)
    const racing = await clickOnApprovalPage(world, url, 'Allow')
    const since = world.sandbox.control.lastRequestSeq()
    const answers = await Promise.all(Array.from({ length: 5 }, () => world.visit(racing)))
    const statuses = answers.map((answer) => answer.status).sort()
    assert.deepEqual(statuses, [302, 400, 400, 400, 400])
    const winner = answers.find((answer) => answer.status === 302)!
    assert.equal(new URL(winner.headers.get('location')!).searchParams.get('status'), 'connected')
    assert.equal(tokenCalls(world.sandbox, since), 1, 'the code is exchanged once')
    await rememberTokens(world, second)
    for (const answer of answers) await answer.body?.cancel()
    assert.deepEqual(await eventTypes(world.sql, second), ['connected'])
  })
})

Deno.test('connect: an expired state ends in state_expired without an exchange', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const url = await authorizeUrl(world, id)
    const callback = await clickOnApprovalPage(world, url, 'Allow')
    await world.sql`
      update private.oauth_states
         set created_at = now() - interval '11 minutes', expires_at = now() - interval '1 minute'
       where integration_id = ${id}`
    const since = world.sandbox.control.lastRequestSeq()
    const final = await world.visit(callback)
    assertFailedRedirect(new URL(final.headers.get('location')!), id, 'state_expired')
    assert.equal(tokenCalls(world.sandbox, since), 0)
    await assertNoTokenAndStatus(world, id, 'error', 'state_expired')
  })
})

Deno.test('connect: a forged verifier fails the exchange and stores nothing', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const url = await authorizeUrl(world, id)
    // Someone swaps the verifier bound to the state: Salesforce will not match the challenge.
    const forged = 'f'.repeat(64)
    await world.sql`update private.oauth_states set code_verifier = ${forged}
                     where integration_id = ${id}`
    const { final } = await (async () => {
      const callback = await clickOnApprovalPage(world, url, 'Allow')
      const answer = await world.visit(callback)
      return { final: new URL(answer.headers.get('location')!) }
    })()
    assertFailedRedirect(final, id, 'token_exchange_failed')
    await assertNoTokenAndStatus(world, id, 'error', 'token_exchange_failed')
    const [event] = await world.sql`
      select type, metadata from public.integration_events where integration_id = ${id}`
    assert.deepEqual({ ...event }, {
      type: 'auth_failed',
      metadata: { error_code: 'token_exchange_failed', provider_error: 'invalid_grant' },
    })
  })
})

Deno.test('connect: an expired session is refreshed once under 10 callers, rotation on', async () => {
  await withWorld({ rotateRefreshTokens: true }, async (world) => {
    const id = await createIntegration(world)
    await connectThroughBrowser(world, id, 'Allow')
    const before = await rememberTokens(world, id)
    for (let round = 0; round < 2; round++) {
      world.sandbox.control.expireAccessTokens(world.org.orgId)
      const since = world.sandbox.control.lastRequestSeq()
      await Promise.all(
        Array.from({ length: 10 }, () => salesforceApi(id).query('SELECT Id FROM Contact')),
      )
      assert.equal(tokenCalls(world.sandbox, since), 1)
      await rememberTokens(world, id)
    }
    const after = await readStoredTokens(world.sql, id)
    assert.notEqual(after?.tokens.refresh_token, before?.tokens.refresh_token)
    const types = await eventTypes(world.sql, id)
    assert.deepEqual(types, ['connected', 'token_refreshed', 'token_refreshed'])
  })
})

Deno.test('connect: a revoked refresh token ends in reauth_required; connecting again resumes', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    await connectThroughBrowser(world, id, 'Allow')
    await rememberTokens(world, id)
    world.sandbox.control.revokeRefreshTokens(world.org.orgId)
    await assert.rejects(() => salesforceApi(id).query('SELECT Id FROM Contact'), {
      code: 'reauth_required',
    })
    const broken = await integrationRow(world, id)
    assert.deepEqual([broken.status, broken.last_error_code, broken.paused_reason], [
      'error',
      'reauth_required',
      'reauth_required',
    ])
    const { final } = await connectThroughBrowser(world, id, 'Allow')
    assert.equal(final.searchParams.get('status'), 'connected')
    await rememberTokens(world, id)
    const healed = await integrationRow(world, id)
    assert.deepEqual([healed.status, healed.last_error_code, healed.paused_reason], [
      'active',
      null,
      null,
    ])
    assert.deepEqual(await eventTypes(world.sql, id), ['connected', 'reauth_required', 'connected'])
  })
})

Deno.test("connect: a tenant's own connected app is used for the exchange and for refreshes", async () => {
  await withWorld({}, async (world) => {
    const own = world.sandbox.control.registerApp({
      orgId: world.org.orgId,
      name: 'Tenant app',
      callbackUrls: [world.callbackUrl],
      autoApprove: false,
      requirePkce: true,
    })
    world.secrets.add(own.clientSecret)
    const created = await world.call('/functions/v1/integrations', {
      as: world.owner,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        business_id: world.businessId,
        name: 'Own app',
        client_id: own.clientId,
        client_secret: own.clientSecret,
      }),
    })
    const id = (await created.json()).integration.id
    const url = await authorizeUrl(world, id)
    assert.equal(new URL(url).searchParams.get('client_id'), own.clientId)
    // The code is bound to the tenant's app: exchanging it with the server's app would fail.
    const { final } = await connectThroughBrowser(world, id, 'Allow', url)
    assert.equal(final.searchParams.get('status'), 'connected')
    await rememberTokens(world, id)
    world.sandbox.control.expireAccessTokens(world.org.orgId)
    const since = world.sandbox.control.lastRequestSeq()
    const api = salesforceApi(id)
    assert.equal((await api.query('SELECT Id FROM Contact')).totalSize, 5)
    assert.equal(api.refreshes, 1)
    assert.equal(tokenCalls(world.sandbox, since), 1)
    await rememberTokens(world, id)
  })
})

Deno.test('connect: an app that grants no refresh token fails the connection and revokes the session', async () => {
  await withWorld({}, async (world) => {
    world.sandbox.control.updateApp(world.org.app.clientId, { scopes: ['api'] })
    const id = await createIntegration(world)
    const since = world.sandbox.control.lastRequestSeq()
    const { final } = await connectThroughBrowser(world, id, 'Allow')
    assertFailedRedirect(final, id, 'token_exchange_failed')
    await assertNoTokenAndStatus(world, id, 'error', 'token_exchange_failed')
    const revokes = world.sandbox.control.requests({ endpoint: 'oauth.revoke', sinceSeq: since })
    assert.deepEqual(revokes.map((request) => request.status), [200])
  })
})

Deno.test('connect: a failed reconnect keeps a working connection active; a good one replaces the grant', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    await connectThroughBrowser(world, id, 'Allow')
    const first = await rememberTokens(world, id)
    // Starting a reconnect does not take the working connection out of service.
    const url = await authorizeUrl(world, id)
    assert.equal((await integrationRow(world, id)).status, 'active')
    const { final } = await connectThroughBrowser(world, id, 'Deny', url)
    assertFailedRedirect(final, id, 'access_denied')
    const row = await integrationRow(world, id)
    assert.deepEqual([row.status, row.last_error_code], ['active', 'access_denied'])
    assert.deepEqual(await readStoredTokens(world.sql, id), first)

    const since = world.sandbox.control.lastRequestSeq()
    await connectThroughBrowser(world, id, 'Allow')
    const second = await rememberTokens(world, id)
    assert.notEqual(second?.tokens.refresh_token, first?.tokens.refresh_token)
    // The replaced grant is revoked (Salesforce keeps at most five per user and app).
    const revokes = world.sandbox.control.requests({ endpoint: 'oauth.revoke', sinceSeq: since })
    assert.deepEqual(revokes.map((request) => request.status), [200])
    const refreshWithOld = await fetch(`${world.org.loginUrl}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: String(first?.tokens.refresh_token),
        client_id: world.org.app.clientId,
        client_secret: world.org.app.clientSecret,
      }),
    })
    assert.equal((await refreshWithOld.json()).error, 'invalid_grant')
    const consents = await world.sql`
      select withdrawn_at is null as open from public.integration_consents
       where integration_id = ${id} order by id`
    assert.deepEqual(consents.map((consent) => consent.open), [false, true])
  })
})
