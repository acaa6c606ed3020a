// Each provider's small API as the provider pages, creates and fails: walking every page of the
// list resource the provider's way, a create that the next listing shows, the expired-token
// answer, and an injected 429 with the provider's rate-limit headers and body.

import assert from 'node:assert/strict'
import {
  type RunningProviderSimulator,
  viaSimulator,
  withSimulator,
} from '../../helpers/provider-simulator.ts'

// deno-lint-ignore no-explicit-any
type Json = any

interface Res {
  status: number
  body: Json
  headers: Headers
}

interface Call {
  method?: string
  url: string
  headers?: Record<string, string>
  body?: string
}

interface Fixture {
  access: string
  cloudId: string
  clientId: string
}

interface ApiCase {
  provider: string
  /** Fixture options: what a connect would have asked for. */
  tokenParams?: Record<string, string>
  auth(f: Fixture): { headers?: Record<string, string>; query?: Record<string, string> }
  /** The first page with a page size of 3. */
  first(f: Fixture): Call
  /** The next page's call from a response, or null at the end. */
  next(res: Res, f: Fixture, previous: Call): Call | null
  ids(res: Res): string[]
  /** The next page is a URL the provider hands out (it must point at the simulator). */
  followsLinks?: boolean
  /** Page-number and offset APIs: what the second page's URL must say. */
  secondPage?: RegExp
  create(f: Fixture): Call
  createStatus: number
  expired: { status: number; check(res: Res): void }
  rateLimited: { status: number; check(res: Res): void }
}

const json = (body: unknown) => ({
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
})
const bearer = (f: Fixture) => ({ headers: { authorization: `Bearer ${f.access}` } })
const retryAfter = (res: Res) => assert.equal(res.headers.get('retry-after'), '2')
/** For APIs whose next page is a full (real-host) URL. */
const follow = (url: string | null | undefined): Call | null => (url ? { url } : null)

