import assert from 'node:assert/strict'
import { corsHeaders } from '@supabase/supabase-js/cors'
import { z } from 'zod'
import { createApp, maxBodyBytes } from '../../../../../../supabase/functions/_shared/http/app.ts'
import {
  ForbiddenError,
  RateLimitedError,
} from '../../../../../../supabase/functions/_shared/http/errors.ts'
import { validate } from '../../../../../../supabase/functions/_shared/http/validate.ts'
import { setEnv } from '../../../../../helpers/env.ts'
import { captureLogs } from '../../../../../helpers/logs.ts'

const jwt =
  'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhIiwicm9sZSI6ImF1dGhlbnRpY2F0ZWQifQ.c2lnbmF0dXJl'

function testApp() {
  const app = createApp('demo')
  app.get('/hello', (c) => c.json({ hello: 'world', request_id: c.var.requestId }))
  app.get('/forbidden', () => {
    throw new ForbiddenError('Only owners may do this')
  })
  app.get('/slow-down', () => {
    throw new RateLimitedError(30)
  })
  app.get('/crash', () => {
    throw new Error(`database password=hunter2 and token ${jwt}`)
  })
  app.post(
    '/items',
    validate('json', z.strictObject({ name: z.string().min(1), count: z.number().int() })),
    (c) => c.json({ created: c.req.valid('json') }, 201),
  )
  app.post('/callback', async (c) => {
    const body = await c.req.json()
    c.var.log.info('callback received', {
      body,
      headers: Object.fromEntries(c.req.raw.headers),
    })
    // What a careless token exchange might put in an error: the form it sent, the JSON it got.
    const form = new URLSearchParams(body).toString()
    const reply = JSON.stringify({ error: 'invalid_grant', refresh_token: body.refresh_token })
    throw new Error(`token request ${form} failed: ${reply} (${c.req.header('authorization')})`)
  })
  return app
}

async function withQuietLogs<T>(run: (lines: string[]) => Promise<T>): Promise<T> {
  const logs = captureLogs()
  try {
    return await run(logs.lines)
  } finally {
    logs.restore()
  }
}

Deno.test("app: routes live under the function's base path", async () => {
  await withQuietLogs(async () => {
    const response = await testApp().request('/demo/hello')
    assert.equal(response.status, 200)
    assert.equal((await response.json()).hello, 'world')
  })
})

Deno.test('app: an unknown route is a 404 in the JSON envelope', async () => {
  await withQuietLogs(async () => {
    for (const path of ['/demo/nope', '/elsewhere/hello']) {
      const response = await testApp().request(path)
      assert.equal(response.status, 404)
      assert.match(response.headers.get('content-type') ?? '', /application\/json/)
      const body = await response.json()
      assert.equal(body.error.code, 'not_found')
      assert.equal(typeof body.error.message, 'string')
    }
  })
})

Deno.test('app: a safe incoming x-request-id is kept and echoed', async () => {
  await withQuietLogs(async (lines) => {
    const response = await testApp().request('/demo/hello', {
      headers: { 'x-request-id': 'trace-42' },
    })
    assert.equal(response.headers.get('x-request-id'), 'trace-42')
    assert.equal((await response.json()).request_id, 'trace-42')
    assert.ok(lines.some((line) => JSON.parse(line).request_id === 'trace-42'))
  })
})

Deno.test('app: a missing or unsafe x-request-id is replaced by a fresh uuid', async () => {
  await withQuietLogs(async () => {
    for (
      const headers of [{}, { 'x-request-id': 'bad id; drop' }, { 'x-request-id': 'x'.repeat(200) }]
    ) {
      const response = await testApp().request('/demo/hello', { headers })
      assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/)
    }
  })
})

Deno.test('app: typed errors keep status, code and headers, plus the request id', async () => {
  await withQuietLogs(async () => {
    const forbidden = await testApp().request('/demo/forbidden')
    assert.equal(forbidden.status, 403)
    assert.deepEqual(await forbidden.json(), {
      error: { code: 'forbidden', message: 'Only owners may do this' },
    })
    assert.ok(forbidden.headers.get('x-request-id'))

    const limited = await testApp().request('/demo/slow-down')
    assert.equal(limited.status, 429)
    assert.equal(limited.headers.get('retry-after'), '30')
  })
})

Deno.test('app: an unexpected error is a generic 500, logged with the request id', async () => {
  await withQuietLogs(async (lines) => {
    const response = await testApp().request('/demo/crash', {
      headers: { 'x-request-id': 'crash-1' },
    })
    assert.equal(response.status, 500)
    const text = await response.text()
    assert.deepEqual(JSON.parse(text), {
      error: { code: 'internal_error', message: 'An unexpected error occurred' },
    })
    assert.ok(!text.includes('hunter2'))
    const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.level === 'error')
    assert.equal(logged?.request_id, 'crash-1')
    assert.equal(logged?.error?.name, 'Error')
  })
})

Deno.test('app: malformed JSON is a 400, never a 500', async () => {
  await withQuietLogs(async () => {
    const response = await testApp().request('/demo/items', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": "a",',
    })
    assert.equal(response.status, 400)
    const body = await response.json()
    assert.equal(body.error.code, 'bad_request')
    assert.match(body.error.message, /JSON/)
  })
})

