// Trello's OAuth 1.0a: request token, approval, access token and signed API calls, with the
// HMAC-SHA1 signature checked per RFC 5849 (signed by the test helper's own implementation).

import assert from 'node:assert/strict'
import { signatureBaseString } from '../../../scripts/sandbox/providers/oauth1.ts'
import {
  authorizeInBrowser,
  oauth1Header,
  registerClient,
  type RunningProviderSimulator,
  simulatorCallback,
  viaSimulator,
  withSimulator,
} from '../../helpers/provider-simulator.ts'

const REQUEST = 'https://trello.com/1/OAuthGetRequestToken'
const ACCESS = 'https://trello.com/1/OAuthGetAccessToken'

Deno.test('the signature base string matches RFC 5849 §3.4.1.1', () => {
  // The RFC's example request: POST with query, form body and OAuth parameters.
  const url = new URL('http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b')
  const params: Array<[string, string]> = [
    ...url.searchParams,
    ['c2', ''],
    ['a3', '2 q'],
    ['oauth_consumer_key', '9djdj82h48djs9d2'],
    ['oauth_token', 'kkk9d7dh3k39sjv7'],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', '137131201'],
    ['oauth_nonce', '7d8f3e4a'],
    ['oauth_signature', 'ignored'],
  ]
  assert.equal(
    signatureBaseString('POST', url, params),
    'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
  )
})

function formOf(text: string): URLSearchParams {
  return new URLSearchParams(text)
}

async function connectTrello(
  sim: RunningProviderSimulator,
  client: { clientId: string; clientSecret: string },
  signed: 'real' | 'simulator' = 'real',
  expiration = 'never',
) {
  const callback = simulatorCallback('trello')
  const signedUrl = (real: string) => (signed === 'real' ? real : viaSimulator(sim, real))
  const rt = await fetch(viaSimulator(sim, REQUEST), {
    method: 'POST',
    headers: {
      authorization: await oauth1Header({
        method: 'POST',
        signedUrl: signedUrl(REQUEST),
        consumerKey: client.clientId,
        consumerSecret: client.clientSecret,
        extra: { oauth_callback: callback },
      }),
    },
  })
  assert.equal(rt.status, 200)
  const request = formOf(await rt.text())
  assert.equal(request.get('oauth_callback_confirmed'), 'true')
  const authorize = new URL('https://trello.com/1/OAuthAuthorizeToken')
  authorize.search = new URLSearchParams({
    oauth_token: request.get('oauth_token')!,
    name: 'CRM Sync',
    scope: 'read,write',
    expiration,
  }).toString()
  const back = await authorizeInBrowser(sim, authorize)
  assert.equal(back.origin + back.pathname, callback)
  assert.equal(back.searchParams.get('oauth_token'), request.get('oauth_token'))
  const verifier = back.searchParams.get('oauth_verifier')!
  const at = await fetch(viaSimulator(sim, ACCESS), {
    method: 'POST',
    headers: {
      authorization: await oauth1Header({
        method: 'POST',
        signedUrl: signedUrl(ACCESS),
        consumerKey: client.clientId,
        consumerSecret: client.clientSecret,
        token: request.get('oauth_token')!,
        tokenSecret: request.get('oauth_token_secret')!,
        extra: { oauth_verifier: verifier },
      }),
    },
  })
  assert.equal(at.status, 200)
  const access = formOf(await at.text())
  return { token: access.get('oauth_token')!, secret: access.get('oauth_token_secret')! }
}