const CASES: ApiCase[] = [
  {
    provider: 'hubspot',
    followsLinks: true,
    auth: bearer,
    first: () => ({ url: 'https://api.hubapi.com/crm/v3/objects/contacts?limit=3' }),
    next: (r) => follow(r.body.paging?.next?.link),
    ids: (r) => r.body.results.map((c: Json) => c.properties.hs_object_id),
    create: () => ({
      method: 'POST',
      url: 'https://api.hubapi.com/crm/v3/objects/contacts',
      ...json({ properties: { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com' } }),
    }),
    createStatus: 201,
    expired: {
      status: 401,
      check: (r) => assert.equal(r.body.category, 'EXPIRED_AUTHENTICATION'),
    },
    rateLimited: {
      status: 429,
      check: (r) => {
        assert.equal(r.body.policyName, 'TEN_SECONDLY_ROLLING')
        assert.equal(r.headers.get('x-hubspot-ratelimit-remaining'), '0')
      },
    },
  },
  {
    provider: 'pipedrive',
    auth: bearer,
    first: () => ({ url: 'https://acme.pipedrive.com/api/v2/persons?limit=3' }),
    next: (r) =>
      r.body.additional_data.next_cursor
        ? {
          url: `https://acme.pipedrive.com/api/v2/persons?limit=3&cursor=${
            encodeURIComponent(r.body.additional_data.next_cursor)
          }`,
        }
        : null,
    ids: (r) => r.body.data.map((p: Json) => String(p.id)),
    create: () => ({
      method: 'POST',
      url: 'https://acme.pipedrive.com/api/v2/persons',
      ...json({ name: 'Ada Lovelace' }),
    }),
    createStatus: 200,
    expired: { status: 401, check: (r) => assert.equal(r.body.success, false) },
    rateLimited: {
      status: 429,
      check: (r) => {
        assert.equal(r.headers.get('x-ratelimit-remaining'), '0')
        assert.equal(r.headers.get('x-ratelimit-reset'), '2')
      },
    },
  },
  {
    provider: 'microsoft365',
    followsLinks: true,
    auth: bearer,
    first: () => ({ url: 'https://graph.microsoft.com/v1.0/me/contacts?$top=3' }),
    next: (r) => follow(r.body['@odata.nextLink']),
    ids: (r) => r.body.value.map((c: Json) => c.id),
    create: () => ({
      method: 'POST',
      url: 'https://graph.microsoft.com/v1.0/me/contacts',
      ...json({ givenName: 'Ada', surname: 'Lovelace' }),
    }),
    createStatus: 201,
    expired: {
      status: 401,
      check: (r) => {
        assert.equal(r.body.error.code, 'InvalidAuthenticationToken')
        assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer /)
      },
    },
    rateLimited: {
      status: 429,
      check: (r) => {
        assert.equal(r.body.error.code, 'TooManyRequests')
        retryAfter(r)
      },
    },
  },
  {
    provider: 'slack',
    auth: bearer,
    first: () => ({ url: 'https://slack.com/api/conversations.list?limit=3' }),
    next: (r) =>
      r.body.response_metadata.next_cursor
        ? {
          url: `https://slack.com/api/conversations.list?limit=3&cursor=${
            encodeURIComponent(r.body.response_metadata.next_cursor)
          }`,
        }
        : null,
    ids: (r) => r.body.channels.map((c: Json) => c.id),
    create: () => ({
      method: 'POST',
      url: 'https://slack.com/api/chat.postMessage',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ channel: 'C01', text: 'hello' }).toString(),
    }),
    createStatus: 200,
    // Only with token rotation do Slack tokens expire; the answer is still HTTP 200.
    tokenParams: {},
    expired: {
      status: 200,
      check: (r) => assert.deepEqual(r.body, { ok: false, error: 'token_expired' }),
    },
    rateLimited: {
      status: 429,
      check: (r) => {
        assert.deepEqual(r.body, { ok: false, error: 'ratelimited' })
        retryAfter(r)
      },
    },
  },
  {
    provider: 'asana',
    followsLinks: true,
    auth: bearer,
    first: () => ({ url: 'https://app.asana.com/api/1.0/projects?limit=3' }),
    next: (r) => follow(r.body.next_page?.uri),
    ids: (r) => r.body.data.map((p: Json) => p.gid),
    create: () => ({
      method: 'POST',
      url: 'https://app.asana.com/api/1.0/tasks',
      ...json({ data: { name: 'Write the report', workspace: '1' } }),
    }),
    createStatus: 201,
    expired: {
      status: 401,
      check: (r) => assert.equal(r.body.errors[0].message, 'Not Authorized'),
    },
    rateLimited: { status: 429, check: retryAfter },
  },
  {
    provider: 'notion',
    auth: (f) => ({ headers: { ...bearer(f).headers, 'notion-version': '2022-06-28' } }),
    first: () => ({ url: 'https://api.notion.com/v1/users?page_size=3' }),
    next: (r) =>
      r.body.has_more
        ? { url: `https://api.notion.com/v1/users?page_size=3&start_cursor=${r.body.next_cursor}` }
        : null,
    ids: (r) => r.body.results.map((u: Json) => u.id),
    create: () => ({
      method: 'POST',
      url: 'https://api.notion.com/v1/pages',
      ...json({
        parent: { page_id: 'p1' },
        properties: { title: { title: [{ text: { content: 'Notes' } }] } },
      }),
    }),
    createStatus: 200,
    // Notion tokens never expire: a revoked one is what 401 looks like.
    expired: { status: 401, check: (r) => assert.equal(r.body.code, 'unauthorized') },
    rateLimited: {
      status: 429,
      check: (r) => {
        assert.equal(r.body.code, 'rate_limited')
        retryAfter(r)
      },
    },
  },
  {
    provider: 'google',
    auth: bearer,
    first: () => ({
      url: 'https://www.googleapis.com/calendar/v3/users/me/calendarList?maxResults=3',
    }),
    next: (r) =>
      r.body.nextPageToken
        ? {
          url:
            `https://www.googleapis.com/calendar/v3/users/me/calendarList?maxResults=3&pageToken=${
              encodeURIComponent(r.body.nextPageToken)
            }`,
        }
        : null,
    ids: (r) => r.body.items.map((c: Json) => c.id),
    create: () => ({
      method: 'POST',
      url: 'https://www.googleapis.com/calendar/v3/calendars',
      ...json({ summary: 'Team' }),
    }),
    createStatus: 200,
    expired: { status: 401, check: (r) => assert.equal(r.body.error.status, 'UNAUTHENTICATED') },
    rateLimited: {
      status: 429,
      check: (r) => {
        // The wait is in the message, not in a header.
        assert.match(r.body.error.message, /^User-rate limit exceeded\. Retry after \d{4}-/)
        assert.equal(r.headers.get('retry-after'), null)
      },
    },
  },
  {
    provider: 'github',
    followsLinks: true,
    auth: bearer,
    first: () => ({ url: 'https://api.github.com/user/repos?per_page=3' }),
    next: (r) => follow(/<([^>]+)>; rel="next"/.exec(r.headers.get('link') ?? '')?.[1]),
    ids: (r) => r.body.map((repo: Json) => String(repo.id)),
    secondPage: /[?&]page=2(&|$)/,
    create: () => ({
      method: 'POST',
      url: 'https://api.github.com/user/repos',
      ...json({ name: 'demo' }),
    }),
    createStatus: 201,
    expired: { status: 401, check: (r) => assert.equal(r.body.message, 'Bad credentials') },
    rateLimited: {
      status: 403,
      check: (r) => {
        assert.equal(r.headers.get('x-ratelimit-remaining'), '0')
        assert.match(r.headers.get('x-ratelimit-reset') ?? '', /^\d{10}$/)
      },
    },
  },
  {
    provider: 'gitlab',
    auth: bearer,
    first: () => ({ url: 'https://gitlab.com/api/v4/projects?per_page=3' }),
    next: (r) =>
      r.headers.get('x-next-page')
        ? {
          url: `https://gitlab.com/api/v4/projects?per_page=3&page=${r.headers.get('x-next-page')}`,
        }
        : null,
    ids: (r) => r.body.map((p: Json) => String(p.id)),
    secondPage: /[?&]page=2(&|$)/,
    create: () => ({
      method: 'POST',
      url: 'https://gitlab.com/api/v4/projects',
      ...json({ name: 'demo' }),
    }),
    createStatus: 201,
    expired: {
      status: 401,
      check: (r) => assert.match(r.body.error_description, /^Token is expired/),
    },
    rateLimited: {
      status: 429,
      check: (r) => {
        retryAfter(r)
        assert.equal(r.headers.get('ratelimit-remaining'), '0')
      },
    },
  },
  {
    provider: 'jira',
    followsLinks: true,
    auth: bearer,
    first: (f) => ({
      url: `https://api.atlassian.com/ex/jira/${f.cloudId}/rest/api/3/project/search?maxResults=3`,
    }),
    next: (r) => follow(r.body.isLast ? null : r.body.nextPage),
    ids: (r) => r.body.values.map((p: Json) => p.id),
    secondPage: /[?&]startAt=3(&|$)/,
    create: (f) => ({
      method: 'POST',
      url: `https://api.atlassian.com/ex/jira/${f.cloudId}/rest/api/3/issue`,
      ...json({ fields: { summary: 'Broken build', project: { key: 'SIM' } } }),
    }),
    createStatus: 201,
    expired: { status: 401, check: (r) => assert.equal(r.body.message, 'Unauthorized') },
    rateLimited: { status: 429, check: retryAfter },
  },
  {
    provider: 'trello',
    auth: (f) => ({ query: { key: f.clientId, token: f.access } }),
    first: () => ({ url: 'https://api.trello.com/1/members/me/boards' }),
    next: () => null,
    ids: (r) => r.body.map((b: Json) => b.id),
    create: () => ({ method: 'POST', url: 'https://api.trello.com/1/boards?name=Roadmap' }),
    createStatus: 200,
    expired: { status: 401, check: (r) => assert.equal(r.body.text, 'expired token') },
    rateLimited: { status: 429, check: retryAfter },
  },
  {
    provider: 'bamboohr',
    auth: bearer,
    first: () => ({ url: 'https://api.bamboohr.com/api/gateway.php/acme/v1/employees/directory' }),
    next: () => null,
    ids: (r) => r.body.employees.map((e: Json) => e.id),
    create: () => ({
      method: 'POST',
      url: 'https://api.bamboohr.com/api/gateway.php/acme/v1/employees',
      ...json({ firstName: 'Ada', lastName: 'Lovelace' }),
    }),
    createStatus: 201,
    expired: {
      status: 401,
      check: (r) => assert.ok(r.headers.get('x-bamboohr-error-message')),
    },
    // BambooHR throttles with 503 and Retry-After.
    rateLimited: { status: 503, check: retryAfter },
  },
  {
    provider: 'workday',
    auth: bearer,
    first: () => ({
      url: 'https://wd2-impl-services1.workday.com/ccx/api/v1/acme/workers?limit=3',
    }),
    // Offset paging: the next offset is this one plus the page, until `total`.
    next: (r, _f, previous) => {
      const url = new URL(previous.url)
      const offset = Number(url.searchParams.get('offset') ?? 0) + r.body.data.length
      url.searchParams.set('offset', String(offset))
      return offset < r.body.total ? { url: url.toString() } : null
    },
    ids: (r) => r.body.data.map((w: Json) => w.id),
    secondPage: /[?&]offset=3(&|$)/,
    create: () => ({
      method: 'POST',
      url: 'https://wd2-impl-services1.workday.com/ccx/api/v1/acme/workers',
      ...json({ descriptor: 'Ada Lovelace' }),
    }),
    createStatus: 201,
    expired: { status: 401, check: (r) => assert.equal(r.body.error, 'invalid_token') },
    rateLimited: { status: 429, check: retryAfter },
  },
  {
    provider: 'dropbox',
    auth: bearer,
    first: () => ({
      method: 'POST',
      url: 'https://api.dropboxapi.com/2/files/list_folder',
      ...json({ path: '', limit: 3 }),
    }),
    next: (r) =>
      r.body.has_more
        ? {
          method: 'POST',
          url: 'https://api.dropboxapi.com/2/files/list_folder/continue',
          ...json({ cursor: r.body.cursor }),
        }
        : null,
    ids: (r) => r.body.entries.map((e: Json) => e.id),
    create: () => ({
      method: 'POST',
      url: 'https://api.dropboxapi.com/2/files/create_folder_v2',
      ...json({ path: '/Reports' }),
    }),
    createStatus: 200,
    expired: {
      status: 401,
      check: (r) => assert.equal(r.body.error['.tag'], 'expired_access_token'),
    },
    rateLimited: {
      status: 429,
      check: (r) => {
        retryAfter(r)
        assert.equal(r.body.error.retry_after, 2)
      },
    },
  },
  {
    provider: 'zendesk',
    followsLinks: true,
    tokenParams: { expires_in: '1800' },
    auth: bearer,
    first: () => ({ url: 'https://acme.zendesk.com/api/v2/users.json?per_page=3' }),
    next: (r) => follow(r.body.next_page),
    ids: (r) => r.body.users.map((u: Json) => String(u.id)),
    secondPage: /[?&]page=2(&|$)/,
    create: () => ({
      method: 'POST',
      url: 'https://acme.zendesk.com/api/v2/tickets.json',
      ...json({ ticket: { subject: 'Printer on fire', comment: { body: 'Help' } } }),
    }),
    createStatus: 201,
    expired: { status: 401, check: (r) => assert.equal(r.body.error, 'invalid_token') },
    rateLimited: { status: 429, check: retryAfter },
  },
]

