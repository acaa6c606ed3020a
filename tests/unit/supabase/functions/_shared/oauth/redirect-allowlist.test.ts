import assert from 'node:assert/strict'
import {
  isAllowedRedirect,
  withParams,
} from '../../../../../../supabase/functions/_shared/oauth/redirect-allowlist.ts'

const allowlist = [
  'https://app.example.com',
  'https://admin.example.com/settings',
  'http://127.0.0.1:3000/',
]

Deno.test('redirect allowlist: an origin entry allows the whole origin', () => {
  for (
    const target of [
      'https://app.example.com',
      'https://app.example.com/',
      'https://app.example.com/a/b?c=d#e',
      'https://APP.example.com/x',
      'https://app.example.com:443/x',
      'http://127.0.0.1:3000/done',
    ]
  ) {
    assert.equal(isAllowedRedirect(target, allowlist), true, target)
  }
})

Deno.test('redirect allowlist: a path entry allows that path and below, at a / boundary', () => {
  assert.equal(isAllowedRedirect('https://admin.example.com/settings', allowlist), true)
  assert.equal(isAllowedRedirect('https://admin.example.com/settings/crm?x=1', allowlist), true)
  for (
    const target of [
      'https://admin.example.com/settings-evil',
      'https://admin.example.com/',
      'https://admin.example.com/settings/../admin',
      'https://admin.example.com/settings/%2e%2e/admin',
    ]
  ) {
    assert.equal(isAllowedRedirect(target, allowlist), false, target)
  }
})

Deno.test('redirect allowlist: look-alikes, relative and odd URLs are refused', () => {
  const refused = [
    'https://app.example.com.evil.com',
    'https://app.example.com.evil.com/x',
    'https://evil.com/https://app.example.com',
    'https://evil.com?https://app.example.com',
    '//app.example.com',
    '//evil.com',
    '/relative',
    'app.example.com',
    'http://app.example.com',
    'https://app.example.com:8443/',
    'https://user:pass@app.example.com/',
    'https://app.example.com@evil.com/',
    'https://app.example.com\\@evil.com/',
    'https:\\\\evil.com',
    ' https://app.example.com',
    'https://app.example.com/\tx',
    'javascript:alert(1)',
    'data:text/html,hi',
    `https://app.example.com/${'a'.repeat(2000)}`,
    '',
  ]
  for (const target of refused) assert.equal(isAllowedRedirect(target, allowlist), false, target)
})

Deno.test('withParams: adds parameters and keeps the ones already there', () => {
  assert.equal(
    withParams('https://app.example.com/done?tab=crm#top', {
      status: 'connected',
      integration_id: 'i',
    }),
    'https://app.example.com/done?tab=crm&status=connected&integration_id=i#top',
  )
  assert.equal(
    withParams('https://app.example.com/done', { message: 'a b&c' }),
    'https://app.example.com/done?message=a+b%26c',
  )
})
