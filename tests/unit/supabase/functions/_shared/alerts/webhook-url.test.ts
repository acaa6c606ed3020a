import assert from 'node:assert/strict'
import { webhookUrlProblem } from '../../../../../../supabase/functions/_shared/alerts/webhook-url.ts'

Deno.test('webhook url: a public https URL is accepted, with a port, path and query', () => {
  for (
    const url of [
      'https://hooks.example.com/alerts',
      'https://hooks.example.com:8443/a/b?team=1',
      'https://203.0.113.7/hook',
      'https://[2001:db8::1]/hook',
      'https://[2606:4700:4700::1111]/hook',
      // Embeddings of public IPv4 addresses are as public as the address itself.
      'https://[64:ff9b::8.8.8.8]/hook',
      'https://[2002:808:808::1]/hook',
      'https://[::808:808]/hook',
    ]
  ) {
    assert.equal(webhookUrlProblem(url, false), undefined, url)
  }
})

Deno.test('webhook url: http, other schemes and junk are refused', () => {
  assert.equal(webhookUrlProblem('http://hooks.example.com/alerts', false), 'must use https')
  assert.equal(webhookUrlProblem('ftp://hooks.example.com/alerts', false), 'must use https')
  assert.equal(webhookUrlProblem('hooks.example.com/alerts', false), 'must be an absolute URL')
  assert.equal(webhookUrlProblem('', false), 'must be an absolute URL')
})

Deno.test('webhook url: credentials and fragments are refused', () => {
  assert.equal(
    webhookUrlProblem('https://u:p@hooks.example.com/', false),
    'must not contain credentials',
  )
  assert.equal(
    webhookUrlProblem('https://hooks.example.com/#x', false),
    'must not contain a fragment',
  )
})

Deno.test('webhook url: internal addresses are refused (no SSRF through alerts)', () => {
  for (
    const url of [
      'https://localhost/hook',
      'https://api.localhost/hook',
      'https://127.0.0.1/hook',
      'https://2130706433/hook',
      'https://10.1.2.3/hook',
      'https://172.20.0.1/hook',
      'https://192.168.1.1/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/hook',
      'https://0.0.0.0/hook',
      'https://[::1]/hook',
      'https://[fd00::1]/hook',
      'https://[fe80::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://intranet/hook',
    ]
  ) {
    assert.equal(webhookUrlProblem(url, false), 'must point to a public host', url)
  }
})

Deno.test('webhook url: with insecure URLs allowed, loopback http is accepted and nothing else', () => {
  assert.equal(webhookUrlProblem('http://127.0.0.1:54999/hook', true), undefined)
  assert.equal(webhookUrlProblem('http://localhost:8080/hook', true), undefined)
  assert.equal(webhookUrlProblem('http://[::1]:8080/hook', true), undefined)
  assert.equal(webhookUrlProblem('http://127.0.0.1:54999/hook', false), 'must use https')
  assert.equal(webhookUrlProblem('http://hooks.example.com/hook', true), 'must use https')
  assert.equal(webhookUrlProblem('http://10.0.0.1/hook', true), 'must use https')
})

Deno.test('webhook url: IPv6 forms that embed a non-public IPv4 address are refused (issue 14)', () => {
  for (
    const host of [
      // The examples: link-local 169.254.169.254 (cloud metadata) in three disguises.
      '[::a9fe:a9fe]',
      '[64:ff9b::a9fe:a9fe]',
      '[2002:a9fe:a9fe::1]',
      // IPv4-mapped, dotted and hex, of any address (the URL parser turns dotted into hex).
      '[::ffff:169.254.169.254]',
      '[::ffff:a9fe:a9fe]',
      '[::ffff:8.8.8.8]',
      '[0:0:0:0:0:ffff:7f00:1]',
      // IPv4-compatible and IPv4-translated.
      '[::127.0.0.1]',
      '[::10.0.0.1]',
      '[::ffff:0:a00:1]',
      // NAT64, well-known and local-use prefixes.
      '[64:ff9b::127.0.0.1]',
      '[64:ff9b::c0a8:101]',
      '[64:ff9b:1::a9fe:a9fe]',
      '[64:ff9b:1:ffff::1]',
      // 6to4 of private and loopback addresses.
      '[2002:c0a8:101::1]',
      '[2002:7f00:1::]',
      '[2002:a00:1:1::1]',
      // Teredo: the embedded client address is the sender's to pick.
      '[2001:0:4136:e378:8000:63bf:3fff:fdd2]',
      // The non-public IPv6 ranges themselves.
      '[::]',
      '[::1]',
      '[fc00::1]',
      '[fdff:ffff::1]',
      '[fe80::1]',
      '[febf::1]',
      '[fec0::1]',
      '[ff02::1]',
      '[100::1]',
    ]
  ) {
    assert.equal(
      webhookUrlProblem(`https://${host}/hook`, false),
      'must point to a public host',
      host,
    )
  }
})

Deno.test('webhook url: other non-public IPv4 ranges are refused', () => {
  for (
    const host of ['192.0.0.8', '198.18.0.1', '198.19.255.255', '240.0.0.1', '255.255.255.255']
  ) {
    assert.equal(
      webhookUrlProblem(`https://${host}/hook`, false),
      'must point to a public host',
      host,
    )
  }
})
