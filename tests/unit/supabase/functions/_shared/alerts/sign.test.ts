import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import {
  SIGNATURE_HEADER,
  signatureHeader,
  verifySignature,
} from '../../../../../../supabase/functions/_shared/alerts/sign.ts'

const secret = 'whsec_test-secret-of-enough-length-0123456789'
const body = '{"id":"evt_1","type":"reauth_required","summary":"caf\u00e9 \u2713"}'
const t = 1_790_000_000

Deno.test('sign: the header is t=<unix seconds>,v1=<64 hex digits>', async () => {
  assert.equal(SIGNATURE_HEADER, 'X-Signature')
  assert.match(await signatureHeader(secret, body, t), /^t=1790000000,v1=[0-9a-f]{64}$/)
  assert.match(await signatureHeader(secret, body), /^t=[0-9]{10},v1=[0-9a-f]{64}$/)
})

Deno.test('sign: v1 is HMAC-SHA256(secret, "<t>.<body>") over UTF-8, as any HMAC library computes it', async () => {
  const expected = createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex')
  assert.equal(await signatureHeader(secret, body, t), `t=${t},v1=${expected}`)
})

Deno.test('sign: a fresh signature verifies with the same secret', async () => {
  assert.equal(await verifySignature(await signatureHeader(secret, body), body, secret, 300), true)
  const header = await signatureHeader(secret, body, t)
  assert.equal(await verifySignature(header, body, secret, 300, t), true)
})

Deno.test('sign: a tampered body, another secret or a changed t does not verify', async () => {
  const header = await signatureHeader(secret, body, t)
  assert.equal(await verifySignature(header, body.replace('evt_1', 'evt_2'), secret, 300, t), false)
  assert.equal(await verifySignature(header, `${body} `, secret, 300, t), false)
  assert.equal(await verifySignature(header, body, `${secret}x`, 300, t), false)
  const shifted = header.replace(`t=${t}`, `t=${t + 1}`)
  assert.equal(await verifySignature(shifted, body, secret, 300, t), false)
})

Deno.test('sign: a signature outside the tolerance is refused, on either side of now', async () => {
  const header = await signatureHeader(secret, body, t)
  assert.equal(await verifySignature(header, body, secret, 300, t + 300), true)
  assert.equal(await verifySignature(header, body, secret, 300, t - 300), true)
  assert.equal(await verifySignature(header, body, secret, 300, t + 301), false, 'replayed late')
  assert.equal(await verifySignature(header, body, secret, 300, t - 301), false, 'from the future')
  assert.equal(await verifySignature(header, body, secret, 0, t), true)
})

Deno.test('sign: any one of several v1 entries may match (secret rotation), in any order', async () => {
  const good = (await signatureHeader(secret, body, t)).split(',v1=')[1]
  const other = (await signatureHeader('another-secret', body, t)).split(',v1=')[1]
  assert.equal(await verifySignature(`v1=${other}, t=${t}, v1=${good}`, body, secret, 300, t), true)
  assert.equal(await verifySignature(`t=${t},v1=${other}`, body, secret, 300, t), false)
})

Deno.test('sign: malformed headers are refused, never thrown on', async () => {
  const good = (await signatureHeader(secret, body, t)).split(',v1=')[1]
  for (
    const header of [
      '',
      'garbage',
      `v1=${good}`,
      `t=${t}`,
      `t=,v1=${good}`,
      `t=abc,v1=${good}`,
      `t=-${t},v1=${good}`,
      `t=${t},v1=${good.slice(2)}`,
      `t=${t},v1=${good}zz`,
      `t=${t},v0=${good}`,
    ]
  ) {
    assert.equal(await verifySignature(header, body, secret, 300, t), false, header)
  }
})
