// The quirks a registry entry can get wrong, each refused or answered as the real provider does:
// client authentication, body format, PKCE, scope separators, required parameters, when refresh
// tokens are issued, the consent page, codes that expire or are replayed.

import assert from 'node:assert/strict'
import {
  authorizeInBrowser,
  pkcePair,
  registerClient,
  type RunningProviderSimulator,
  simulatorCallback,
  viaSimulator,
  withSimulator,
} from '../../helpers/provider-simulator.ts'

// deno-lint-ignore no-explicit-any
type Json = any

interface ClientLike {
  clientId: string
  clientSecret: string
}

function authorizeUrl(real: string, params: Record<string, string>): string {
  const url = new URL(real)
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  return url.toString()
}

/** Authorizes (auto-approved) and returns the code, or the redirect's error. */
async function code(
  sim: RunningProviderSimulator,
  provider: string,
  real: string,
  client: ClientLike,
  params: Record<string, string>,
): Promise<{ code: string | null; error: string | null; back: URL }> {
  const back = await authorizeInBrowser(
    sim,
    authorizeUrl(real, {
      client_id: client.clientId,
      redirect_uri: simulatorCallback(provider),
      state: 's',
      ...params,
    }),
  )
  return { code: back.searchParams.get('code'), error: back.searchParams.get('error'), back }
}

async function post(
  sim: RunningProviderSimulator,
  real: string,
  opts: {
    form?: Record<string, string>
    json?: Record<string, string>
    basic?: ClientLike
    accept?: string
  },
): Promise<{ status: number; body: Json; type: string }> {
  const headers: Record<string, string> = {}
  if (opts.accept) headers.accept = opts.accept
  if (opts.basic) {
    headers.authorization = `Basic ${btoa(`${opts.basic.clientId}:${opts.basic.clientSecret}`)}`
  }
  let body: string
  if (opts.json) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(opts.json)
  } else {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = new URLSearchParams(opts.form ?? {}).toString()
  }
  const res = await fetch(viaSimulator(sim, real), { method: 'POST', headers, body })
  const text = await res.text()
  const type = res.headers.get('content-type') ?? ''
  return { status: res.status, type, body: type.includes('json') ? JSON.parse(text) : text }
}

const bodyCreds = (c: ClientLike) => ({ client_id: c.clientId, client_secret: c.clientSecret })

const HUBSPOT_AUTHORIZE = 'https://app.hubspot.com/oauth/authorize'
const HUBSPOT_TOKEN = 'https://api.hubapi.com/oauth/v1/token'

Deno.test('a wrong client or redirect URI gets the provider’s error page, not a redirect', async () => {
  await withSimulator(async (sim) => {
    const client = registerClient(sim, 'hubspot')
    for (
      const params of [
        { client_id: 'nobody', redirect_uri: simulatorCallback('hubspot') },
        { client_id: client.clientId, redirect_uri: 'https://evil.example/cb' },
      ]
    ) {
      const res = await fetch(viaSimulator(sim, authorizeUrl(HUBSPOT_AUTHORIZE, params)), {
        redirect: 'manual',
      })
      assert.equal(res.status, 400)
      assert.match(res.headers.get('content-type') ?? '', /text\/html/)
      await res.body?.cancel()
    }
  })
})

Deno.test('the consent page: Deny redirects with access_denied, Allow connects the chosen account', async () => {
  await withSimulator(async (sim) => {
    const client = registerClient(sim, 'hubspot', { requirePkce: false })
    const url = authorizeUrl(HUBSPOT_AUTHORIZE, {
      client_id: client.clientId,
      redirect_uri: simulatorCallback('hubspot'),
      scope: 'oauth',
      state: 'xyz',
    })
    const denied = await authorizeInBrowser(sim, url, 'deny')
    assert.equal(denied.searchParams.get('error'), 'access_denied')
    assert.equal(denied.searchParams.get('state'), 'xyz')
    assert.equal(denied.searchParams.get('code'), null)
    const allowed = await authorizeInBrowser(sim, url, 'allow', 'globex')
    const res = await post(sim, HUBSPOT_TOKEN, {
      form: {
        grant_type: 'authorization_code',
        code: allowed.searchParams.get('code')!,
        redirect_uri: simulatorCallback('hubspot'),
        ...bodyCreds(client),
      },
    })
    assert.equal(res.status, 200)
    assert.equal(res.body.hub_id, sim.control.account('hubspot', 'globex').number)
  }, { autoApprove: false })
})

