// The connect flow end to end, as a browser and the app's frontend walk it: authorize (through
// supabase-js), the sandbox's approval page, Allow or Deny, our callback, the app page that
// finishes the connection with its ticket as the signed-in user; then the shared API access on
// the connection it made. Also the attack the ticket stops: an authorization URL sent to a
// user of another company's Salesforce org. The world checks secrecy after every test.
import assert from 'node:assert/strict'
import { salesforceApi } from '../../supabase/functions/_shared/providers/salesforce/api.ts'
import {
  appErrorUrl,
  appUrl,
  assertConnected,
  assertFailedCompletion,
  assertFailedRedirect,
  assertNotInPublicTables,
  assertNoTokenAndStatus,
  authorizeUrl,
  clickOnApprovalPage,
  completeOnAppPage,
  connectThroughBrowser,
  createIntegration,
  followCallback,
  integrationRow,
  invoke,
  rememberTokens,
  withWorld,
  type World,
} from '../helpers/connect-world.ts'
import { eventTypes, readStoredTokens } from '../helpers/integrations.ts'
import { createOrg, tokenCalls } from '../helpers/salesforce-sandbox.ts'

Deno.test('connect: one click on Allow, then the app page completes: active, tokens in Vault only', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const since = world.sandbox.control.lastRequestSeq()
    const callback = await clickOnApprovalPage(world, await authorizeUrl(world, id), 'Allow')
    const landing = await followCallback(world, callback)
    // The callback connects nothing: it hands the app page a ticket for the user who started.
    assert.equal(landing.origin + landing.pathname, appUrl)
    assert.match(landing.searchParams.get('ticket') ?? '', /^[A-Za-z0-9_-]{43}$/)
    assert.equal(landing.searchParams.get('integration_id'), id)
    assert.equal(landing.searchParams.get('error'), null)
    assert.equal(tokenCalls(world.sandbox, since), 0, 'no exchange before the initiator completes')
    assert.equal((await integrationRow(world, id)).status, 'pending')
    assert.equal(await readStoredTokens(world.sql, id), undefined)
    const [sealed] = await world.sql`
      select encode(c.sealed_code, 'escape') as sealed from private.oauth_completions c
        join private.oauth_states s on s.state_hash = c.state_hash
       where s.integration_id = ${id}`
    const code = new URL(callback).searchParams.get('code')!
    assert.ok(!sealed.sealed.includes(code), 'the stored code is sealed, not plain')

    // The app page, signed in as the owner, completes by itself: no second click.
    const completed = await completeOnAppPage(world, landing, world.owner)
    assertConnected(completed, id)
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
    const [settled] = await world.sql`
      select c.outcome, c.settled_by, c.sealed_code from private.oauth_completions c
        join private.oauth_states s on s.state_hash = c.state_hash
       where s.integration_id = ${id}`
    assert.deepEqual({ ...settled }, {
      outcome: 'connected',
      settled_by: world.owner,
      sealed_code: null,
    })

    const shown = await invoke(world, world.member, `integrations/${id}`, { method: 'GET' })
    assert.equal(shown.body.integration.status, 'active')
    assert.equal(shown.body.integration.has_own_client, false)
    assert.equal('uses_own_client' in shown.body.integration, false)
    // The connection works: the shared API access calls Salesforce with the stored token.
    assert.equal((await salesforceApi(id).query('SELECT Id FROM Contact')).totalSize, 5)
  })
})

