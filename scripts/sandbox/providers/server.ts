// Serves the provider simulator over HTTP with Deno.serve (port 0 picks a free port for tests).

import {
  createProviderSimulator,
  type ProviderSimulator,
  type ProviderSimulatorOptions,
} from './simulator.ts'
import type { SimulatorControl } from './control.ts'

export interface StartProviderSimulatorOptions extends ProviderSimulatorOptions {
  port?: number
  hostname?: string
}

export interface RunningProviderSimulator {
  /** Base URL, e.g. http://127.0.0.1:54331: the value of PROVIDER_SIMULATOR_URL. */
  url: string
  simulator: ProviderSimulator
  control: SimulatorControl
  close(): Promise<void>
}

export async function startProviderSimulator(
  opts: StartProviderSimulatorOptions = {},
): Promise<RunningProviderSimulator> {
  const hostname = opts.hostname ?? '127.0.0.1'
  const simulator = createProviderSimulator(opts)
  let resolveAddr!: (addr: Deno.NetAddr) => void
  const listening = new Promise<Deno.NetAddr>((r) => (resolveAddr = r))
  const server = Deno.serve({
    port: opts.port ?? 0,
    hostname,
    onListen: (addr) => resolveAddr(addr as Deno.NetAddr),
  }, async (req) => {
    const response = await simulator.fetch(req)
    // Deno's fetch keeps idle connections for 90 s and shutdown() waits for them: closing each
    // connection keeps test teardown instant (the Salesforce test helper does the same).
    response.headers.set('connection', 'close')
    return response
  })
  const addr = await listening
  const shownHost = hostname === '0.0.0.0' ? 'localhost' : hostname
  const url = opts.baseUrl ?? `http://${shownHost}:${addr.port}`
  simulator.control.setBaseUrl(url)
  return {
    url,
    simulator,
    control: simulator.control,
    close: () => server.shutdown(),
  }
}
