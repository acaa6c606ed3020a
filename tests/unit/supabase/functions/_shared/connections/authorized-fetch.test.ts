import assert from 'node:assert/strict'
import {
  authorizedFetch,
  retryWaitMs,
} from '../../../../../../supabase/functions/_shared/connections/authorized-fetch.ts'
import type { Connection } from '../../../../../../supabase/functions/_shared/connections/load.ts'
import {
  basicSpec,
  deskSpec,
  fixtureProvider,
  keySpec,
  memoryConnection,
  signedSpec,
} from '../../../../../helpers/provider-fixtures.ts'

/** A fetch that answers from `answers` in turn and keeps every request it saw. */
function recorder(...answers: (() => Response)[]) {
  const seen: Request[] = []
  const send = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    seen.push(request)
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)]
    return Promise.resolve(answer())
  }
  return { seen, fetch: send as typeof fetch }
}

const ok = () => new Response('{}', { status: 200 })
const desk = () =>
  memoryConnection(fixtureProvider(deskSpec), {
    access_token: 'at-1',
    refresh_token: 'rt-1',
    expires_at: Date.now() + 3_600_000,
  }, { subdomain: 'acme' })

Deno.test('authorizedFetch: oauth2 sends Bearer and the spec headers, never follows redirects', async () => {
  const connection = desk()
  const { seen, fetch } = recorder(ok)
  const response = await authorizedFetch(
    connection,
    new Request(`${connection.apiBaseUrl}/tickets`, { headers: { 'desk-version': 'mine' } }),
    { fetch },
  )
  assert.equal(response.status, 200)
  assert.equal(connection.apiBaseUrl, 'https://acme.desk.example/api/v2')
  assert.equal(seen[0].headers.get('authorization'), 'Bearer at-1')
  // A caller's own value of a fixed header stays.
  assert.equal(seen[0].headers.get('desk-version'), 'mine')
  assert.equal(seen[0].redirect, 'manual')
})

Deno.test('authorizedFetch: an api key goes as the Basic user with the spec password', async () => {
  const connection = memoryConnection(fixtureProvider(keySpec), { api_key: 'k3y' })
  const { seen, fetch } = recorder(ok)
  await authorizedFetch(connection, new Request('https://api.key.example/v1/employees'), { fetch })
  assert.equal(seen[0].headers.get('authorization'), `Basic ${btoa('k3y:x')}`)
})

Deno.test('authorizedFetch: basic mode sends user and password; config fills the API base', async () => {
  const connection = memoryConnection(
    fixtureProvider(basicSpec),
    { username: 'isu@acme', password: 'p:ss' },
    { tenant: 'acme_1' },
  )
  const { seen, fetch } = recorder(ok)
  await authorizedFetch(connection, new Request(`${connection.apiBaseUrl}/Human_Resources`), {
    fetch,
  })
  assert.equal(connection.apiBaseUrl, 'https://wd.example/ccx/service/acme_1')
  assert.equal(seen[0].headers.get('authorization'), `Basic ${btoa('isu@acme:p:ss')}`)
})

Deno.test('authorizedFetch: oauth1 signs each request with the token, never showing secrets', async () => {
  const connection = memoryConnection(fixtureProvider(signedSpec), {
    access_token: 'tok',
    token_secret: 'tok-secret',
  })
  const { seen, fetch } = recorder(ok)
  await authorizedFetch(connection, new Request('https://api.signed.example/1/members/me'), {
    fetch,
  })
  const header = seen[0].headers.get('authorization')!
  assert.match(header, /^OAuth /)
  assert.match(header, /oauth_token="tok"/)
  assert.match(header, /oauth_consumer_key="consumer"/)
  assert.match(header, /oauth_signature="[^"]+"/)
  assert.ok(!header.includes('tok-secret') && !header.includes('consumer-secret'))
})

Deno.test('authorizedFetch: a 429 with a short Retry-After is waited out and retried', async () => {
  const waits: number[] = []
  const { seen, fetch } = recorder(
    () => new Response('slow down', { status: 429, headers: { 'retry-after': '2' } }),
    ok,
  )
  const response = await authorizedFetch(
    desk(),
    new Request('https://acme.desk.example/api/v2/tickets', { method: 'POST', body: 'x=1' }),
    { fetch, sleep: (ms) => Promise.resolve(void waits.push(ms)) },
  )
  assert.equal(response.status, 200)
  assert.deepEqual(waits, [2000])
  assert.equal(seen.length, 2)
  // The body went out again on the retry.
  assert.equal(await seen[1].text(), 'x=1')
})

