// The proxy over the gateway, against the Salesforce sandbox and the provider simulator: reads
// and writes for three providers with their answers passed through, a token refreshed mid-call,
// a rate limit waited out, tenants and roles kept apart, paths that would leave the API base
// refused, the body limit, the per-business allowance and the audit trail of writes.
import assert from 'node:assert/strict'
import { app } from '../../supabase/functions/proxy/app.ts'
import { expectJson } from '../helpers/contacts-world.ts'
import { eventTypes, readStoredTokens } from '../helpers/integrations.ts'
import { type ProxyWorld, withProxyWorld } from '../helpers/proxy-world.ts'
import { tokenCalls } from '../helpers/salesforce-sandbox.ts'

const sfApi = '/services/data/v62.0'
const json = (body: unknown, method = 'POST'): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

/** The simulator's calls of one provider since `sinceSeq`. */
function simCalls(world: ProxyWorld, provider: string, sinceSeq: number) {
  return world.sim.control.requests({ provider, sinceSeq })
}

/** The proxy_write events of an integration, oldest first. */
async function writeEvents(world: ProxyWorld, integrationId: string) {
  const rows = await world.sql<{ actor_id: string; metadata: Record<string, unknown> }[]>`
    select actor_id, metadata from public.integration_events
     where integration_id = ${integrationId} and type = 'proxy_write' order by id`
  return [...rows]
}

function assertFromProvider(response: Response): void {
  assert.equal(response.headers.get('x-proxy-source'), 'provider')
  assert.equal(response.headers.get('set-cookie'), null)
}

Deno.test("proxy: GET and POST reach Salesforce, GitHub and Zendesk with the connection's credentials", async () => {
  await withProxyWorld({}, async (world) => {
    // Salesforce: a query, then a create that the org holds afterwards.
    const query = await world.proxy(
      world.integrations.salesforce,
      `${sfApi}/query?q=${encodeURIComponent('SELECT Id, LastName FROM Contact')}`,
    )
    assertFromProvider(query)
    const page = await expectJson<{ totalSize: number; records: unknown[] }>(query, 200)
    assert.equal(page.totalSize, 3)
    const created = await world.proxy(
      world.integrations.salesforce,
      `${sfApi}/sobjects/Contact`,
      json({ FirstName: 'Ada', LastName: 'Lovelace' }),
    )
    assertFromProvider(created)
    const { id } = await expectJson<{ id: string }>(created, 201)
    assert.equal(
      world.sandbox.control.getRecord(world.org.orgId, 'Contact', id)?.LastName,
      'Lovelace',
    )
    const deleted = await world.proxy(
      world.integrations.salesforce,
      `${sfApi}/sobjects/Contact/${id}`,
      { method: 'DELETE' },
    )
    assertFromProvider(deleted)
    assert.equal(deleted.status, 204)
    assert.equal(await deleted.text(), '')

    // GitHub: who the token belongs to, then a repository created in that account.
    const since = world.sim.control.lastRequestSeq()
    const user = await expectJson<{ login: string }>(
      await world.proxy(world.integrations.github, '/user'),
      200,
    )
    assert.ok(user.login)
    const repo = await world.proxy(
      world.integrations.github,
      '/user/repos',
      json({ name: 'proxied' }),
    )
    assertFromProvider(repo)
    await expectJson(repo, 201)
    assert.ok(world.sim.control.items('github', 'acme').some((item) => item.name === 'proxied'))

    // Zendesk: a list with its query kept, then a ticket.
    const users = await expectJson<{ users: unknown[] }>(
      await world.proxy(world.integrations.zendesk, '/api/v2/users.json?per_page=2'),
      200,
    )
    assert.equal(users.users.length, 2, 'the query string reached Zendesk')
    const ticket = await world.proxy(
      world.integrations.zendesk,
      '/api/v2/tickets.json',
      json({ ticket: { subject: 'Printer on fire' } }),
    )
    await expectJson(ticket, 201)
    assert.ok(
      world.sim.control.items('zendesk', 'acme').some((item) => item.name === 'Printer on fire'),
    )
    const paths = simCalls(world, 'zendesk', since).map((call) => `${call.method} ${call.path}`)
    assert.ok(paths.includes('GET /api/v2/users.json?per_page=2'), paths.join('\n'))

    // Every write left one audit event with method, path (no query) and status, never the
    // body; the reads (the query, /user, the user list) left none.
    const expected = {
      [world.integrations.salesforce]: [
        { method: 'POST', path: `${sfApi}/sobjects/Contact`, status: 201, source: 'provider' },
        {
          method: 'DELETE',
          path: `${sfApi}/sobjects/Contact/${id}`,
          status: 204,
          source: 'provider',
        },
      ],
      [world.integrations.github]: [
        { method: 'POST', path: '/user/repos', status: 201, source: 'provider' },
      ],
      [world.integrations.zendesk]: [
        { method: 'POST', path: '/api/v2/tickets.json', status: 201, source: 'provider' },
      ],
    }
    for (const [integration, metadata] of Object.entries(expected)) {
      const events = await writeEvents(world, integration)
      assert.deepEqual(events.map((event) => event.metadata), metadata)
      assert.ok(events.every((event) => event.actor_id === world.ownerId))
    }
  })
})

