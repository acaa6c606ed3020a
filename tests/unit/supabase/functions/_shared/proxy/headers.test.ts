import assert from 'node:assert/strict'
import {
  forwardedRequestHeaders,
  returnedResponseHeaders,
} from '../../../../../../supabase/functions/_shared/proxy/headers.ts'

Deno.test("proxy request headers: hop-by-hop, the caller's credentials and secret-named headers stay behind", () => {
  const incoming = new Headers({
    'authorization': 'Bearer caller-jwt',
    'cookie': 'sb-access-token=x',
    'apikey': 'anon-key',
    'x-client-info': 'supabase-js/2',
    'connection': 'keep-alive, X-Hop',
    'x-hop': 'listed in Connection',
    'keep-alive': 'timeout=5',
    'te': 'trailers',
    'trailer': 'x-checksum',
    'upgrade': 'websocket',
    'proxy-authorization': 'Basic x',
    'proxy-connection': 'keep-alive',
    'x-sync-cron-secret': 'ours',
    'x-api-key': 'caller key',
    'x-auth-token': 'caller token',
    'sb-jwt': 'x',
    'x-supabase-api-version': '1',
    'x-forwarded-for': '10.0.0.1',
    'host': 'project.supabase.co',
    'accept-encoding': 'gzip',
    'content-length': '12',
    // What passes: content negotiation, conditional requests, provider-specific headers.
    'accept': 'application/json',
    'content-type': 'application/json',
    'if-none-match': '"abc"',
    'notion-version': '2022-06-28',
    'dropbox-api-arg': '{"path":"/a"}',
    'x-github-api-version': '2022-11-28',
  })
  assert.deepEqual([...forwardedRequestHeaders(incoming).keys()].sort(), [
    'accept',
    'content-type',
    'dropbox-api-arg',
    'if-none-match',
    'notion-version',
    'x-github-api-version',
  ])
})

Deno.test('proxy response headers: cookies, hop-by-hop, decoded encodings and echoes of our credentials never return', () => {
  const upstream = new Headers([
    ['set-cookie', 'session=provider; HttpOnly'],
    ['set-cookie', 'other=1'],
    ['connection', 'close, x-hop'],
    ['x-hop', 'listed'],
    ['transfer-encoding', 'chunked'],
    ['content-encoding', 'gzip'],
    ['content-length', '99'],
    ['access-control-allow-origin', '*'],
    ['proxy-authenticate', 'Basic'],
    ['x-echo-authorization', 'Bearer access-token-123456'],
    ['location', 'https://api.example/next?token=access-token-123456'],
    ['content-type', 'application/json'],
    ['retry-after', '3'],
    ['x-ratelimit-remaining', '0'],
    ['etag', '"v1"'],
  ])
  const out = returnedResponseHeaders(upstream, ['access-token-123456'])
  assert.deepEqual([...out.keys()].sort(), [
    'content-type',
    'etag',
    'retry-after',
    'x-ratelimit-remaining',
  ])
})