async function send(
  sim: RunningProviderSimulator,
  c: Call,
  f: Fixture,
  kase: ApiCase,
): Promise<Res> {
  const auth = kase.auth(f)
  const url = new URL(c.url)
  for (const [k, v] of Object.entries(auth.query ?? {})) url.searchParams.set(k, v)
  const res = await fetch(viaSimulator(sim, url), {
    method: c.method ?? 'GET',
    headers: { ...auth.headers, ...c.headers },
    body: c.body,
  })
  const text = await res.text()
  let body: Json
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    body = { text }
  }
  return { status: res.status, body, headers: res.headers }
}

for (const kase of CASES) {
  Deno.test(`${kase.provider}: pages, creates and fails like the provider`, async () => {
    await withSimulator(async (sim) => {
      const client = sim.control.registerClient(kase.provider, { tokenRotation: true })
      const fixture = sim.control.issueTokens(kase.provider, 'acme', {
        clientId: client.clientId,
        tokenParams: kase.tokenParams,
      })
      const f: Fixture = {
        access: fixture.accessToken,
        cloudId: sim.control.account(kase.provider, 'acme').uuid,
        clientId: client.clientId,
      }
      const seen: string[] = []
      let call: Call | null = kase.first(f)
      let pages = 0
      while (call) {
        const res = await send(sim, call, f, kase)
        assert.equal(res.status, 200, JSON.stringify(res.body))
        seen.push(...kase.ids(res))
        const next: Call | null = kase.next(res, f, call)
        if (pages === 0 && kase.secondPage) assert.match(next?.url ?? '', kase.secondPage)
        if (pages === 0 && kase.followsLinks) {
          assert.ok(next?.url.startsWith(`${sim.url}/`), `${next?.url} is on the simulator`)
        }
        call = next
        assert.ok(++pages <= 10, 'pagination ends')
      }
      assert.equal(seen.length, 7)
      assert.equal(new Set(seen).size, 7, 'every record once')

      const created = await send(sim, kase.create(f), f, kase)
      assert.equal(created.status, kase.createStatus, JSON.stringify(created.body))
      assert.equal(sim.control.items(kase.provider, 'acme').length, 8)

      const log = sim.control.requests({ provider: kase.provider })
      assert.ok(log.every((e) => e.account === 'acme'))
      assert.ok(!JSON.stringify(log).includes(f.access), 'the token is redacted from the log')

      sim.control.injectFault({ kind: '429', provider: kase.provider })
      const limited = await send(sim, kase.first(f), f, kase)
      assert.equal(limited.status, kase.rateLimited.status, JSON.stringify(limited.body))
      kase.rateLimited.check(limited)
      assert.equal((await send(sim, kase.first(f), f, kase)).status, 200, 'one call only')

      if (fixture.expiresIn !== null) {
        assert.equal(sim.control.expireAccessTokens(kase.provider), 1)
      } else {
        sim.control.killGrants(kase.provider)
      }
      const expired = await send(sim, kase.first(f), f, kase)
      assert.equal(expired.status, kase.expired.status, JSON.stringify(expired.body))
      kase.expired.check(expired)
    })
  })
}