Deno.test('authorizedFetch: a wait longer than the bound comes back to the caller, unslept', async () => {
  const waits: number[] = []
  const { seen, fetch } = recorder(
    () => new Response('', { status: 429, headers: { 'retry-after': '3600' } }),
  )
  const response = await authorizedFetch(desk(), new Request('https://acme.desk.example/x'), {
    fetch,
    sleep: (ms) => Promise.resolve(void waits.push(ms)),
  })
  assert.equal(response.status, 429)
  assert.equal(response.headers.get('retry-after'), '3600')
  assert.deepEqual(waits, [])
  assert.equal(seen.length, 1)
})

Deno.test('authorizedFetch: retries are bounded even when the provider keeps refusing', async () => {
  const waits: number[] = []
  const { seen, fetch } = recorder(
    () => new Response('', { status: 503, headers: { 'retry-after': '0' } }),
  )
  const response = await authorizedFetch(desk(), new Request('https://acme.desk.example/x'), {
    fetch,
    sleep: (ms) => Promise.resolve(void waits.push(ms)),
  })
  assert.equal(response.status, 503)
  assert.equal(seen.length, 3)
  assert.deepEqual(waits, [0, 0])
})

Deno.test('retryWaitMs: Retry-After seconds or date, else a reset epoch (seconds or ms)', () => {
  const spec = fixtureProvider(deskSpec).spec
  const now = Date.UTC(2026, 0, 1)
  assert.equal(retryWaitMs(spec, new Headers({ 'retry-after': '7' }), now), 7000)
  assert.equal(
    retryWaitMs(spec, new Headers({ 'retry-after': new Date(now + 5000).toUTCString() }), now),
    5000,
  )
  assert.equal(
    retryWaitMs(spec, new Headers({ 'x-ratelimit-reset': String(now / 1000 + 3) }), now),
    3000,
  )
  assert.equal(
    retryWaitMs(spec, new Headers({ 'x-ratelimit-reset': String(now + 4000) }), now),
    4000,
  )
  assert.equal(retryWaitMs(spec, new Headers(), now), undefined)
})

Deno.test('authorizedFetch: remaining at 0 counts as rate limited (waits for the reset)', async () => {
  const now = Date.UTC(2026, 0, 1)
  const waits: number[] = []
  const { seen, fetch } = recorder(
    () =>
      new Response('', {
        status: 400,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 1) },
      }),
    ok,
  )
  const response = await authorizedFetch(desk(), new Request('https://acme.desk.example/x'), {
    fetch,
    now: () => now,
    sleep: (ms) => Promise.resolve(void waits.push(ms)),
  })
  assert.equal(response.status, 200)
  assert.deepEqual(waits, [1000])
  assert.equal(seen.length, 2)
})

Deno.test('authorizedFetch: an unreachable provider is a 502 provider_unreachable', async () => {
  await assert.rejects(
    () =>
      authorizedFetch(desk(), new Request('https://acme.desk.example/x'), {
        fetch: () => Promise.reject(new TypeError('connection refused')),
      }),
    (error: Error & { status?: number; code?: string }) =>
      error.status === 502 && error.code === 'provider_unreachable' &&
      !error.message.includes('at-1'),
  )
})

/** A refresh that hands out `at-<n>` tokens at the next version, counting its calls. */
function refresher() {
  let calls = 0
  return {
    get calls() {
      return calls
    },
    refresh: (stale: Connection) => {
      calls++
      return Promise.resolve({
        ...stale,
        tokens: {
          ...stale.tokens,
          access_token: `at-${calls + 1}`,
          expires_at: Date.now() + 3_600_000,
        },
        tokenVersion: stale.tokenVersion + 1,
      })
    },
  }
}

class DeadGrant extends Error {}
const failDeadGrant = (_id: string, description: string): Promise<never> =>
  Promise.reject(new DeadGrant(description))

