// Serves a sandbox over HTTP with Deno.serve (port 0 picks a free port for tests).

import {
  createSalesforceSandbox,
  type SalesforceSandbox,
  type SalesforceSandboxOptions,
} from './sandbox.ts'
import type { SandboxControl } from './control.ts'

export interface StartOptions extends SalesforceSandboxOptions {
  port?: number
  hostname?: string
}

export interface RunningSandbox {
  /** Base URL, e.g. http://127.0.0.1:54330 (the production login host). */
  url: string
  sandbox: SalesforceSandbox
  control: SandboxControl
  close(): Promise<void>
}

export async function startSalesforceSandbox(opts: StartOptions = {}): Promise<RunningSandbox> {
  const hostname = opts.hostname ?? '127.0.0.1'
  const sandbox = createSalesforceSandbox({
    ...opts,
    baseUrl: opts.baseUrl ?? 'http://pending.invalid',
  })
  let resolveAddr!: (addr: Deno.NetAddr) => void
  const listening = new Promise<Deno.NetAddr>((r) => (resolveAddr = r))
  const server = Deno.serve({
    port: opts.port ?? 0,
    hostname,
    onListen: (addr) => resolveAddr(addr as Deno.NetAddr),
  }, (req) => sandbox.fetch(req))
  const addr = await listening
  const shownHost = hostname === '0.0.0.0' ? 'localhost' : hostname
  const url = opts.baseUrl ?? `http://${shownHost}:${addr.port}`
  // The advertised base can only be known after listening on port 0.
  sandbox.control.setBaseUrl(url)
  return {
    url,
    sandbox,
    control: sandbox.control,
    async close() {
      sandbox.close()
      await server.shutdown()
    },
  }
}