Deno.test('connect: Deny ends in error access_denied, with no token', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const since = world.sandbox.control.lastRequestSeq()
    const { callback, final, completed } = await connectThroughBrowser(world, id, 'Deny')
    assert.equal(new URL(callback).searchParams.get('error'), 'access_denied')
    assertFailedRedirect(final, id, 'access_denied')
    assert.equal(completed, undefined, 'no ticket, nothing for the app page to complete')
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
    world.secrets.add('tenant-secret-0123456789')
    const patched = await invoke(world, world.owner, `integrations/${id}`, {
      method: 'PATCH',
      body: { client_id: '3MVG9NoSuchClient', client_secret: 'tenant-secret-0123456789' },
    })
    assert.equal(patched.status, 200)
    assert.equal(patched.body.integration.has_own_client, true)
    const url = await authorizeUrl(world, id)
    assert.equal(new URL(url).searchParams.get('client_id'), '3MVG9NoSuchClient')
    const page = await world.visit(url)
    assert.equal(page.status, 400)
    assert.equal(page.headers.get('location'), null)
    assert.match(await page.text(), /invalid_client_id/)
    assert.equal((await integrationRow(world, id)).status, 'pending')
    assert.equal(await readStoredTokens(world.sql, id), undefined)
    // The admin fixes the client id of the half-done connection, and connects.
    const fixed = await invoke(world, world.owner, `integrations/${id}`, {
      method: 'PATCH',
      body: { client_id: world.org.app.clientId, client_secret: world.org.app.clientSecret },
    })
    assert.equal(fixed.status, 200)
    const { completed } = await connectThroughBrowser(world, id, 'Allow')
    assertConnected(completed, id)
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
    const { callback, completed } = await connectThroughBrowser(world, id, 'Allow')
    assertConnected(completed, id)
    await rememberTokens(world, id)
    const replay = await world.visit(callback)
    assert.equal(replay.status, 400)
    assert.equal(replay.headers.get('location'), null, 'no redirect without a trusted target')
    assert.equal((await replay.json()).error.code, 'state_invalid')
    assert.equal((await integrationRow(world, id)).status, 'active')

    // A fresh authorization whose callback five tabs hit at once: one gets a ticket, once.
    const second = await createIntegration(world, 'Second org')
    const url = await authorizeUrl(world, second)
    const racing = await clickOnApprovalPage(world, url, 'Allow')
    const since = world.sandbox.control.lastRequestSeq()
    const answers = await Promise.all(Array.from({ length: 5 }, () => world.visit(racing)))
    const statuses = answers.map((answer) => answer.status).sort()
    assert.deepEqual(statuses, [302, 400, 400, 400, 400])
    const winner = new URL(
      answers.find((answer) => answer.status === 302)!.headers.get('location')!,
    )
    world.tickets.add(winner.searchParams.get('ticket')!)
    for (const answer of answers) await answer.body?.cancel()
    assertConnected(await completeOnAppPage(world, winner, world.owner), second)
    assert.equal(tokenCalls(world.sandbox, since), 1, 'the code is exchanged once')
    await rememberTokens(world, second)
    assert.deepEqual(await eventTypes(world.sql, second), ['connected'])
  })
})

Deno.test('connect: five racing completions and a retry get one answer, from one exchange', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const callback = await clickOnApprovalPage(world, await authorizeUrl(world, id), 'Allow')
    const landing = await followCallback(world, callback)
    const since = world.sandbox.control.lastRequestSeq()
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => completeOnAppPage(world, landing, world.owner)),
    )
    for (const answer of answers) assertConnected(answer, id)
    assert.equal(tokenCalls(world.sandbox, since), 1, 'the code is exchanged once')
    // A retry later (the app page reloaded) is answered the same, without a second exchange.
    assertConnected(await completeOnAppPage(world, landing, world.owner), id)
    assert.equal(tokenCalls(world.sandbox, since), 1)
    await rememberTokens(world, id)
    assert.deepEqual(await eventTypes(world.sql, id), ['connected'])
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
    const { completed, final } = await connectThroughBrowser(world, id, 'Allow', url)
    assertFailedCompletion(completed, 502, 'token_exchange_failed')
    await assertNoTokenAndStatus(world, id, 'error', 'token_exchange_failed')
    // The app page reloaded: the same answer, and the dead code is not tried again.
    const since = world.sandbox.control.lastRequestSeq()
    assertFailedCompletion(
      await completeOnAppPage(world, final, world.owner),
      502,
      'token_exchange_failed',
    )
    assert.equal(tokenCalls(world.sandbox, since), 0)
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
    const { completed } = await connectThroughBrowser(world, id, 'Allow')
    assertConnected(completed, id)
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
    const created = await invoke(world, world.owner, 'integrations', {
      body: {
        business_id: world.businessId,
        name: 'Own app',
        client_id: own.clientId,
        client_secret: own.clientSecret,
      },
    })
    const id = created.body.integration.id
    const url = await authorizeUrl(world, id)
    assert.equal(new URL(url).searchParams.get('client_id'), own.clientId)
    // The code is bound to the tenant's app: exchanging it with the server's app would fail.
    const { completed } = await connectThroughBrowser(world, id, 'Allow', url)
    assertConnected(completed, id)
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
    const { completed } = await connectThroughBrowser(world, id, 'Allow')
    assertFailedCompletion(completed, 502, 'token_exchange_failed')
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

