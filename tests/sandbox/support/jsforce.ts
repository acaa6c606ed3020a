// Loads jsforce under Deno. jsforce 3.10 requires undici 8, which calls two Node APIs that
// Deno 2.5's node compat lacks at load/run time: worker_threads.markAsUncloneable and
// events.addAbortListener. Both are filled in here with faithful minimal versions before
// jsforce is imported; the sandbox itself needs nothing special for jsforce.

import events from 'node:events'
import workerThreads from 'node:worker_threads'

type Patchable = Record<string, unknown>
const wt = workerThreads as unknown as Patchable
const ev = events as unknown as Patchable

// Only marks an object as not transferable via postMessage; a no-op is safe here.
wt.markAsUncloneable ??= () => {}
// Node's addAbortListener: run the listener once on abort and return a Disposable.
ev.addAbortListener ??= (signal: AbortSignal, listener: () => void) => {
  if (signal.aborted) queueMicrotask(listener)
  else signal.addEventListener('abort', listener, { once: true })
  return { [Symbol.dispose]: () => signal.removeEventListener('abort', listener) }
}

const mod = await import('jsforce')
export const jsforce = mod.default
export type { Connection } from 'jsforce'