Deno.test('authorizedFetch: a token inside the refresh margin is refreshed before the call', async () => {
  const connection = desk()
  // 10 minutes left, margin 15: refresh first; the call carries the new token.
  connection.tokens = { ...connection.tokens, expires_at: Date.now() + 600_000 }
  const { seen, fetch } = recorder(ok)
  const counter = refresher()
  const refresh = counter.refresh
  await authorizedFetch(connection, new Request('https://acme.desk.example/x'), { fetch, refresh })
  assert.equal(counter.calls, 1)
  assert.equal(seen[0].headers.get('authorization'), 'Bearer at-2')
  assert.equal(connection.tokens.access_token, 'at-2', 'the caller keeps the new token')
  assert.equal(connection.tokenVersion, 2)
  // Outside the margin: no refresh.
  await authorizedFetch(connection, new Request('https://acme.desk.example/x'), { fetch, refresh })
  assert.equal(counter.calls, 1)
})

Deno.test('authorizedFetch: an expired token is refreshed once and the call repeated once', async () => {
  const connection = desk()
  const refreshed: number[] = []
  const { seen, fetch } = recorder(() => new Response('', { status: 401 }), ok)
  const counter = refresher()
  const refresh = counter.refresh
  const response = await authorizedFetch(connection, new Request('https://acme.desk.example/x'), {
    fetch,
    refresh,
    onRefresh: (fresh) => refreshed.push(fresh.tokenVersion),
  })
  assert.equal(response.status, 200)
  assert.equal(counter.calls, 1)
  assert.deepEqual(seen.map((r) => r.headers.get('authorization')), ['Bearer at-1', 'Bearer at-2'])
  assert.deepEqual(refreshed, [2])
})

Deno.test('authorizedFetch: a fresh token refused again is returned, not refreshed in a loop', async () => {
  const { seen, fetch } = recorder(() => new Response('', { status: 401 }))
  const counter = refresher()
  const refresh = counter.refresh
  const response = await authorizedFetch(desk(), new Request('https://acme.desk.example/x'), {
    fetch,
    refresh,
  })
  assert.equal(response.status, 401)
  assert.equal(counter.calls, 1)
  assert.equal(seen.length, 2)
})

Deno.test('authorizedFetch: a refused API key is a dead grant (reauth_required path)', async () => {
  const connection = memoryConnection(fixtureProvider(keySpec), { api_key: 'k3y' })
  const { fetch } = recorder(() => new Response('', { status: 401 }))
  await assert.rejects(
    () =>
      authorizedFetch(connection, new Request('https://api.key.example/x'), {
        fetch,
        failDeadGrant,
      }),
    DeadGrant,
  )
})

Deno.test('authorizedFetch: without a refresh token an expired token is a dead grant', async () => {
  const connection = desk()
  connection.tokens = { access_token: 'at-1' }
  const { fetch } = recorder(() => new Response('', { status: 401 }))
  const counter = refresher()
  const refresh = counter.refresh
  await assert.rejects(
    () =>
      authorizedFetch(connection, new Request('https://acme.desk.example/x'), {
        fetch,
        refresh,
        failDeadGrant,
      }),
    DeadGrant,
  )
  assert.equal(counter.calls, 0)
})

Deno.test("authorizedFetch: a provider's classifyError hook decides over the spec", async () => {
  // Like Salesforce: only one kind of 401 is an expired session; a 503 is left to the client.
  const provider = fixtureProvider(deskSpec, {
    classifyError: async (response) =>
      (await response.clone().text()) === 'EXPIRED' ? 'auth_expired' : 'other',
  })
  const connection = memoryConnection(provider, { access_token: 'at-1', refresh_token: 'rt' }, {
    subdomain: 'acme',
  })
  const { seen, fetch } = recorder(
    () => new Response('EXPIRED', { status: 401 }),
    () => new Response('', { status: 503, headers: { 'retry-after': '0' } }),
  )
  const counter = refresher()
  const refresh = counter.refresh
  const response = await authorizedFetch(connection, new Request('https://acme.desk.example/x'), {
    fetch,
    refresh,
    sleep: () => Promise.resolve(),
  })
  assert.equal(response.status, 503)
  assert.equal(counter.calls, 1)
  assert.equal(seen.length, 2)
})
