// Serves a sandbox over HTTP with Deno.serve (port 0 picks a free port for tests), optionally
// keeping its state in a file across restarts.

import { loadSnapshot, saveSnapshot } from './persistence.ts'
import {
  createSalesforceSandbox,
  type SalesforceSandbox,
  type SalesforceSandboxOptions,
} from './sandbox.ts'
import type { SandboxControl } from './control.ts'

export interface StartOptions extends SalesforceSandboxOptions {
  port?: number
  hostname?: string
  /**
   * A JSON file that keeps the sandbox's world (orgs, users, records, apps, grants, tokens): read
   * at start when it exists (instead of seeding `orgs`), written after every request that may
   * have changed it and at close. Delete it to start from the seed again.
   */
  stateFile?: string
}

export interface RunningSandbox {
  /** Base URL, e.g. http://127.0.0.1:54330 (the production login host). */
  url: string
  sandbox: SalesforceSandbox
  control: SandboxControl
  close(): Promise<void>
}

/**
 * Whether a request may change what a snapshot holds. Writes are non-GET; an authorize GET can
 * issue a code (auto-approval) and the identity endpoints none, but OAuth is cheap to over-save.
 */
function mayChangeState(request: Request): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return true
  return new URL(request.url).pathname.includes('/services/oauth2/')
}

/**
 * Saves the sandbox to `path` after changes: at most one write in flight, and one more queued
 * when changes arrive meanwhile, so a burst of requests costs two writes, not one per request.
 */
function snapshotWriter(sandbox: SalesforceSandbox, path: string) {
  let writing: Promise<void> | null = null
  let again = false
  const write = async (): Promise<void> => {
    do {
      again = false
      try {
        await saveSnapshot(path, sandbox.snapshot())
      } catch (error) {
        console.error(`sandbox: could not save its state to ${path}:`, error)
      }
    } while (again)
  }
  return {
    changed(): void {
      if (writing) {
        again = true
        return
      }
      writing = write().finally(() => (writing = null))
    },
    async flush(): Promise<void> {
      while (writing) await writing
      await saveSnapshot(path, sandbox.snapshot())
    },
  }
}

export async function startSalesforceSandbox(opts: StartOptions = {}): Promise<RunningSandbox> {
  const hostname = opts.hostname ?? '127.0.0.1'
  const restore = opts.stateFile ? await loadSnapshot(opts.stateFile) : undefined
  const sandbox = createSalesforceSandbox({
    ...opts,
    restore: opts.restore ?? restore,
    baseUrl: opts.baseUrl ?? 'http://pending.invalid',
  })
  const writer = opts.stateFile ? snapshotWriter(sandbox, opts.stateFile) : null
  // The state as started (seeded or restored) is on disk before the first request.
  await writer?.flush()
  let resolveAddr!: (addr: Deno.NetAddr) => void
  const listening = new Promise<Deno.NetAddr>((r) => (resolveAddr = r))
  const server = Deno.serve({
    port: opts.port ?? 0,
    hostname,
    onListen: (addr) => resolveAddr(addr as Deno.NetAddr),
  }, async (req) => {
    const changes = writer !== null && mayChangeState(req)
    const response = await sandbox.fetch(req)
    if (changes) writer.changed()
    return response
  })
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
      await writer?.flush()
    },
  }
}