// --- consent phishing: the code is redeemed only for the user who started the flow ---

/**
 * The attack of issue 14: the owner of our world's business (tenant B) asks for an authorization
 * URL for B's integration and sends it to the admin of another company's Salesforce org, who
 * logs in and clicks Allow. Returns what the victim's browser lands on.
 */
async function phish(world: World, id: string) {
  const victimOrg = createOrg(world.sandbox, { name: 'Victim Corp', autoApprove: false })
  const url = await authorizeUrl(world, id)
  const callback = await clickOnApprovalPage(world, url, 'Allow', victimOrg.user.username)
  assert.ok(callback.startsWith(`${world.callbackUrl}?`) && callback.includes('code='))
  // The victim's browser follows the redirect: our callback, then the app page.
  const landing = await followCallback(world, callback)
  return { victimOrg, callback, landing }
}

async function assertNothingConnected(world: World, id: string, since: number) {
  assert.equal(tokenCalls(world.sandbox, since), 0, 'the code was never exchanged')
  const row = await integrationRow(world, id)
  assert.notEqual(row.status, 'active')
  assert.equal(row.external_org_id, null)
  assert.equal(row.instance_url, null)
  assert.equal(await readStoredTokens(world.sql, id), undefined)
  const consents = await world.sql`
    select 1 from public.integration_consents where integration_id = ${id}`
  assert.equal(consents.length, 0)
}

/**
 * `other` presents the owner's ticket (twice: answered the same), and is refused; the ticket is
 * cancelled, so handing it back to the owner (the attacker, in the phishing case) is worthless.
 */
async function assertCancelledBy(world: World, landing: URL, other: string) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const answer = await completeOnAppPage(world, landing, other)
    assertFailedCompletion(answer, 403, 'ticket_not_yours')
  }
  const owner = await completeOnAppPage(world, landing, world.owner)
  assertFailedCompletion(owner, 409, 'connection_cancelled')
}

Deno.test("connect: a URL sent to another company's Salesforce user connects nothing (no session)", async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const since = world.sandbox.control.lastRequestSeq()
    const { victimOrg, callback, landing } = await phish(world, id)
    assert.notEqual(victimOrg.orgId, world.org.orgId)
    // The victim is not signed in to the app: the page they land on can complete nothing, and
    // the ticket stays in their browser. The attacker has the state, not the ticket or the code:
    assert.ok(landing.searchParams.has('ticket'))
    const replay = await world.visit(callback)
    assert.equal(replay.status, 400, 'the callback URL cannot be used twice')
    await replay.body?.cancel()
    const guessed = await invoke(world, world.owner, 'callback/complete', {
      body: { ticket: 'A'.repeat(43) },
    })
    assert.equal(guessed.status, 404)
    assert.equal(guessed.body.error.code, 'ticket_invalid')
    await assertNothingConnected(world, id, since)
    assert.equal((await integrationRow(world, id)).status, 'pending')
    assert.deepEqual(await eventTypes(world.sql, id), [])
  })
})

Deno.test('connect: a ticket completed by a signed-in user who did not start the flow is cancelled', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const since = world.sandbox.control.lastRequestSeq()
    const { landing } = await phish(world, id)
    // The victim happens to use the same SaaS (another business): its page completes as them.
    await assertCancelledBy(world, landing, world.stranger)
    await assertNothingConnected(world, id, since)
    const row = await integrationRow(world, id)
    assert.deepEqual([row.status, row.last_error_code], ['error', 'connection_cancelled'])
    const events = await world.sql`
      select type, actor_id, metadata from public.integration_events where integration_id = ${id}`
    assert.deepEqual(events.map((event) => ({ ...event })), [{
      type: 'auth_failed',
      actor_id: null,
      metadata: { error_code: 'connection_cancelled' },
    }])
  })
})

Deno.test("connect: another member of the same business cannot complete the owner's flow", async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const since = world.sandbox.control.lastRequestSeq()
    const callback = await clickOnApprovalPage(world, await authorizeUrl(world, id), 'Allow')
    const landing = await followCallback(world, callback)
    await assertCancelledBy(world, landing, world.member)
    await assertNothingConnected(world, id, since)
    // Starting again works, in one click.
    const { completed } = await connectThroughBrowser(world, id, 'Allow')
    assertConnected(completed, id)
    await rememberTokens(world, id)
  })
})

