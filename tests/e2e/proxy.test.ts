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
  return await world.sql<{ actor_id: string; metadata: Record<string, unknown> }[]>`
    select actor_id, metadata from public.integration_events
     where integration_id = ${integrationId} and type = 'proxy_write' order by id`
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

    // Every write left one audit event with method, path (no query) and status, never the body.
    for (
      const [integration, path, status] of [
        [world.integrations.salesforce, `${sfApi}/sobjects/Contact`, 201],
        [world.integrations.github, '/user/repos', 201],
        [world.integrations.zendesk, '/api/v2/tickets.json', 201],
      ] as const
    ) {
      const events = await writeEvents(world, integration)
      assert.deepEqual(events.map((event) => event.metadata), [
        { method: 'POST', path, status, source: 'provider' },
      ])
      assert.equal(events[0].actor_id, world.ownerId)
    }
    assert.ok(!(await eventTypes(world.sql, world.integrations.github)).includes('proxy_read'))
  })
})