Deno.test('proxy: an access token that expires mid-browse is refreshed once and the call repeated', async () => {
  await withProxyWorld({}, async (world) => {
    // Zendesk rotates: the refresh answers a new refresh token, saved with its access token.
    const before = await readStoredTokens(world.sql, world.integrations.zendesk)
    assert.equal(world.sim.control.expireAccessTokens('zendesk', 'acme') > 0, true)
    const since = world.sim.control.lastRequestSeq()
    const users = await world.proxy(world.integrations.zendesk, '/api/v2/users/me.json')
    await expectJson(users, 200)
    const calls = simCalls(world, 'zendesk', since)
    assert.deepEqual(calls.map((call) => [call.endpoint, call.status]), [
      ['api.me', 401],
      ['oauth.refresh', 200],
      ['api.me', 200],
    ])
    const after = await readStoredTokens(world.sql, world.integrations.zendesk)
    assert.notEqual(after?.tokens.refresh_token, before?.tokens.refresh_token, 'rotated')
    assert.equal(after?.version, (before?.version ?? 0) + 1)
    assert.ok((await eventTypes(world.sql, world.integrations.zendesk)).includes('token_refreshed'))

    // Salesforce: the session expires; one refresh, and the answer is the query's.
    world.sandbox.control.expireAccessTokens(world.org.orgId)
    const sfSince = world.sandbox.control.lastRequestSeq()
    const query = await world.proxy(
      world.integrations.salesforce,
      `${sfApi}/query?q=${encodeURIComponent('SELECT Id FROM Contact')}`,
    )
    assert.equal((await expectJson<{ totalSize: number }>(query, 200)).totalSize, 3)
    assert.equal(tokenCalls(world.sandbox, sfSince), 1)
  })
})

Deno.test('proxy: a 429 with Retry-After is waited out; a wait past the bound goes back to the caller as is', async () => {
  await withProxyWorld({ env: { PROXY_MAX_RETRY_WAIT_SECONDS: '5' } }, async (world) => {
    world.sim.control.injectFault({ kind: '429', provider: 'zendesk', retryAfterSeconds: 1 })
    const since = world.sim.control.lastRequestSeq()
    const started = performance.now()
    const users = await world.proxy(world.integrations.zendesk, '/api/v2/users.json')
    await expectJson(users, 200)
    // A lower bound only: the proxy must not ask again before the provider said it may.
    assert.ok(performance.now() - started >= 1000, 'waited the second Retry-After asked for')
    assert.deepEqual(simCalls(world, 'zendesk', since).map((call) => call.status), [429, 200])

    world.sim.control.injectFault({ kind: '429', provider: 'zendesk', retryAfterSeconds: 120 })
    const later = world.sim.control.lastRequestSeq()
    const limited = await world.proxy(world.integrations.zendesk, '/api/v2/users.json')
    assertFromProvider(limited)
    assert.equal(limited.status, 429)
    assert.equal(limited.headers.get('retry-after'), '120', "the provider's own wait")
    await limited.body?.cancel()
    assert.equal(simCalls(world, 'zendesk', later).length, 1, 'not retried')
  })
})

Deno.test("proxy: another business's integration is a 404 and never reaches the provider", async () => {
  await withProxyWorld({}, async (world) => {
    const since = world.sim.control.lastRequestSeq()
    for (
      const [integration, token] of [
        [world.otherIntegrationId, world.ownerToken],
        [world.otherIntegrationId, world.memberToken],
        [world.integrations.github, world.outsiderToken],
        ['f0000000-0000-4000-8000-00000000000f', world.ownerToken],
      ]
    ) {
      for (const init of [{}, json({ name: 'x' })]) {
        const response = await world.proxy(integration, '/user', { ...init, token })
        assert.equal(response.headers.get('x-proxy-source'), null, "our answer, not GitHub's")
        const body = await expectJson<{ error: { code: string } }>(response, 404)
        assert.equal(body.error.code, 'not_found')
      }
    }
    assert.deepEqual(simCalls(world, 'github', since), [])
    assert.deepEqual(await writeEvents(world, world.otherIntegrationId), [])
  })
})

