// The real local stack (scripts/local/stack.sh, as `npm start` runs it) on its own ports and
// STATE_DIR: an integration connected through the sandbox keeps syncing after `stack down` +
// `stack up` without reconnecting (the sandbox keeps its grants and records), and a setting
// passed to a second `up` restarts only the service that reads it.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { loadOrCreateSigningKey, mintUserJwt } from '../../../scripts/local/jwt.ts'
import { repoRoot } from '../../helpers/gateway.ts'
import { invoke, supabaseClient } from '../../helpers/supabase-client.ts'

// From supabase/seed.sql: the demo business and its owner.
const demoBusiness = '00000000-0000-4000-8000-0000000000b1'
const demoOwner = '00000000-0000-4000-8000-00000000d001'
const appUrl = 'http://localhost:3000/'

function freePort(): number {
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 })
  const port = (listener.addr as Deno.NetAddr).port
  listener.close()
  return port
}

async function stack(
  env: Record<string, string>,
  command: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command('bash', {
    args: [join(repoRoot, 'scripts', 'local', 'stack.sh'), command],
    env: { ...env, ...extra },
    stdout: 'piped',
    stderr: 'piped',
  }).output()
  const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr)
  if (code !== 0) throw new Error(`stack.sh ${command} failed (${code}):\n${out}`)
  return out
}

async function json(response: Response, status: number) {
  const body = await response.json()
  assert.equal(response.status, status, JSON.stringify(body))
  return body
}

Deno.test('local stack: down + up keeps a connected integration syncing; a changed setting restarts its service', async (t) => {
  const stateDir = await Deno.makeTempDir({ prefix: 'crm-sync-stack-' })
  // The cluster's files must be reachable by the postgres OS user.
  await Deno.chmod(stateDir, 0o755)
  const ports = {
    db: freePort(),
    gateway: freePort(),
    sandbox: freePort(),
    hubspot: freePort(),
    simulator: freePort(),
  }
  const env: Record<string, string> = {
    PATH: Deno.env.get('PATH') ?? '/usr/bin:/bin',
    HOME: Deno.env.get('HOME') ?? '/tmp',
    STATE_DIR: stateDir,
    DB_PORT: String(ports.db),
    GATEWAY_PORT: String(ports.gateway),
    SANDBOX_PORT: String(ports.sandbox),
    HUBSPOT_SANDBOX_PORT: String(ports.hubspot),
    PROVIDER_SIMULATOR_PORT: String(ports.simulator),
    SANDBOX_CONTACTS: '25',
    // The approval page is the browser's; this test is the browser that always clicks Allow.
    SANDBOX_AUTO_APPROVE: '1',
  }
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`
  const sandboxUrl = `http://127.0.0.1:${ports.sandbox}`
  try {
    await stack(env, 'up')
    const key = await loadOrCreateSigningKey(stateDir)
    const token = await mintUserJwt({ sub: demoOwner, key, supabaseUrl: gatewayUrl })
    const owner = supabaseClient(gatewayUrl, token)

    /** "Sync now"; a tick of pg_cron may hold the lease for a moment (409 sync_in_progress). */
    const syncNow = async (integrationId: string) => {
      for (let attempt = 0; attempt < 60; attempt++) {
        const response = await invoke(owner, `sync-cron/integrations/${integrationId}`, {
          method: 'POST',
        })
        const body = await response.json()
        if (response.status === 200) return body.run
        assert.equal(body.error?.code, 'sync_in_progress', JSON.stringify(body))
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
      throw new Error('the integration stayed leased')
    }
    const findContact = async (integrationId: string, email: string) => {
      const query = new URLSearchParams({ integration_id: integrationId, search: email })
      return (await json(await invoke(owner, `contacts?${query}`), 200)).contacts
    }

    let integrationId = ''
    let orgId = ''
    await t.step('connect through the sandbox and sync', async () => {
      const created = await json(
        await invoke(owner, 'integrations', {
          method: 'POST',
          body: { business_id: demoBusiness, name: 'Acme', environment: 'production' },
        }),
        201,
      )
      integrationId = created.integration.id
      const query = new URLSearchParams({ integration_id: integrationId, redirect_to: appUrl })
      const { url } = await json(await invoke(owner, `authorize/salesforce?${query}`), 200)
      const approved = await fetch(url, { redirect: 'manual' })
      await approved.body?.cancel()
      const callback = await fetch(approved.headers.get('location')!, { redirect: 'manual' })
      await callback.body?.cancel()
      const landed = new URL(callback.headers.get('location')!)
      // The app page finishes the connection with the one-time ticket it was sent.
      const ticket = landed.searchParams.get('ticket')
      assert.ok(ticket, landed.href)
      const completed = await json(
        await invoke(owner, 'callback/complete', { method: 'POST', body: { ticket } }),
        200,
      )
      assert.equal(completed.status, 'connected')
      const integration = (await json(await invoke(owner, `integrations/${integrationId}`), 200))
        .integration
      orgId = integration.external_org_id
      assert.equal((await syncNow(integrationId)).status, 'succeeded')
      const { health } = await json(
        await invoke(owner, `integrations/${integrationId}/health`),
        200,
      )
      assert.equal(health.contacts_active, 25)
    })

    await t.step('a setting passed to up restarts the service that reads it', async () => {
      const allowed = 'https://changed.example/'
      const query = new URLSearchParams({ integration_id: integrationId, redirect_to: allowed })
      const before = await json(await invoke(owner, `authorize/salesforce?${query}`), 400)
      assert.equal(before.error.code, 'redirect_not_allowed')
      const out = await stack(env, 'up', { APP_REDIRECT_ALLOWLIST: allowed })
      assert.match(out, /gateway: settings changed \(APP_REDIRECT_ALLOWLIST\); restarting it/)
      assert.doesNotMatch(out, /sandbox: settings changed|net-worker: settings changed/)
      await json(await invoke(owner, `authorize/salesforce?${query}`), 200)
      // The same settings again: nothing restarts.
      const again = await stack(env, 'up', { APP_REDIRECT_ALLOWLIST: allowed })
      assert.doesNotMatch(again, /settings changed/)
    })

    await t.step('down + up: the integration syncs again without reconnecting', async () => {
      await stack(env, 'down')
      await stack(env, 'up')
      const inserted = await fetch(`${sandboxUrl}/__sandbox/orgs/${orgId}/records/Contact`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          records: [{
            FirstName: 'After',
            LastName: 'Restart',
            Email: 'after.restart@example.com',
          }],
        }),
      })
      assert.equal(inserted.status, 200, 'the org is still there')
      await inserted.body?.cancel()
      assert.equal((await syncNow(integrationId)).status, 'succeeded')
      const [contact] = await findContact(integrationId, 'after.restart@example.com')
      assert.equal(contact?.last_name, 'Restart')
      const integration = (await json(await invoke(owner, `integrations/${integrationId}`), 200))
        .integration
      assert.equal(integration.status, 'active', 'no reauth_required')
      const { events } = await json(
        await invoke(owner, `integrations/${integrationId}/events`),
        200,
      )
      assert.equal(
        events.filter((event: { type: string }) => event.type === 'connected').length,
        1,
        'connected once, never again',
      )
    })
  } finally {
    await stack(env, 'down').catch((error) => console.error(error))
    await Deno.remove(stateDir, { recursive: true })
  }
})
