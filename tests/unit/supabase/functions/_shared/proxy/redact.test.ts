import assert from 'node:assert/strict'
import { redactingStream } from '../../../../../../supabase/functions/_shared/proxy/redact.ts'

async function through(chunks: string[], secrets: string[]): Promise<string> {
  const source = ReadableStream.from(chunks.map((chunk) => new TextEncoder().encode(chunk)))
  return await new Response(source.pipeThrough(redactingStream(secrets))).text()
}

Deno.test('redaction: every occurrence of a credential is replaced, in one chunk or split across many', async () => {
  const secret = 'tok_live_ABCDEFGH12345'
  const body = `{"echo":"Bearer ${secret}","again":"${secret}","n":1}`
  const expected = '{"echo":"Bearer [redacted]","again":"[redacted]","n":1}'
  assert.equal(await through([body], [secret]), expected)
  // Every split point, including inside the secret.
  for (let cut = 1; cut < body.length; cut++) {
    assert.equal(await through([body.slice(0, cut), body.slice(cut)], [secret]), expected, `${cut}`)
  }
  assert.equal(await through([...body], [secret]), expected, 'one byte per chunk')
})

Deno.test('redaction: overlapping and several secrets, short values ignored, other bytes untouched', async () => {
  assert.equal(
    await through(['aaaaSECRET-ONE-LONGbbSECRET-TWO-XX'], [
      'SECRET-ONE',
      'SECRET-ONE-LONG',
      'SECRET-TWO-XX',
    ]),
    'aaaa[redacted]bb[redacted]',
  )
  assert.equal(await through(['x is x'], ['x']), 'x is x', 'a one-letter value is no secret')
  assert.equal(await through(['no secrets here'], []), 'no secrets here')
  const binary = new Uint8Array([0, 255, 128, 10, 200])
  const out = new Uint8Array(
    await new Response(ReadableStream.from([binary]).pipeThrough(redactingStream(['abcdefghij'])))
      .arrayBuffer(),
  )
  assert.deepEqual([...out], [...binary])
})