Deno.test('connect: a ticket past its ten minutes ends in state_expired without an exchange', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const callback = await clickOnApprovalPage(world, await authorizeUrl(world, id), 'Allow')
    const landing = await followCallback(world, callback)
    await world.sql`
      update private.oauth_completions c set expires_at = now() - interval '1 second'
        from private.oauth_states s
       where s.state_hash = c.state_hash and s.integration_id = ${id}`
    const since = world.sandbox.control.lastRequestSeq()
    assertFailedCompletion(
      await completeOnAppPage(world, landing, world.owner),
      409,
      'state_expired',
    )
    assertFailedCompletion(
      await completeOnAppPage(world, landing, world.owner),
      409,
      'state_expired',
    )
    assert.equal(tokenCalls(world.sandbox, since), 0)
    await assertNoTokenAndStatus(world, id, 'error', 'state_expired')
  })
})

Deno.test('connect: a disconnect between the callback and the completion forgets the ticket', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const callback = await clickOnApprovalPage(world, await authorizeUrl(world, id), 'Allow')
    const landing = await followCallback(world, callback)
    const removed = await invoke(world, world.owner, `integrations/${id}`, { method: 'DELETE' })
    assert.equal(removed.status, 200)
    const since = world.sandbox.control.lastRequestSeq()
    const late = await completeOnAppPage(world, landing, world.owner)
    assertFailedCompletion(late, 404, 'ticket_invalid')
    assert.equal(tokenCalls(world.sandbox, since), 0)
    assert.equal((await integrationRow(world, id)).status, 'disconnected')
    assert.equal(await readStoredTokens(world.sql, id), undefined)
  })
})

Deno.test('connect: an initiator no longer an admin cannot complete; the ticket waits for the role back', async () => {
  await withWorld({}, async (world) => {
    const setRole = (role: string) =>
      world.sql`update public.team_members set role = ${role}
                 where business_id = ${world.businessId} and user_id = ${world.member}`
    const id = await createIntegration(world)
    await setRole('admin')
    const url = await authorizeUrl(world, id, world.member)
    const landing = await followCallback(world, await clickOnApprovalPage(world, url, 'Allow'))
    await setRole('member')
    const since = world.sandbox.control.lastRequestSeq()
    assertFailedCompletion(await completeOnAppPage(world, landing, world.member), 403, 'forbidden')
    assert.equal(tokenCalls(world.sandbox, since), 0)
    assert.equal((await integrationRow(world, id)).status, 'pending')
    await setRole('admin')
    assertConnected(await completeOnAppPage(world, landing, world.member), id)
    await rememberTokens(world, id)
  })
})

Deno.test('connect: completing needs a signed-in user and a well-formed ticket', async () => {
  await withWorld({}, async (world) => {
    const anonymous = await world.call('/functions/v1/callback/complete', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticket: 'A'.repeat(43) }),
    })
    assert.equal(anonymous.status, 401)
    assert.equal((await anonymous.json()).error.code, 'unauthorized')
    for (
      const body of [{}, { ticket: 'short' }, { ticket: `${'A'.repeat(42)}\u0000` }, {
        ticket: 'A'.repeat(43),
        more: 1,
      }]
    ) {
      const refused = await invoke(world, world.owner, 'callback/complete', { body })
      assert.equal(refused.status, 400, JSON.stringify(body))
      assert.equal(refused.body.error.code, 'validation_failed')
    }
  })
})

// --- the callback's edges: untrusted states and hostile parameters ---

Deno.test('connect: an unknown, used or forged state lands on the configured error page', async () => {
  await withWorld({ appErrorPage: true }, async (world) => {
    const id = await createIntegration(world)
    const { callback, completed } = await connectThroughBrowser(world, id, 'Allow')
    assertConnected(completed, id)
    await rememberTokens(world, id)
    const used = new URL(callback).search.slice(1)
    for (
      const query of [used, `code=abc&state=${'A'.repeat(43)}`, 'code=abc&state=forged', 'code=abc']
    ) {
      const answer = await world.visit(`${world.callbackUrl}?${query}`)
      assert.equal(answer.status, 302, query)
      assert.equal(answer.headers.get('referrer-policy'), 'no-referrer')
      const page = new URL(answer.headers.get('location')!)
      assert.equal(page.origin + page.pathname, appErrorUrl)
      assert.equal(page.searchParams.get('error'), 'state_invalid')
      assert.ok((page.searchParams.get('message') ?? '').length > 10)
      assert.equal(page.searchParams.get('ticket'), null)
    }
    assert.equal((await integrationRow(world, id)).status, 'active', 'nothing changed')
  })
})

