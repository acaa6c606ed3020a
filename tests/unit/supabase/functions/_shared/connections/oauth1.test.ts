import assert from 'node:assert/strict'
import {
  oauth1Authorization,
  percentEncode,
  signatureBaseString,
} from '../../../../../../supabase/functions/_shared/connections/oauth1.ts'

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
