import assert from 'node:assert/strict'
import {
  exchangeVerifier,
  oauth1Authorization,
  oauth1AuthorizationUrl,
  percentEncode,
  requestTemporaryToken,
  signatureBaseString,
} from '../../../../../../supabase/functions/_shared/connections/oauth1.ts'
import { hmacBase64 } from '../../../../../../supabase/functions/_shared/crypto.ts'
import { ProviderError } from '../../../../../../supabase/functions/_shared/http/errors.ts'
import { trelloSpec } from '../../../../../../supabase/functions/_shared/providers/trello/spec.ts'

/** The header's fields as a map, values decoded. */
function fields(header: string): Record<string, string> {
  assert.ok(header.startsWith('OAuth '))
  return Object.fromEntries(
    header.slice('OAuth '.length).split(', ').map((pair) => {
      const [, key, value] = /^([^=]+)="([^"]*)"$/.exec(pair)!
      return [key, decodeURIComponent(value)]
    }),
  )
}

Deno.test('oauth1: percent-encoding is RFC 5849 §3.6 (unreserved kept, the rest %XX uppercase)', () => {
  assert.equal(percentEncode("a-b._~ !*'()"), 'a-b._~%20%21%2A%27%28%29')
  assert.equal(percentEncode('=%3D'), '%3D%253D')
  assert.equal(percentEncode('é'), '%C3%A9')
})

Deno.test('oauth1: the signature base string of RFC 5849 §3.4.1.1, byte for byte', () => {
  const base = signatureBaseString(
    {
      method: 'POST',
      url: 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
      form: new URLSearchParams('c2&a3=2+q'),
    },
    {
      oauth_consumer_key: '9djdj82h48djs9d2',
      oauth_token: 'kkk9d7dh3k39sjv7',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '137131201',
      oauth_nonce: '7d8f3e4a',
    },
  )
  assert.equal(
    base,
    'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
  )
})

Deno.test('oauth1: HMAC-SHA1 signatures of the RFC 5849 §1.2 example (temporary and token credentials)', async () => {
  const initiate = fields(
    await oauth1Authorization(
      { consumerKey: 'dpf43f3p2l4k3l03', consumerSecret: 'kd94hf93k423kf44' },
      {
        method: 'POST',
        url: 'https://photos.example.net/initiate',
        extra: { oauth_callback: 'http://printer.example.com/ready' },
        nonce: 'wIjqoS',
        timestamp: '137131200',
        version: false,
      },
    ),
  )
  assert.equal(initiate.oauth_signature, '74KNZJeDHnMBp0EMJ9ZHt/XKycU=')
  assert.equal(initiate.oauth_callback, 'http://printer.example.com/ready')

  const photos = fields(
    await oauth1Authorization(
      {
        consumerKey: 'dpf43f3p2l4k3l03',
        consumerSecret: 'kd94hf93k423kf44',
        token: 'nnch734d00sl2jdk',
        tokenSecret: 'pfkkdhi9sl3r4s00',
      },
      {
        method: 'GET',
        url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
        nonce: 'chapoH',
        timestamp: '137131202',
        version: false,
      },
    ),
  )
  assert.equal(photos.oauth_signature, 'MdpQcU8iPSUjWoN/UDMsK2sui9I=')
  assert.equal(photos.oauth_token, 'nnch734d00sl2jdk')
  // The secrets key the MAC; they are never in the header.
  assert.ok(!Object.values(photos).includes('pfkkdhi9sl3r4s00'))
  assert.ok(!Object.values(photos).includes('kd94hf93k423kf44'))
})

Deno.test('oauth1: version 1.0 and a fresh nonce are sent by default', async () => {
  const credentials = { consumerKey: 'k', consumerSecret: 's', token: 't', tokenSecret: 'ts' }
  const request = { method: 'GET', url: 'https://api.trello.com/1/members/me' }
  const one = fields(await oauth1Authorization(credentials, request))
  const two = fields(await oauth1Authorization(credentials, request))
  assert.equal(one.oauth_version, '1.0')
  assert.equal(one.oauth_signature_method, 'HMAC-SHA1')
  assert.notEqual(one.oauth_nonce, two.oauth_nonce)
})