Deno.test('connect: U+0000 or a control character in any callback parameter is a 400 that leaves the state usable', async () => {
  await withWorld({ appErrorPage: true }, async (world) => {
    const id = await createIntegration(world)
    const callback = await clickOnApprovalPage(world, await authorizeUrl(world, id), 'Allow')
    const state = new URL(callback).searchParams.get('state')!
    const hostile: Record<string, string>[] = [
      { error: 'access_denied\u0000', state },
      { error: '\u0000', state },
      { error: 'access_denied', error_description: 'denied\u0000', state },
      { code: 'aPrx\u0000', state },
      { code: 'aPrx', state: `${state.slice(0, 42)}\u0000` },
      { error: 'access\u001bdenied', state },
    ]
    for (const params of hostile) {
      const answer = await world.visit(`${world.callbackUrl}?${new URLSearchParams(params)}`)
      assert.equal(answer.status, 400, JSON.stringify(params))
      assert.equal((await answer.json()).error.code, 'validation_failed')
    }
    const provider = await world.visit(
      `${world.gateway.url}/functions/v1/callback/sales%00force?state=${state}`,
    )
    assert.equal(provider.status, 400)
    await provider.body?.cancel()
    assert.equal((await integrationRow(world, id)).status, 'pending')
    assert.deepEqual(await eventTypes(world.sql, id), [], 'nothing recorded')
    // The state was not burned: the real callback still completes the connection.
    const landing = await followCallback(world, callback)
    assertConnected(await completeOnAppPage(world, landing, world.owner), id)
    await rememberTokens(world, id)
  })
})

Deno.test('connect: U+0000 in any authorize parameter is a 400 and starts nothing', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const cases = [
      `authorize/salesforce?${new URLSearchParams({
        integration_id: `${id}\u0000`,
        redirect_to: appUrl,
      })}`,
      `authorize/salesforce?${new URLSearchParams({
        integration_id: id,
        redirect_to: `${appUrl}\u0000`,
      })}`,
      `authorize/sales%00force?${new URLSearchParams({ integration_id: id, redirect_to: appUrl })}`,
    ]
    for (const name of cases) {
      const answer = await invoke(world, world.owner, name, { method: 'GET' })
      assert.ok([400, 404].includes(answer.status), `${name}: ${answer.status}`)
      assert.equal(typeof answer.body.error.code, 'string')
    }
    const states = await world.sql`select 1 from private.oauth_states where integration_id = ${id}`
    assert.equal(states.length, 0)
    assert.equal((await integrationRow(world, id)).status, 'inactive')
  })
})

Deno.test('connect: a callback that fails on our side leaves the state usable for a retry', async () => {
  await withWorld({}, async (world) => {
    const id = await createIntegration(world)
    const callback = await clickOnApprovalPage(world, await authorizeUrl(world, id), 'Allow')
    // Our database refuses the completion row once (an outage, a bug): the answer is a 500.
    await world.sql.unsafe(`
      create function private.test_refuse_completion() returns trigger language plpgsql as
        $$ begin raise exception 'simulated outage'; end $$;
      create trigger refuse_completion before insert on private.oauth_completions
        for each row execute function private.test_refuse_completion()`)
    let broken: Response
    try {
      broken = await world.visit(callback)
    } finally {
      await world.sql.unsafe(`
        drop trigger refuse_completion on private.oauth_completions;
        drop function private.test_refuse_completion()`)
    }
    assert.equal(broken.status, 500)
    assert.equal((await broken.json()).error.code, 'internal_error')
    // The state was not burned: the browser's retry (a reload) still gets its ticket.
    const landing = await followCallback(world, callback)
    assertConnected(await completeOnAppPage(world, landing, world.owner), id)
    await rememberTokens(world, id)
  })
})