Deno.test('a subdomain host offers only its own account and refuses an unknown one', async () => {
  await withSimulator(async (sim) => {
    const client = registerClient(sim, 'zendesk')
    const { challenge } = await pkcePair()
    const params = {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: simulatorCallback('zendesk'),
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }
    const page = await fetch(
      viaSimulator(
        sim,
        authorizeUrl('https://globex.zendesk.com/oauth/authorizations/new', params),
      ),
    )
    const html = await page.text()
    assert.match(html, /value="globex"/)
    assert.doesNotMatch(html, /value="acme"/)
    const unknown = await fetch(
      viaSimulator(
        sim,
        authorizeUrl('https://nosuch.zendesk.com/oauth/authorizations/new', params),
      ),
    )
    assert.equal(unknown.status, 404)
    await unknown.body?.cancel()
  }, { autoApprove: false })
})

Deno.test('PKCE: required of the simulator’s clients where the provider does it, and verified', async () => {
  await withSimulator(async (sim) => {
    const strict = registerClient(sim, 'hubspot')
    const without = await code(sim, 'hubspot', HUBSPOT_AUTHORIZE, strict, { scope: 'oauth' })
    assert.equal(without.error, 'invalid_request')
    const lenient = registerClient(sim, 'hubspot', { requirePkce: false })
    assert.ok((await code(sim, 'hubspot', HUBSPOT_AUTHORIZE, lenient, { scope: 'oauth' })).code)

    const pair = await pkcePair()
    const withPkce = await code(sim, 'hubspot', HUBSPOT_AUTHORIZE, strict, {
      scope: 'oauth',
      code_challenge: pair.challenge,
      code_challenge_method: 'S256',
    })
    const exchange = (verifier: string) =>
      post(sim, HUBSPOT_TOKEN, {
        form: {
          grant_type: 'authorization_code',
          code: withPkce.code!,
          redirect_uri: simulatorCallback('hubspot'),
          code_verifier: verifier,
          ...bodyCreds(strict),
        },
      })
    const wrong = await exchange((await pkcePair()).verifier)
    assert.equal(wrong.status, 400)
    assert.equal(wrong.body.error, 'invalid_grant')
    assert.equal((await exchange(pair.verifier)).status, 200)
  })
})

Deno.test('a replayed code fails and revokes what it issued; an old code has expired', async () => {
  await withSimulator(async (sim) => {
    const client = registerClient(sim, 'gitlab', { requirePkce: false })
    const authorize = 'https://gitlab.com/oauth/authorize'
    const exchange = (c: string) =>
      post(sim, 'https://gitlab.com/oauth/token', {
        form: {
          grant_type: 'authorization_code',
          code: c,
          redirect_uri: simulatorCallback('gitlab'),
          ...bodyCreds(client),
        },
      })
    const first = await code(sim, 'gitlab', authorize, client, { response_type: 'code' })
    const tokens = await exchange(first.code!)
    assert.equal(tokens.status, 200)
    const replay = await exchange(first.code!)
    assert.equal(replay.body.error, 'invalid_grant')
    const me = await fetch(viaSimulator(sim, 'https://gitlab.com/api/v4/user'), {
      headers: { authorization: `Bearer ${tokens.body.access_token}` },
    })
    assert.equal(me.status, 401, 'the replay revoked the tokens')
    await me.body?.cancel()

    const late = await code(sim, 'gitlab', authorize, client, { response_type: 'code' })
    sim.control.advanceClock(11 * 60_000)
    assert.equal((await exchange(late.code!)).body.error, 'invalid_grant')
  })
})

