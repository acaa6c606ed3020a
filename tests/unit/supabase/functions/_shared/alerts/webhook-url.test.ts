import assert from 'node:assert/strict'
import { webhookUrlProblem } from '../../../../../../supabase/functions/_shared/alerts/webhook-url.ts'

Deno.test('webhook url: a public https URL is accepted, with a port, path and query', () => {
  for (
    const url of [
      'https://hooks.example.com/alerts',
      'https://hooks.example.com:8443/a/b?team=1',
      'https://203.0.113.7/hook',
      'https://[2001:db8::1]/hook',
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
