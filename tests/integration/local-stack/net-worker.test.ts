// The local pg_net stand-in behaves as pg_net does: a request is sent only once its transaction
// commits, with its method, headers and JSON body, and the response is recorded by request id.
import assert from 'node:assert/strict'
import postgres from 'postgres'
import { startNetWorker } from '../../../scripts/local/net-worker.ts'

const databaseUrl = Deno.env.get('TEST_DB_URL')
if (!databaseUrl) throw new Error('TEST_DB_URL is not set: run these tests through `npm test`')

Deno.test('net.http_post is sent after commit and its response recorded; a rollback sends nothing', async () => {
  const received: { method: string; auth: string | null; body: unknown }[] = []
  const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, async (req) => {
    received.push({
      method: req.method,
      auth: req.headers.get('authorization'),
      body: await req.json(),
    })
    return Response.json({ ok: true }, { status: 202 })
  })
  const sql = postgres(databaseUrl, { prepare: false, max: 1, onnotice: () => {} })
  const worker = await startNetWorker({ databaseUrl, pollMs: 50 })
  try {
    const url = `http://127.0.0.1:${server.addr.port}/hook`
    await sql.begin(async (tx) => {
      await tx`select net.http_post(${url}, '{"n": 0}'::jsonb, headers => '{"Authorization": "Bearer x"}'::jsonb)`
      throw new Error('roll back')
    }).catch(() => {})
    const [{ id }] = await sql`select net.http_post(${url}, '{"n": 1}'::jsonb) as id`

    let response: { status_code: number; content: string }[] = []
    for (let i = 0; i < 100 && response.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50))
      response = await sql`select status_code, content from net._http_response where id = ${id}`
    }
    assert.equal(response[0]?.status_code, 202)
    assert.deepEqual(JSON.parse(response[0].content), { ok: true })
    assert.deepEqual(received, [{ method: 'POST', auth: null, body: { n: 1 } }])
    const [{ queued }] = await sql`select count(*)::int as queued from net.http_request_queue`
    assert.equal(queued, 0)
  } finally {
    await worker.close()
    await sql.end()
    await server.shutdown()
  }
})
