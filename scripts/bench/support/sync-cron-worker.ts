// The sync-cron function in a worker process of its own for a benchmark (function-worker.ts, its
// heap the size a hosted function gets), posted to as pg_cron posts it, and its measures.
import { fileURLToPath } from 'node:url'
import type { TickSummary } from '../../../supabase/functions/_shared/sync/tick.ts'

const workerPath = fileURLToPath(new URL('./function-worker.ts', import.meta.url))

/** A hosted function's memory limit (see sync.bench.ts: the edge runtime's heap limit). */
export const workerMemoryLimitMb = 256

export interface SyncCronWorker {
  url: string
  stop(): Promise<void>
}

/** Starts a function worker with `env` (SYNC_CRON_SECRET among it). */
export async function startSyncCronWorker(env: Record<string, string>): Promise<SyncCronWorker> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      'run',
      '-A',
      '--no-prompt',
      `--v8-flags=--max-heap-size=${workerMemoryLimitMb}`,
      workerPath,
    ],
    env,
    stdout: 'piped',
    stderr: 'inherit',
  }).spawn()
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader()
  const port = Number((await lines.read()).value?.trim())
  // Keep draining the worker's output so it never blocks on a full pipe.
  const drained = (async () => {
    while (!(await lines.read()).done) { /* discard */ }
  })()
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM')
      await child.status
      await drained
    },
  }
}

/** One tick, as pg_cron sends it. */
export async function tickWorker(worker: SyncCronWorker, cronSecret: string): Promise<TickSummary> {
  const response = await fetch(`${worker.url}/sync-cron`, {
    method: 'POST',
    headers: { authorization: `Bearer ${cronSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scheduled_at: new Date().toISOString() }),
  })
  if (!response.ok) throw new Error(`tick failed: ${response.status} ${await response.text()}`)
  return await response.json()
}

/** The worker's CPU and memory peaks since the previous call. */
export async function workerStats(worker: SyncCronWorker) {
  return await (await fetch(`${worker.url}/__bench/stats`)).json()
}