Deno.test('proxy: a member may GET and HEAD; every write of theirs is a 403 that reaches nothing', async () => {
  await withProxyWorld({}, async (world) => {
    const since = world.sim.control.lastRequestSeq()
    const read = await world.proxy(world.integrations.github, '/user', { token: world.memberToken })
    await expectJson(read, 200)
    const head = await world.proxy(world.integrations.github, '/user', {
      method: 'HEAD',
      token: world.memberToken,
    })
    // Forwarded as a HEAD (the simulator routes only GET there, so its status is its own).
    assertFromProvider(head)
    assert.equal(await head.text(), '')
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const response = await world.proxy(world.integrations.github, '/user/repos', {
        ...json({ name: 'nope' }, method),
        token: world.memberToken,
      })
      const body = await expectJson<{ error: { code: string } }>(response, 403)
      assert.equal(body.error.code, 'forbidden', method)
    }
    assert.deepEqual(
      simCalls(world, 'github', since).map((call) => call.method),
      ['GET', 'HEAD'],
      'no write reached GitHub',
    )
    assert.deepEqual(await writeEvents(world, world.integrations.github), [])
  })
})

Deno.test('proxy: paths that could leave the API base are refused before anything is sent', async () => {
  await withProxyWorld({}, async (world) => {
    const since = world.sim.control.lastRequestSeq()
    const sfSince = world.sandbox.control.lastRequestSeq()
    const refused = [
      '/api/v2/..%2F..%2Foauth/tokens',
      '/api/v2/%2e%2e%2f%2e%2e%2foauth/tokens',
      '/api/v2/%252e%252e/oauth/tokens',
      '/api/v2/users%5c..%5c..%5coauth',
      '//evil.example/steal',
      '/https://evil.example/steal',
      '/https:evil.example',
      '/api/v2/users/a%0d%0aX-Injected:%201',
    ]
    for (const path of refused) {
      for (const init of [{}, json({ ticket: {} })]) {
        const response = await world.proxy(world.integrations.zendesk, path, init)
        const body = await expectJson<{ error: { code: string; message: string } }>(response, 400)
        assert.equal(body.error.code, 'path_not_allowed', path)
      }
    }
    const sf = await world.proxy(world.integrations.salesforce, '/services/data/..%2F..%2Fsecur')
    assert.equal(
      (await expectJson<{ error: { code: string } }>(sf, 400)).error.code,
      'path_not_allowed',
    )
    assert.deepEqual(simCalls(world, 'zendesk', since), [])
    assert.equal(world.sandbox.control.requests({ sinceSeq: sfSince }).length, 0)
    assert.deepEqual(await writeEvents(world, world.integrations.zendesk), [])
  })
})

/** Sends one raw HTTP/1.1 request, so `..` reaches the server unresolved (fetch would resolve it). */
async function rawRequest(port: number, target: string, token: string): Promise<string> {
  const conn = await Deno.connect({ hostname: '127.0.0.1', port })
  try {
    await conn.write(new TextEncoder().encode(
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
        'Connection: close\r\n\r\n',
    ))
    return await new Response(conn.readable).text()
  } catch (error) {
    conn.close()
    throw error
  }
}

Deno.test('proxy: a raw ../ the runtime hands over unresolved is refused by the function itself', async () => {
  await withProxyWorld({}, async (world) => {
    // The function as Deno serves it (the edge runtime does not resolve dot segments either);
    // the local gateway would, so this bypasses it. The gateway set the functions' environment.
    const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, app.fetch)
    try {
      const since = world.sim.control.lastRequestSeq()
      for (const rest of ['/api/v2/../../oauth/tokens', '/api/v2/%2e%2e/%2E%2E/oauth/tokens']) {
        const answer = await rawRequest(
          server.addr.port,
          `/proxy/${world.integrations.zendesk}${rest}`,
          world.ownerToken,
        )
        assert.match(answer, /^HTTP\/1\.1 400/, answer.slice(0, 200))
        assert.match(answer, /"code":"path_not_allowed"/)
      }
      assert.deepEqual(simCalls(world, 'zendesk', since), [])
    } finally {
      await server.shutdown()
    }
  })
})

