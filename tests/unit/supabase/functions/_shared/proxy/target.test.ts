import assert from 'node:assert/strict'
import {
  checkProxyPath,
  PathNotAllowedError,
  proxyTargetUrl,
  rawPathAfter,
} from '../../../../../../supabase/functions/_shared/proxy/target.ts'

const base = 'https://acme.zendesk.com/api/v2'

function refused(path: string, why: RegExp) {
  assert.throws(() => checkProxyPath(path), (error: unknown) => {
    assert.ok(error instanceof PathNotAllowedError, `${path}: ${error}`)
    assert.equal(error.status, 400)
    assert.equal(error.code, 'path_not_allowed')
    assert.match(error.message, why, path)
    assert.ok(!/oauth|evil|users/.test(error.message), 'never echoes the path')
    return true
  })
}

Deno.test('proxy path: dot segments are refused raw, percent-encoded, mixed-case and double-encoded', () => {
  for (
    const path of [
      '/..',
      '/../oauth/tokens',
      '/users/../../oauth',
      '/users/./me',
      '/%2e%2e/oauth',
      '/%2E%2E/oauth',
      '/.%2e/oauth',
      '/%2e./oauth',
      '/users/..%2foauth',
      '/users/..%2Foauth',
      '/users/%2e%2e%2foauth',
      '/users/%252e%252e/oauth',
      '/users/%25252e%25252e%25252f',
      '/users/x%2f..%2f..%2foauth',
      '/users/..;/oauth',
      '/users/..;jsessionid=x/oauth',
      '/users/%2e%2e%3b/oauth',
      '/users/\uff0e\uff0e/oauth',
      '/users/%EF%BC%8E%EF%BC%8E/oauth',
    ]
  ) refused(path, /dot segments/)
})

Deno.test('proxy path: //host, absolute URLs, backslashes and control characters are refused', () => {
  refused('//evil.example/x', /empty segments/)
  refused('/users//evil.example', /empty segments/)
  refused('/https://evil.example/x', /empty segments|absolute URL/)
  refused('/https:evil.example', /absolute URL/)
  refused('/HTTP:%2F%2Fevil.example', /absolute URL/)
  refused('/ftp:x', /absolute URL/)
  refused('/gopher%3A%2F%2Fevil.example', /absolute URL/)
  refused('/users\\..\\oauth', /backslashes/)
  refused('/users%5c..%5coauth', /backslashes/)
  refused('/users%255c', /backslashes/)
  refused('/users/a\u0000b', /control characters/)
  refused('/users/a%00b', /control characters/)
  refused('/users/a%0d%0aX-Injected:%201', /control characters/)
  refused('/users/a%7f', /control characters/)
  refused('users', /must start with/)
  refused(`/${'a'.repeat(2048)}`, /longer than/)
})

Deno.test('proxy path: ordinary API paths pass, encoded slashes and colons kept inside a segment', () => {
  for (
    const path of [
      '',
      '/',
      '/users/me',
      '/users/',
      '/projects/group%2Fproject/issues',
      '/v1/people:searchContacts',
      '/files/a%20b.txt',
      '/items/caf%C3%A9',
      '/a..b/c.d/...x',
      '/matrix;v=1/x',
      '/tickets.json',
      '/malformed%zz',
    ]
  ) checkProxyPath(path)
})

Deno.test('proxy target: the path and query go under the base as the caller encoded them', () => {
  assert.equal(
    proxyTargetUrl(base, '/tickets.json', '?page[size]=2&q=a%20b').href,
    'https://acme.zendesk.com/api/v2/tickets.json?page[size]=2&q=a%20b',
  )
  assert.equal(
    proxyTargetUrl('https://gitlab.com/api/v4', '/projects/group%2Fproject', '').href,
    'https://gitlab.com/api/v4/projects/group%2Fproject',
  )
  assert.equal(proxyTargetUrl(base, '', '').href, 'https://acme.zendesk.com/api/v2/')
  assert.equal(
    proxyTargetUrl('http://127.0.0.1:54331/api.github.com', '/user', '').href,
    'http://127.0.0.1:54331/api.github.com/user',
  )
})

Deno.test('proxy target: a path that would resolve outside the base is refused even if the checks were skipped', () => {
  assert.throws(() => proxyTargetUrl(base, '/../../oauth/tokens', ''), PathNotAllowedError)
  assert.throws(() => proxyTargetUrl(base, '/%2e%2e/x', ''), PathNotAllowedError)
})

Deno.test('rawPathAfter: keeps dot segments and encodings as they arrived, splits the query', () => {
  const id = '0f6b3a2e-1111-4222-8333-444455556666'
  assert.deepEqual(rawPathAfter(`http://h:1/proxy/${id}/a/../b?x=1&y=%2F`, `/proxy/${id}`), {
    path: '/a/../b',
    query: '?x=1&y=%2F',
  })
  assert.deepEqual(rawPathAfter(`http://h/proxy/${id}/a/%2e%2e/b`, `/proxy/${id}`), {
    path: '/a/%2e%2e/b',
    query: '',
  })
  assert.deepEqual(rawPathAfter(`http://h/proxy/${id}`, `/proxy/${id}`), { path: '', query: '' })
  assert.throws(() => rawPathAfter(`http://h/proxy/other/x`, `/proxy/${id}`), PathNotAllowedError)
})