Deno.test('client authentication and body format are the provider’s', async () => {
  await withSimulator(async (sim) => {
    // HubSpot: credentials in the form body; Basic is refused in HubSpot's error shape.
    const hubspot = registerClient(sim, 'hubspot')
    const viaBasic = await post(sim, HUBSPOT_TOKEN, {
      form: { grant_type: 'refresh_token', refresh_token: 'x' },
      basic: hubspot,
    })
    assert.equal(viaBasic.status, 400)
    assert.equal(viaBasic.body.status, 'BAD_CLIENT_ID')
    const asJson = await post(sim, HUBSPOT_TOKEN, {
      json: { grant_type: 'refresh_token', refresh_token: 'x', ...bodyCreds(hubspot) },
    })
    assert.equal(asJson.body.error, 'invalid_request')

    // Notion: Basic and JSON, nothing else.
    const notion = registerClient(sim, 'notion')
    const notionToken = 'https://api.notion.com/v1/oauth/token'
    const inBody = await post(sim, notionToken, {
      json: { grant_type: 'authorization_code', code: 'x', ...bodyCreds(notion) },
    })
    assert.deepEqual([inBody.status, inBody.body.error], [401, 'invalid_client'])
    const notionForm = await post(sim, notionToken, {
      form: { grant_type: 'authorization_code', code: 'x' },
      basic: notion,
    })
    assert.deepEqual([notionForm.status, notionForm.body.error], [400, 'invalid_request'])

    // Pipedrive: Basic only.
    const pipedrive = registerClient(sim, 'pipedrive')
    const pdBody = await post(sim, 'https://oauth.pipedrive.com/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: 'x', ...bodyCreds(pipedrive) },
    })
    assert.equal(pdBody.body.error, 'invalid_client')

    // A wrong secret is invalid_client in the provider's shape (Slack: HTTP 200, ok:false).
    const slack = registerClient(sim, 'slack')
    const slackBad = await post(sim, 'https://slack.com/api/oauth.v2.access', {
      form: { code: 'x', client_id: slack.clientId, client_secret: 'nope' },
    })
    assert.equal(slackBad.status, 200)
    assert.deepEqual(slackBad.body, { ok: false, error: 'invalid_client_id' })
  })
})

Deno.test('scopes must use the provider’s separator', async () => {
  await withSimulator(async (sim) => {
    const slack = registerClient(sim, 'slack')
    const spaced = await code(sim, 'slack', 'https://slack.com/oauth/v2/authorize', slack, {
      scope: 'channels:read chat:write',
    })
    assert.equal(spaced.error, 'invalid_scope')
    const hubspot = registerClient(sim, 'hubspot', { requirePkce: false })
    const commas = await code(sim, 'hubspot', HUBSPOT_AUTHORIZE, hubspot, {
      scope: 'oauth,crm.objects.contacts.read',
    })
    assert.equal(commas.error, 'invalid_scope')
  })
})

Deno.test('authorize and token parameters a provider requires are enforced', async () => {
  await withSimulator(async (sim) => {
    const jira = registerClient(sim, 'jira', { requirePkce: false })
    const noAudience = await code(sim, 'jira', 'https://auth.atlassian.com/authorize', jira, {
      response_type: 'code',
      prompt: 'consent',
      scope: 'read:jira-work',
    })
    assert.equal(noAudience.error, 'invalid_request')
    const notion = registerClient(sim, 'notion', { requirePkce: false })
    const noOwner = await code(sim, 'notion', 'https://api.notion.com/v1/oauth/authorize', notion, {
      response_type: 'code',
    })
    assert.equal(noOwner.error, 'invalid_request')

    const bamboo = registerClient(sim, 'bamboohr', { requirePkce: false })
    const noRequest = await code(
      sim,
      'bamboohr',
      'https://acme.bamboohr.com/authorize.php',
      bamboo,
      {
        response_type: 'code',
      },
    )
    assert.equal(noRequest.error, 'invalid_request')
    const granted = await code(sim, 'bamboohr', 'https://acme.bamboohr.com/authorize.php', bamboo, {
      request: 'authorize',
      response_type: 'code',
      scope: 'email',
    })
    const fields = {
      grant_type: 'authorization_code',
      code: granted.code!,
      redirect_uri: simulatorCallback('bamboohr'),
      ...bodyCreds(bamboo),
    }
    const withoutRequest = await post(sim, 'https://acme.bamboohr.com/token.php', { json: fields })
    assert.equal(withoutRequest.body.error, 'invalid_request')
    const ok = await post(sim, 'https://acme.bamboohr.com/token.php?request=token', {
      json: fields,
    })
    assert.equal(ok.status, 200)
    // No offline_access, no refresh token.
    assert.equal(ok.body.refresh_token, undefined)
  })
})