Deno.test('a token of one account is refused on another account’s host or site', async () => {
  await withSimulator(async (sim) => {
    const zendesk = sim.control.issueTokens('zendesk', 'globex').accessToken
    const onAcme = await fetch(viaSimulator(sim, 'https://acme.zendesk.com/api/v2/users/me.json'), {
      headers: { authorization: `Bearer ${zendesk}` },
    })
    assert.equal(onAcme.status, 401)
    await onAcme.body?.cancel()
    const jira = sim.control.issueTokens('jira', 'globex').accessToken
    const acmeSite = sim.control.account('jira', 'acme').uuid
    const otherSite = await fetch(
      viaSimulator(sim, `https://api.atlassian.com/ex/jira/${acmeSite}/rest/api/3/project/search`),
      { headers: { authorization: `Bearer ${jira}` } },
    )
    assert.equal(otherSite.status, 404)
    await otherSite.body?.cancel()
  })
})

Deno.test('Notion refuses a call without Notion-Version', async () => {
  await withSimulator(async (sim) => {
    const token = sim.control.issueTokens('notion', 'acme').accessToken
    const res = await fetch(viaSimulator(sim, 'https://api.notion.com/v1/users/me'), {
      headers: { authorization: `Bearer ${token}` },
    })
    assert.equal(res.status, 400)
    assert.equal((await res.json()).code, 'missing_version')
  })
})