Deno.test('app: a body over the limit is 413 in the envelope, declared or streamed', async () => {
  await withQuietLogs(async () => {
    const big = JSON.stringify({ name: 'a'.repeat(maxBodyBytes), count: 1 })
    const declared = await testApp().request('/demo/items', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(big.length) },
      body: big,
    })
    // Without a length header (chunked), the limit counts the bytes as they arrive.
    const streamed = await testApp().request(
      new Request('http://local/demo/items', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new Blob([big]).stream(),
      }),
    )
    for (const response of [declared, streamed]) {
      assert.equal(response.status, 413)
      const body = await response.json()
      assert.equal(body.error.code, 'payload_too_large')
    }
    const fits = await testApp().request('/demo/items', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'a'.repeat(maxBodyBytes - 100), count: 1 }),
    })
    assert.equal(fits.status, 201)
    await fits.body?.cancel()
  })
})

Deno.test('app: CORS preflight is answered before any route or auth', async () => {
  await withQuietLogs(async () => {
    const response = await testApp().request('/demo/items', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    })
    assert.equal(response.status, 204)
    assert.equal(response.headers.get('access-control-allow-origin'), '*')
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /authorization/)
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/)
  })
})

Deno.test('app: preflight allows every header supabase-js sends, region and API version included', async () => {
  // supabase-js's own list, plus what its clients send beyond it: functions.invoke with a
  // `region` adds x-region; auth-js adds x-supabase-api-version.
  const sent = [
    ...corsHeaders['Access-Control-Allow-Headers'].split(',').map((name) => name.trim()),
    'x-region',
    'x-supabase-api-version',
  ]
  await withQuietLogs(async () => {
    const response = await testApp().request('/demo/items', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': sent.join(', '),
      },
    })
    assert.equal(response.status, 204)
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase()
      .split(',').map((name) => name.trim())
    for (const name of sent) assert.ok(allowed.includes(name), `${name} is not allowed`)
  })
})

Deno.test('app: a browser may read the RateLimit-* and Retry-After headers', async () => {
  await withQuietLogs(async () => {
    for (const path of ['/demo/hello', '/demo/slow-down']) {
      const response = await testApp().request(path, { headers: { origin: 'https://app.example' } })
      const exposed = (response.headers.get('access-control-expose-headers') ?? '').toLowerCase()
        .split(',').map((name) => name.trim())
      for (
        const name of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']
      ) {
        assert.ok(exposed.includes(name), `${path}: ${name} is not exposed`)
      }
    }
  })
})

Deno.test('app: CORS_ALLOWED_ORIGINS limits which origins are allowed', async () => {
  const restore = setEnv({ CORS_ALLOWED_ORIGINS: 'https://app.example,https://admin.example' })
  try {
    await withQuietLogs(async () => {
      const allowed = await testApp().request('/demo/hello', {
        headers: { origin: 'https://admin.example' },
      })
      assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://admin.example')
      assert.match(allowed.headers.get('vary') ?? '', /Origin/)
      const refused = await testApp().request('/demo/hello', {
        headers: { origin: 'https://evil.example' },
      })
      assert.equal(refused.headers.get('access-control-allow-origin'), null)
    })
  } finally {
    restore()
  }
})

Deno.test('app: CORS headers are on error responses too', async () => {
  await withQuietLogs(async () => {
    const response = await testApp().request('/demo/forbidden', {
      headers: { origin: 'https://app.example' },
    })
    assert.equal(response.status, 403)
    assert.equal(response.headers.get('access-control-allow-origin'), '*')
  })
})

Deno.test('app: one access-log line per request, without the query string', async () => {
  await withQuietLogs(async (lines) => {
    await testApp().request('/demo/hello?code=secret-code&state=s')
    const access = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request')
    assert.equal(access.length, 1)
    assert.equal(access[0].method, 'GET')
    assert.equal(access[0].path, '/demo/hello')
    assert.equal(access[0].status, 200)
    assert.equal(typeof access[0].duration_ms, 'number')
    assert.ok(!lines.join('\n').includes('secret-code'))
  })
})

Deno.test('app: no token, secret, code or verifier reaches any log line', async () => {
  const secrets = {
    code: 'aPrET0zEJ-authorization-code',
    code_verifier: 'verifier-Zq93nd0c81-abcdefghijklmnopqrstuvwxyz',
    client_secret: 'client-secret-8d7f6e',
    refresh_token: '5Aep861refresh-token',
  }
  await withQuietLogs(async (lines) => {
    const response = await testApp().request('/demo/callback', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${jwt}`,
        cookie: 'sb-access-token=cookie-value-123',
        'content-type': 'application/json',
      },
      body: JSON.stringify(secrets),
    })
    assert.equal(response.status, 500)
    assert.ok(lines.length >= 2)
    const all = lines.join('\n')
    for (const secret of [jwt, 'cookie-value-123', ...Object.values(secrets)]) {
      assert.ok(!all.includes(secret), `${secret} leaked into logs`)
    }
  })
})