Deno.test('refresh tokens come only when the provider’s conditions are met', async () => {
  await withSimulator(async (sim) => {
    const tokens = async (
      provider: string,
      authorize: string,
      token: string,
      params: Record<string, string>,
      extra: Record<string, string> = {},
    ) => {
      const client = registerClient(sim, provider, { requirePkce: false })
      const got = await code(sim, provider, authorize, client, params)
      assert.ok(got.code, `${provider}: ${got.back}`)
      const res = await post(sim, token, {
        form: {
          grant_type: 'authorization_code',
          code: got.code!,
          redirect_uri: simulatorCallback(provider),
          ...extra,
          ...bodyCreds(client),
        },
      })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      return { client, body: res.body }
    }
    // Google: access_type=offline, and again only with prompt=consent.
    const gAuth = 'https://accounts.google.com/o/oauth2/v2/auth'
    const gToken = 'https://oauth2.googleapis.com/token'
    const online = await tokens('google', gAuth, gToken, { response_type: 'code', scope: 'email' })
    assert.equal(online.body.refresh_token, undefined)
    const offline = { response_type: 'code', scope: 'email', access_type: 'offline' }
    const client = registerClient(sim, 'google', { requirePkce: false })
    const exchange = async (params: Record<string, string>) => {
      const got = await code(sim, 'google', gAuth, client, params)
      return (await post(sim, gToken, {
        form: {
          grant_type: 'authorization_code',
          code: got.code!,
          redirect_uri: simulatorCallback('google'),
          ...bodyCreds(client),
        },
      })).body
    }
    assert.ok((await exchange(offline)).refresh_token, 'first consent')
    assert.equal((await exchange(offline)).refresh_token, undefined, 'second consent')
    assert.ok((await exchange({ ...offline, prompt: 'consent' })).refresh_token, 'prompt=consent')

    // Dropbox: token_access_type=offline.
    const dropbox = await tokens(
      'dropbox',
      'https://www.dropbox.com/oauth2/authorize',
      'https://api.dropboxapi.com/oauth2/token',
      { response_type: 'code' },
    )
    assert.equal(dropbox.body.refresh_token, undefined)
    assert.equal(dropbox.body.expires_in, 14400)

    // Microsoft: offline_access.
    const ms = await tokens(
      'microsoft365',
      'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      { response_type: 'code', scope: 'User.Read' },
    )
    assert.equal(ms.body.refresh_token, undefined)

    // Zendesk: no expires_in asked → a token that never expires and no refresh token.
    const zendesk = await tokens(
      'zendesk',
      'https://acme.zendesk.com/oauth/authorizations/new',
      'https://acme.zendesk.com/oauth/tokens',
      { response_type: 'code', scope: 'read' },
    )
    assert.equal(zendesk.body.expires_in, undefined)
    assert.equal(zendesk.body.refresh_token, undefined)
  })
})