Deno.test('proxy: a body over 1 MiB is a 413, with or without a Content-Length', async () => {
  await withProxyWorld({}, async (world) => {
    const since = world.sim.control.lastRequestSeq()
    const big = 'x'.repeat(1024 * 1024 + 1)
    const sized = await world.proxy(world.integrations.zendesk, '/api/v2/tickets.json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    })
    assert.equal(
      (await expectJson<{ error: { code: string } }>(sized, 413)).error.code,
      'payload_too_large',
    )
    const chunks = [big.slice(0, 600_000), big.slice(600_000)].map((part) =>
      new TextEncoder().encode(part)
    )
    const streamed = await world.proxy(world.integrations.zendesk, '/api/v2/tickets.json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: ReadableStream.from(chunks),
    })
    assert.equal(
      (await expectJson<{ error: { code: string } }>(streamed, 413)).error.code,
      'payload_too_large',
    )
    assert.deepEqual(simCalls(world, 'zendesk', since), [])
    assert.deepEqual(await writeEvents(world, world.integrations.zendesk), [])
  })
})

Deno.test("proxy: the allowance is the business's, shared by its members, and another business keeps its own", async () => {
  await withProxyWorld({ env: { PROXY_RATE_LIMIT_MAX: '2' } }, async (world) => {
    await expectJson(await world.proxy(world.integrations.github, '/user'), 200)
    await expectJson(
      await world.proxy(world.integrations.github, '/user', { token: world.memberToken }),
      200,
    )
    const since = world.sim.control.lastRequestSeq()
    const third = await world.proxy(world.integrations.zendesk, '/api/v2/users/me.json', {
      token: world.memberToken,
    })
    const body = await expectJson<{ error: { code: string } }>(third, 429)
    assert.equal(body.error.code, 'rate_limited')
    assert.ok(Number(third.headers.get('retry-after')) >= 1)
    assert.deepEqual(simCalls(world, 'zendesk', since), [])
    // The outsider's business has spent nothing.
    await expectJson(
      await world.proxy(world.otherIntegrationId, '/user', { token: world.outsiderToken }),
      200,
    )
  })
})

Deno.test('proxy: a write the provider refuses is passed through and still audited', async () => {
  await withProxyWorld({}, async (world) => {
    const refused = await world.proxy(
      world.integrations.salesforce,
      `${sfApi}/sobjects/Contact`,
      json({ FirstName: 'No last name' }),
    )
    assertFromProvider(refused)
    const errors = await expectJson<Array<{ errorCode: string }>>(refused, 400)
    assert.equal(errors[0].errorCode, 'REQUIRED_FIELD_MISSING', "Salesforce's own error body")
    const events = await writeEvents(world, world.integrations.salesforce)
    assert.deepEqual(events.map((event) => event.metadata), [
      { method: 'POST', path: `${sfApi}/sobjects/Contact`, status: 400, source: 'provider' },
    ])
  })
})

Deno.test('proxy: a dead grant is our 409 reauth_required, and the write that met it is audited with our code', async () => {
  await withProxyWorld({}, async (world) => {
    assert.ok(world.sim.control.killGrants('zendesk', 'acme') > 0)
    const response = await world.proxy(
      world.integrations.zendesk,
      '/api/v2/tickets.json',
      json({ ticket: { subject: 'Too late' } }),
    )
    assert.equal(response.headers.get('x-proxy-source'), null, 'our answer')
    const body = await expectJson<{ error: { code: string } }>(response, 409)
    assert.equal(body.error.code, 'reauth_required')
    assert.ok((await eventTypes(world.sql, world.integrations.zendesk)).includes('reauth_required'))
    assert.deepEqual(
      (await writeEvents(world, world.integrations.zendesk)).map((e) => e.metadata),
      [
        {
          method: 'POST',
          path: '/api/v2/tickets.json',
          status: 409,
          source: 'proxy',
          code: 'reauth_required',
        },
      ],
    )
    // From now on the connection is known dead: no call reaches Zendesk at all.
    const since = world.sim.control.lastRequestSeq()
    const again = await world.proxy(world.integrations.zendesk, '/api/v2/users/me.json')
    assert.equal(
      (await expectJson<{ error: { code: string } }>(again, 409)).error.code,
      'reauth_required',
    )
    assert.deepEqual(simCalls(world, 'zendesk', since), [])
  })
})
