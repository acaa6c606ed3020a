// The local stand-in for pg_net's background worker: sends the requests queued in
// net.http_request_queue (visible only once their transaction committed) and records each
// response in net._http_response, as the real worker does. Woken by net.wake()'s NOTIFY.
import postgres from 'postgres'

export type NetWorkerOptions = {
  databaseUrl: string
  /** Poll interval when no notification arrives, in milliseconds. */
  pollMs?: number
  batchSize?: number
  /** How long responses are kept (pg_net.ttl), in seconds. */
  ttlSeconds?: number
}

type QueuedRequest = {
  id: string
  method: string
  url: string
  headers: Record<string, string>
  body: Uint8Array<ArrayBuffer> | null
  timeout_milliseconds: number
}

export type NetWorker = { drain(): Promise<number>; close(): Promise<void> }

export async function startNetWorker(options: NetWorkerOptions): Promise<NetWorker> {
  const sql = postgres(options.databaseUrl, { prepare: false, max: 2, onnotice: () => {} })
  const batchSize = options.batchSize ?? 200
  let draining: Promise<number> | null = null
  let closed = false

  const drainOnce = async (): Promise<number> => {
    let sent = 0
    while (!closed) {
      // Claim a batch and delete it in one statement, so two workers never send a request twice.
      const batch = await sql<QueuedRequest[]>`
        delete from net.http_request_queue
        where id in (
          select id from net.http_request_queue order by id limit ${batchSize} for update skip locked
        )
        returning id, method, url, headers, body, timeout_milliseconds`
      if (batch.length === 0) break
      const responses = await Promise.all(batch.map(send))
      await sql`
        insert into net._http_response
          (id, status_code, content_type, headers, content, timed_out, error_msg)
        select * from jsonb_to_recordset(${sql.json(responses)}::jsonb) as r(
          id bigint, status_code integer, content_type text, headers jsonb, content text,
          timed_out boolean, error_msg text)`
      sent += batch.length
    }
    await sql`
      delete from net._http_response
      where created < now() - make_interval(secs => ${options.ttlSeconds ?? 6 * 3600})`
    return sent
  }

  // Drains never overlap; a wake-up during a drain is picked up by the loop's next query.
  const drain = (): Promise<number> => {
    draining ??= drainOnce().finally(() => (draining = null))
    return draining
  }

  const listener = await sql.listen('pg_net_wake', () => void drain().catch(logError))
  const timer = setInterval(() => void drain().catch(logError), options.pollMs ?? 1000)
  await drain()

  return {
    drain,
    async close() {
      closed = true
      clearInterval(timer)
      await draining?.catch(() => {})
      await listener.unlisten()
      await sql.end({ timeout: 5 })
    },
  }
}

async function send(request: QueuedRequest) {
  const started = { id: Number(request.id), timed_out: false, error_msg: null as string | null }
  try {
    const response = await fetch(request.url, {
      method: request.method.toUpperCase(),
      headers: request.headers,
      body: request.body ?? undefined,
      signal: AbortSignal.timeout(request.timeout_milliseconds),
    })
    return {
      ...started,
      status_code: response.status,
      content_type: response.headers.get('content-type'),
      headers: Object.fromEntries(response.headers),
      content: await response.text(),
    }
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError'
    return {
      ...started,
      status_code: null,
      content_type: null,
      headers: null,
      content: null,
      timed_out: timedOut,
      error_msg: timedOut
        ? `Timeout of ${request.timeout_milliseconds} ms reached`
        : String((error as Error).message ?? error),
    }
  }
}

function logError(error: unknown) {
  console.error(JSON.stringify({ level: 'error', msg: 'net worker', error: String(error) }))
}

if (import.meta.main) {
  const databaseUrl = Deno.env.get('SUPABASE_DB_URL')
  if (!databaseUrl) throw new Error('SUPABASE_DB_URL is required')
  await startNetWorker({ databaseUrl })
  console.log(JSON.stringify({ level: 'info', msg: 'net worker started' }))
}