Deno.test('GitHub answers form-encoded unless asked for JSON, and errors with HTTP 200', async () => {
  await withSimulator(async (sim) => {
    const client = registerClient(sim, 'github', { requirePkce: false })
    const got = await code(sim, 'github', 'https://github.com/login/oauth/authorize', client, {
      scope: 'repo',
    })
    // Neither grant_type nor redirect_uri is needed at GitHub's token endpoint.
    const fields = { code: got.code!, ...bodyCreds(client) }
    const res = await post(sim, 'https://github.com/login/oauth/access_token', { form: fields })
    assert.equal(res.status, 200)
    assert.match(res.type, /application\/x-www-form-urlencoded/)
    const form = new URLSearchParams(res.body)
    assert.match(form.get('access_token')!, /^gho_/)
    assert.equal(form.get('scope'), 'repo')
    const again = await post(sim, 'https://github.com/login/oauth/access_token', {
      form: fields,
      accept: 'application/json',
    })
    assert.equal(again.status, 200)
    assert.equal(again.body.error, 'bad_verification_code')
  })
})

Deno.test('Slack: user scopes only under authed_user; token rotation when the app opts in', async () => {
  await withSimulator(async (sim) => {
    const exchange = async (client: ClientLike, params: Record<string, string>) => {
      const got = await code(sim, 'slack', 'https://slack.com/oauth/v2/authorize', client, params)
      return (await post(sim, 'https://slack.com/api/oauth.v2.access', {
        form: { code: got.code!, redirect_uri: simulatorCallback('slack'), ...bodyCreds(client) },
      })).body
    }
    const plain = registerClient(sim, 'slack')
    const userOnly = await exchange(plain, { user_scope: 'search:read,users:read' })
    assert.equal(userOnly.access_token, undefined)
    assert.match(userOnly.authed_user.access_token, /^xoxp-/)
    assert.equal(userOnly.authed_user.scope, 'search:read,users:read')

    const rotating = registerClient(sim, 'slack', { tokenRotation: true })
    const first = await exchange(rotating, { scope: 'channels:read' })
    assert.equal(first.expires_in, 43200)
    assert.ok(first.refresh_token)
    const refresh = (token: string) =>
      post(sim, 'https://slack.com/api/oauth.v2.access', {
        form: { grant_type: 'refresh_token', refresh_token: token, ...bodyCreds(rotating) },
      })
    const next = await refresh(first.refresh_token)
    assert.equal(next.body.ok, true)
    assert.notEqual(next.body.refresh_token, first.refresh_token)
    assert.deepEqual((await refresh(first.refresh_token)).body, {
      ok: false,
      error: 'invalid_refresh_token',
    })
  })
})

Deno.test('HubSpot: tokens expire after 30 minutes; revoking leaves access tokens alive; token info gives hub_id', async () => {
  await withSimulator(async (sim) => {
    const client = registerClient(sim, 'hubspot', { requirePkce: false })
    const got = await code(sim, 'hubspot', HUBSPOT_AUTHORIZE, client, { scope: 'oauth' })
    const tokens = (await post(sim, HUBSPOT_TOKEN, {
      form: {
        grant_type: 'authorization_code',
        code: got.code!,
        redirect_uri: simulatorCallback('hubspot'),
        ...bodyCreds(client),
      },
    })).body
    const info = await fetch(
      viaSimulator(sim, `https://api.hubapi.com/oauth/v1/access-tokens/${tokens.access_token}`),
    )
    const infoBody = await info.json()
    assert.equal(infoBody.hub_id, tokens.hub_id)
    assert.ok(infoBody.expires_in > 1790 && infoBody.expires_in <= 1800, 'seconds left of 1800')
    const revoked = await fetch(
      viaSimulator(sim, `https://api.hubapi.com/oauth/v1/refresh-tokens/${tokens.refresh_token}`),
      { method: 'DELETE' },
    )
    assert.equal(revoked.status, 204)
    const details = 'https://api.hubapi.com/account-info/v3/details'
    const call = () =>
      fetch(viaSimulator(sim, details), {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      })
    const alive = await call()
    assert.equal(alive.status, 200, 'the access token outlives the revoked refresh token')
    await alive.body?.cancel()
    sim.control.advanceClock(1801_000)
    const expired = await call()
    assert.equal(expired.status, 401)
    assert.equal((await expired.json()).category, 'EXPIRED_AUTHENTICATION')
  })
})

