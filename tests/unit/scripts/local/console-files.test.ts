import assert from 'node:assert/strict'
import { join } from 'node:path'
import { consoleFile, serveConsole } from '../../../../scripts/local/console-files.ts'
import { repoRoot } from '../../../helpers/gateway.ts'

Deno.test('console files: the page, its modules, the typed client, openapi-fetch and the document', () => {
  assert.equal(consoleFile('/r', '/console/'), join('/r', 'console', 'index.html'))
  assert.equal(consoleFile('/r', '/console/app.js'), join('/r', 'console', 'app.js'))
  assert.equal(
    consoleFile('/r', '/console/client/crm-sync-client.js'),
    join('/r', 'client', 'crm-sync-client.js'),
  )
  assert.equal(
    consoleFile('/r', '/console/vendor/openapi-fetch.mjs'),
    join('/r', 'node_modules', 'openapi-fetch', 'dist', 'index.mjs'),
  )
  assert.equal(consoleFile('/r', '/console/openapi.json'), join('/r', 'openapi.json'))
})

Deno.test('console files: nothing outside those, no dot-dot, no hidden files, no other types', () => {
  for (
    const path of [
      '/console/../deno.json',
      '/console/client/../../.env',
      '/console/.env',
      '/console/client/api.d.ts',
      '/console/vendor/other.mjs',
      '/console/sub/app.js',
      '/console/app.ts',
    ]
  ) {
    assert.equal(consoleFile('/r', path), undefined, path)
  }
})

Deno.test('console page: served with a CSP that allows only itself and its import map', async () => {
  const url = new URL('http://127.0.0.1/console/')
  const response = await serveConsole(repoRoot, new Request(url), url)
  assert.ok(response)
  assert.equal(response.status, 200)
  const csp = response.headers.get('content-security-policy') ?? ''
  assert.match(csp, /script-src 'self' 'sha256-[A-Za-z0-9+/=]{44}'/)
  assert.match(csp, /connect-src 'self'/)
  const html = await response.text()
  const importMap = html.match(/<script type="importmap">([\s\S]*?)<\/script>/)![1]
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(importMap))
  assert.ok(csp.includes(btoa(String.fromCharCode(...new Uint8Array(digest)))), 'its own hash')
  assert.equal(await serveConsole(repoRoot, new Request(url, { method: 'POST' }), url), undefined)
})