/** A token endpoint that records each request's Authorization header and answers `respond`. */
async function withTokenEndpoint(
  respond: () => Response,
  run: (url: string, headers: string[]) => Promise<void>,
): Promise<void> {
  const headers: string[] = []
  const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: () => {} }, async (req) => {
    await req.body?.cancel()
    headers.push(req.headers.get('authorization') ?? '')
    const response = respond()
    response.headers.set('connection', 'close')
    return response
  })
  try {
    await run(`http://127.0.0.1:${server.addr.port}/1/OAuthGetRequestToken`, headers)
  } finally {
    await server.shutdown()
  }
}

/** True when `header` is a valid HMAC-SHA1 signature of a POST to `url` under `key`. */
async function signedWith(header: string, url: string, key: string): Promise<boolean> {
  const { oauth_signature: signature, ...protocol } = fields(header)
  const base = signatureBaseString({ method: 'POST', url }, protocol)
  return signature === await hmacBase64('SHA-1', key, base)
}

const pair = () =>
  new Response('oauth_token=rt-1&oauth_token_secret=rs-1&oauth_callback_confirmed=true', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })

Deno.test('oauth1: the request token call is signed by the consumer alone and names our callback', async () => {
  await withTokenEndpoint(pair, async (url, headers) => {
    const callback = 'https://functions.example.test/callback/trello'
    const got = await requestTemporaryToken(
      url,
      { consumerKey: 'key', consumerSecret: 'con&secret' },
      callback,
    )
    assert.deepEqual(got, { token: 'rt-1', tokenSecret: 'rs-1' })
    const sent = fields(headers[0])
    assert.equal(sent.oauth_callback, callback)
    assert.equal(sent.oauth_consumer_key, 'key')
    assert.equal(sent.oauth_token, undefined)
    assert.ok(await signedWith(headers[0], url, 'con%26secret&'))
    assert.ok(!headers[0].includes('con&secret') && !headers[0].includes('con%26secret'))
  })
})

Deno.test('oauth1: the access token call carries the request token and verifier, keyed by its secret', async () => {
  await withTokenEndpoint(pair, async (url, headers) => {
    const credentials = {
      consumerKey: 'key',
      consumerSecret: 'cs',
      token: 'rt-1',
      tokenSecret: 'rs',
    }
    const got = await exchangeVerifier(url, credentials, 'verifier-1')
    assert.deepEqual(got, { token: 'rt-1', tokenSecret: 'rs-1' })
    const sent = fields(headers[0])
    assert.equal(sent.oauth_token, 'rt-1')
    assert.equal(sent.oauth_verifier, 'verifier-1')
    assert.ok(await signedWith(headers[0], url, 'cs&rs'))
    assert.ok(!(await signedWith(headers[0], url, 'cs&')), 'the token secret keys the signature')
  })
})

Deno.test('oauth1: a refused or incomplete token answer is a provider_error that does not echo it', async () => {
  const answers = [
    () => new Response('invalid signature oauth_token_secret=leak', { status: 401 }),
    () => new Response('oauth_token=only-a-token', { status: 200 }),
  ]
  for (const respond of answers) {
    await withTokenEndpoint(respond, async (url) => {
      const error = await exchangeVerifier(
        url,
        { consumerKey: 'k', consumerSecret: 'c', token: 't', tokenSecret: 's' },
        'v',
      ).then(() => undefined, (caught) => caught)
      assert.ok(error instanceof ProviderError, String(error))
      assert.equal(error.code, 'provider_error')
      assert.ok(!error.message.includes('leak') && !error.message.includes('only-a-token'))
    })
  }
})

Deno.test('oauth1: an unreachable token endpoint is provider_unreachable', async () => {
  const error = await requestTemporaryToken(
    'http://127.0.0.1:1/1/OAuthGetRequestToken',
    { consumerKey: 'k', consumerSecret: 'c' },
    'https://functions.example.test/callback/trello',
  ).then(() => undefined, (caught) => caught)
  assert.ok(error instanceof ProviderError)
  assert.equal(error.code, 'provider_unreachable')
})

Deno.test("oauth1: the authorize URL holds the request token, the spec's joined scope and its params", () => {
  const url = new URL(
    oauth1AuthorizationUrl(trelloSpec, 'https://trello.com/1/OAuthAuthorizeToken', 'rt-1'),
  )
  assert.equal(url.origin + url.pathname, 'https://trello.com/1/OAuthAuthorizeToken')
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    oauth_token: 'rt-1',
    scope: 'read,write',
    expiration: 'never',
    name: 'CRM Sync',
  })
})