Deno.test('a code or refresh token of one subdomain is not valid at another’s token URL', async () => {
  await withSimulator(async (sim) => {
    const client = registerClient(sim, 'zendesk', { requirePkce: false })
    const got = await code(
      sim,
      'zendesk',
      'https://acme.zendesk.com/oauth/authorizations/new',
      client,
      {
        response_type: 'code',
      },
    )
    const fields = {
      grant_type: 'authorization_code',
      code: got.code!,
      redirect_uri: simulatorCallback('zendesk'),
      expires_in: '600',
      ...bodyCreds(client),
    }
    const elsewhere = await post(sim, 'https://globex.zendesk.com/oauth/tokens', { json: fields })
    assert.equal(elsewhere.body.error, 'invalid_grant')
    const home = await post(sim, 'https://acme.zendesk.com/oauth/tokens', { json: fields })
    assert.equal(home.status, 200)
    const refresh = {
      grant_type: 'refresh_token',
      refresh_token: home.body.refresh_token,
      ...bodyCreds(client),
    }
    const refreshElsewhere = await post(sim, 'https://globex.zendesk.com/oauth/tokens', {
      json: refresh,
    })
    assert.equal(refreshElsewhere.body.error, 'invalid_grant')
    assert.equal(
      (await post(sim, 'https://acme.zendesk.com/oauth/tokens', { json: refresh })).status,
      200,
    )
  })
})

Deno.test('Slack tells a revoked token from an unknown one', async () => {
  await withSimulator(async (sim) => {
    const t = sim.control.issueTokens('slack', 'acme', { scopes: ['channels:read'] })
    const test = async (token: string) => {
      const res = await fetch(viaSimulator(sim, 'https://slack.com/api/auth.test'), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      })
      return (await res.json()).error
    }
    assert.equal(await test('xoxb-unknown'), 'invalid_auth')
    sim.control.killGrants('slack', 'acme')
    assert.equal(await test(t.accessToken), 'token_revoked')
  })
})

Deno.test('the code exchange needs the authorize call’s redirect_uri where the provider does', async () => {
  await withSimulator(async (sim) => {
    const client = registerClient(sim, 'hubspot', { requirePkce: false })
    const exchange = async (redirect: Record<string, string>) => {
      const got = await code(sim, 'hubspot', HUBSPOT_AUTHORIZE, client, { scope: 'oauth' })
      return await post(sim, HUBSPOT_TOKEN, {
        form: {
          grant_type: 'authorization_code',
          code: got.code!,
          ...redirect,
          ...bodyCreds(client),
        },
      })
    }
    const missing = await exchange({})
    assert.deepEqual([missing.status, missing.body.status], [400, 'BAD_REDIRECT_URI'])
    const other = await exchange({ redirect_uri: 'http://127.0.0.1:9/elsewhere' })
    assert.equal(other.body.status, 'BAD_REDIRECT_URI')
    assert.equal((await exchange({ redirect_uri: simulatorCallback('hubspot') })).status, 200)
  })
})

Deno.test('auto-approval connects the account login_hint names', async () => {
  await withSimulator(async (sim) => {
    const client = registerClient(sim, 'hubspot', { requirePkce: false })
    const got = await code(sim, 'hubspot', HUBSPOT_AUTHORIZE, client, {
      scope: 'oauth',
      login_hint: 'globex',
    })
    const res = await post(sim, HUBSPOT_TOKEN, {
      form: {
        grant_type: 'authorization_code',
        code: got.code!,
        redirect_uri: simulatorCallback('hubspot'),
        ...bodyCreds(client),
      },
    })
    assert.equal(res.body.hub_id, sim.control.account('hubspot', 'globex').number)
  })
})