Deno.test('trello: OAuth 1.0a connect, signed API calls, key+token calls and revoke', async () => {
  await withSimulator(async (sim) => {
    const client = registerClient(sim, 'trello')
    const t = await connectTrello(sim, client)
    const me = 'https://api.trello.com/1/members/me'
    const signedCall = async (url: string, tokenSecret = t.secret) =>
      await fetch(viaSimulator(sim, url), {
        headers: {
          authorization: await oauth1Header({
            method: 'GET',
            signedUrl: url,
            consumerKey: client.clientId,
            consumerSecret: client.clientSecret,
            token: t.token,
            tokenSecret,
          }),
        },
      })
    const ok = await signedCall(me)
    assert.equal(ok.status, 200)
    assert.equal((await ok.json()).username, 'acmedev')
    const query = await signedCall(`${me}?fields=username`)
    assert.equal(query.status, 200, 'query parameters are part of the signature')
    await query.body?.cancel()
    const forged = await signedCall(me, 'not-the-secret')
    assert.equal(forged.status, 401)
    assert.equal(await forged.text(), 'invalid token')
    const keyToken = await fetch(viaSimulator(sim, `${me}?key=${client.clientId}&token=${t.token}`))
    assert.equal(keyToken.status, 200)
    await keyToken.body?.cancel()

    const revoked = await fetch(viaSimulator(sim, `https://api.trello.com/1/tokens/${t.token}`), {
      method: 'DELETE',
    })
    assert.equal(revoked.status, 200)
    await revoked.body?.cancel()
    const after = await signedCall(me)
    assert.equal(after.status, 401)
    await after.body?.cancel()
    const log = JSON.stringify(sim.control.requests({ provider: 'trello' }))
    assert.ok(!log.includes(t.token) && !log.includes(t.secret), 'tokens are redacted')
  })
})

Deno.test('trello: a signature over the simulator URL is accepted too', async () => {
  await withSimulator(async (sim) => {
    const client = registerClient(sim, 'trello')
    const t = await connectTrello(sim, client, 'simulator')
    assert.ok(t.token && t.secret)
  })
})

Deno.test('trello: refuses a bad consumer secret, a replayed nonce and a wrong verifier', async () => {
  await withSimulator(async (sim) => {
    const client = registerClient(sim, 'trello')
    const header = await oauth1Header({
      method: 'POST',
      signedUrl: REQUEST,
      consumerKey: client.clientId,
      consumerSecret: 'wrong',
      extra: { oauth_callback: simulatorCallback('trello') },
    })
    const bad = await fetch(viaSimulator(sim, REQUEST), {
      method: 'POST',
      headers: { authorization: header },
    })
    assert.equal(bad.status, 401)
    assert.equal(await bad.text(), 'invalid signature')

    const good = await oauth1Header({
      method: 'POST',
      signedUrl: REQUEST,
      consumerKey: client.clientId,
      consumerSecret: client.clientSecret,
      extra: { oauth_callback: simulatorCallback('trello') },
    })
    const first = await fetch(viaSimulator(sim, REQUEST), {
      method: 'POST',
      headers: { authorization: good },
    })
    assert.equal(first.status, 200)
    const request = new URLSearchParams(await first.text())
    const replay = await fetch(viaSimulator(sim, REQUEST), {
      method: 'POST',
      headers: { authorization: good },
    })
    assert.equal(replay.status, 401)
    assert.equal(await replay.text(), 'nonce already used')

    const authorize = `https://trello.com/1/OAuthAuthorizeToken?oauth_token=${
      request.get('oauth_token')
    }&scope=read`
    await authorizeInBrowser(sim, authorize)
    const wrongVerifier = await fetch(viaSimulator(sim, ACCESS), {
      method: 'POST',
      headers: {
        authorization: await oauth1Header({
          method: 'POST',
          signedUrl: ACCESS,
          consumerKey: client.clientId,
          consumerSecret: client.clientSecret,
          token: request.get('oauth_token')!,
          tokenSecret: request.get('oauth_token_secret')!,
          extra: { oauth_verifier: 'guess' },
        }),
      },
    })
    assert.equal(wrongVerifier.status, 401)
    assert.equal(await wrongVerifier.text(), 'invalid verifier')
  })
})

Deno.test('trello: tokens expire as `expiration` asked; never means never', async () => {
  await withSimulator(async (sim) => {
    const client = registerClient(sim, 'trello')
    const daily = await connectTrello(sim, client, 'real', '1day')
    const forever = await connectTrello(sim, client, 'real', 'never')
    sim.control.advanceClock(2 * 86400_000)
    const status = async (token: string) => {
      const res = await fetch(
        viaSimulator(
          sim,
          `https://api.trello.com/1/members/me?key=${client.clientId}&token=${token}`,
        ),
      )
      await res.body?.cancel()
      return res.status
    }
    assert.equal(await status(daily.token), 401)
    assert.equal(await status(forever.token), 200)
  })
})
