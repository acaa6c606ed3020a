import assert from 'node:assert/strict'
import { ProviderError } from '../../../../../../../supabase/functions/_shared/http/errors.ts'
import { readSalesforceTokenResponse } from '../../../../../../../supabase/functions/_shared/providers/salesforce/token-response.ts'

const id = 'https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001Sv6AAAS'
const issuedAt = '1699999999999'

async function sign(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message)),
  )
  return btoa(String.fromCharCode(...mac))
}

const base = {
  access_token: '00Dxx0000001gPL!AR8AQ',
  refresh_token: '5Aep861new',
  instance_url: 'https://acme.my.salesforce.com/',
  id,
  issued_at: issuedAt,
  scope: 'refresh_token api',
  token_type: 'Bearer',
}
const context = { loginBaseUrl: 'https://login.salesforce.com' }

Deno.test('token response: tokens, instance_url, org and user ids, granted scopes', async () => {
  const grant = await readSalesforceTokenResponse(base, context)
  assert.deepEqual(grant, {
    tokens: {
      access_token: '00Dxx0000001gPL!AR8AQ',
      refresh_token: '5Aep861new',
      instance_url: 'https://acme.my.salesforce.com',
      issued_at: 1699999999999,
      scope: 'refresh_token api',
    },
    externalOrgId: '00Dxx0000001gPLEAY',
    externalUserId: '005xx000001Sv6AAAS',
    scopes: ['refresh_token', 'api'],
    rotated: false,
  })
})

Deno.test('token response: a refresh without refresh_token keeps the old one; with one, rotates', async () => {
  const previous = { access_token: 'old', refresh_token: '5Aep861old', instance_url: 'https://x' }
  const { refresh_token: _, ...withoutRefresh } = base
  const kept = await readSalesforceTokenResponse(withoutRefresh, { ...context, previous })
  assert.equal(kept.tokens.refresh_token, '5Aep861old')
  assert.equal(kept.rotated, false)
  const rotated = await readSalesforceTokenResponse(base, { ...context, previous })
  assert.equal(rotated.tokens.refresh_token, '5Aep861new')
  assert.equal(rotated.rotated, true)
})

Deno.test('token response: the signature is checked when the secret is known', async () => {
  const signature = await sign('secret', id + issuedAt)
  await readSalesforceTokenResponse({ ...base, signature }, { ...context, clientSecret: 'secret' })
  await assert.rejects(
    () =>
      readSalesforceTokenResponse({ ...base, signature }, { ...context, clientSecret: 'other' }),
    (error: unknown) => error instanceof ProviderError && error.code === 'token_response_invalid',
  )
})

Deno.test('token response: refuses an instance_url we would not send a token to', async () => {
  const bad = [
    { instance_url: 'http://acme.my.salesforce.com' },
    { instance_url: 'https://user:pass@acme.my.salesforce.com' },
    { instance_url: 'javascript:alert(1)' },
    { id: 'https://login.salesforce.com/not-an-identity' },
    { issued_at: 'yesterday' },
    { instance_url: undefined },
  ]
  for (const change of bad) {
    await assert.rejects(
      () => readSalesforceTokenResponse({ ...base, ...change }, context),
      ProviderError,
      JSON.stringify(change),
    )
  }
  // A local simulator on http may serve the instance itself, on its own host only.
  const local = { loginBaseUrl: 'http://127.0.0.1:5000' }
  const ok = await readSalesforceTokenResponse(
    { ...base, instance_url: 'http://127.0.0.1:5000/instance/acme' },
    local,
  )
  assert.equal(ok.tokens.instance_url, 'http://127.0.0.1:5000/instance/acme')
  await assert.rejects(
    () => readSalesforceTokenResponse({ ...base, instance_url: 'http://evil.test/x' }, local),
    ProviderError,
  )
})