Deno.test('API keys and Workday ISU credentials authenticate where the provider takes them', async () => {
  await withSimulator(async (sim) => {
    const c = sim.control
    const get = async (url: string, headers: Record<string, string> = {}) => {
      const res = await fetch(viaSimulator(sim, url), { headers })
      await res.body?.cancel()
      return res.status
    }
    const basic = (u: string, p: string) => ({ authorization: `Basic ${btoa(`${u}:${p}`)}` })
    const bamboo = c.createApiKey('bamboohr', 'acme')
    assert.equal(
      await get('https://api.bamboohr.com/api/gateway.php/acme/v1/employees/0', basic(bamboo, 'x')),
      200,
    )
    assert.equal(
      await get(
        'https://api.bamboohr.com/api/gateway.php/globex/v1/employees/0',
        basic(bamboo, 'x'),
      ),
      401,
    )
    const zendesk = c.createApiKey('zendesk', 'acme')
    const email = c.account('zendesk', 'acme').userEmail
    assert.equal(
      await get('https://acme.zendesk.com/api/v2/users/me.json', basic(`${email}/token`, zendesk)),
      200,
    )
    const pipedrive = c.createApiKey('pipedrive', 'acme')
    assert.equal(
      await get(`https://acme.pipedrive.com/api/v1/users/me?api_token=${pipedrive}`),
      200,
    )
    const gitlab = c.createApiKey('gitlab', 'acme')
    assert.equal(await get('https://gitlab.com/api/v4/user', { 'private-token': gitlab }), 200)
    assert.equal(await get('https://gitlab.com/api/v4/user', { 'private-token': 'nope' }), 401)
    const isu = c.account('workday', 'acme').isu
    const workers = 'https://wd2-impl-services1.workday.com/ccx/api/v1/acme/workers'
    assert.equal(await get(workers, basic(isu.username, isu.password)), 200)
    assert.equal(await get(workers, basic(isu.username, 'wrong')), 401)
    assert.equal(
      await get(workers.replace('/acme/', '/globex/'), basic(isu.username, isu.password)),
      401,
    )
    // The request log never holds an API key.
    assert.ok(!JSON.stringify(c.requests()).includes(pipedrive))
    // Reset credentials: the old ISU password and API keys stop working.
    assert.equal(c.resetCredentials('workday', 'acme'), 1)
    assert.equal(await get(workers, basic(isu.username, isu.password)), 401)
    const fresh = c.account('workday', 'acme').isu
    assert.equal(await get(workers, basic(fresh.username, fresh.password)), 200)
    c.resetCredentials('gitlab')
    assert.equal(await get('https://gitlab.com/api/v4/user', { 'private-token': gitlab }), 401)
  })
})

Deno.test('503 bursts answer in the provider’s shape and then stop', async () => {
  await withSimulator(async (sim) => {
    const token = sim.control.issueTokens('microsoft365', 'acme').accessToken
    sim.control.injectFault({
      kind: '503',
      provider: 'microsoft365',
      count: 2,
      retryAfterSeconds: 7,
    })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      const res = await fetch(viaSimulator(sim, 'https://graph.microsoft.com/v1.0/me'), {
        headers: { authorization: `Bearer ${token}` },
      })
      statuses.push(res.status)
      if (res.status === 503) {
        assert.equal(res.headers.get('retry-after'), '7')
        assert.equal((await res.json()).error.code, 'serviceNotAvailable')
      } else await res.body?.cancel()
    }
    assert.deepEqual(statuses, [503, 503, 200])
    assert.deepEqual(sim.control.listFaults(), [])
  })
})
