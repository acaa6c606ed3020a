// Serves the HubSpot sandbox over HTTP with Deno.serve (port 0 picks a free port for tests).

import { createHubSpotSandbox, type HubSpotSandbox, type HubSpotSandboxOptions } from './sandbox.ts'
import type { HubSpotControl } from './control.ts'

export interface StartOptions extends HubSpotSandboxOptions {
  port?: number
  hostname?: string
  /** Send due webhooks this often (ms, real time); unset: only when asked (control API). */
  webhookIntervalMs?: number
}

export interface RunningHubSpotSandbox {
  /** Base URL, e.g. http://127.0.0.1:54332; `<url>/app` and `<url>/api` are the two hosts. */
  url: string
  sandbox: HubSpotSandbox
  control: HubSpotControl
  close(): Promise<void>
}

export async function startHubSpotSandbox(opts: StartOptions = {}): Promise<RunningHubSpotSandbox> {
  const hostname = opts.hostname ?? '127.0.0.1'
  const sandbox = createHubSpotSandbox({
    ...opts,
    baseUrl: opts.baseUrl ?? 'http://pending.invalid',
  })
  let resolveAddr!: (addr: Deno.NetAddr) => void
  const listening = new Promise<Deno.NetAddr>((r) => (resolveAddr = r))
  const server = Deno.serve({
    port: opts.port ?? 0,
    hostname,
    onListen: (addr) => resolveAddr(addr as Deno.NetAddr),
  }, async (req) => {
    const res = await sandbox.fetch(req)
    // Deno's fetch keeps idle connections for 90 s, which would hold up shutdown in tests.
    res.headers.set('connection', 'close')
    return res
  })
  const addr = await listening
  const shownHost = hostname === '0.0.0.0' ? 'localhost' : hostname
  const url = opts.baseUrl ?? `http://${shownHost}:${addr.port}`
  sandbox.control.setBaseUrl(url)
  let delivering: Promise<unknown> | null = null
  const timer = opts.webhookIntervalMs
    ? setInterval(() => {
      delivering ??= sandbox.control.deliverWebhooks().catch((e) =>
        console.error('hubspot sandbox: webhook delivery failed:', e)
      ).finally(() => (delivering = null))
    }, opts.webhookIntervalMs)
    : null
  return {
    url,
    sandbox,
    control: sandbox.control,
    async close() {
      if (timer !== null) clearInterval(timer)
      await delivering
      sandbox.close()
      await server.shutdown()
    },
  }
}
