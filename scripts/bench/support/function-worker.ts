// A sync-cron worker process for the benchmarks: serves the function's own app (what the edge
// runtime serves) on a free port, and measures itself: peak memory and CPU time while it works.
// Prints its port on the first line of stdout. GET /__bench/stats returns the measures since the
// previous call, and starts measuring afresh. Memory peaks: RSS, V8 heap used, and heap used plus
// external memory (ArrayBuffers: response bodies, the driver's buffers), the sum the edge runtime
// holds against a worker's memory limit.
import process from 'node:process'
import { app } from '../../../supabase/functions/sync-cron/app.ts'

interface Peaks {
  rss: number
  heapUsed: number
  heapAndExternal: number
}

const noPeaks: Peaks = { rss: 0, heapUsed: 0, heapAndExternal: 0 }
let peaks = noPeaks
let cpuSince = process.cpuUsage()
let startedAt = performance.now()

function sample(): void {
  const { rss, heapUsed, external } = Deno.memoryUsage()
  peaks = {
    rss: Math.max(peaks.rss, rss),
    heapUsed: Math.max(peaks.heapUsed, heapUsed),
    heapAndExternal: Math.max(peaks.heapAndExternal, heapUsed + external),
  }
}

// Every 10 ms: a page of 2,000 records lives longer than that between fetch and commit.
const sampler = setInterval(sample, 10)

function stats(): Response {
  sample()
  const cpu = process.cpuUsage(cpuSince)
  const body = {
    peak_rss_bytes: peaks.rss,
    peak_heap_used_bytes: peaks.heapUsed,
    peak_heap_and_external_bytes: peaks.heapAndExternal,
    rss_bytes: Deno.memoryUsage().rss,
    cpu_user_ms: cpu.user / 1000,
    cpu_system_ms: cpu.system / 1000,
    wall_ms: performance.now() - startedAt,
  }
  peaks = noPeaks
  cpuSince = process.cpuUsage()
  startedAt = performance.now()
  return Response.json(body)
}

const server = Deno.serve(
  { port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(String(port)) },
  (request) => new URL(request.url).pathname === '/__bench/stats' ? stats() : app.fetch(request),
)

Deno.addSignalListener('SIGTERM', () => {
  clearInterval(sampler)
  server.shutdown()
})
