import assert from 'node:assert/strict'
import {
  callbackErrorFromProvider,
  callbackErrorMessages,
} from '../../../../../../supabase/functions/_shared/connect/callback-errors.ts'

Deno.test('callback errors: the provider error= values map onto our codes', () => {
  assert.equal(callbackErrorFromProvider('access_denied'), 'access_denied')
  assert.equal(callbackErrorFromProvider('OAUTH_APP_ACCESS_DENIED'), 'access_denied')
  assert.equal(callbackErrorFromProvider('redirect_uri_mismatch'), 'redirect_uri_mismatch')
  assert.equal(callbackErrorFromProvider('invalid_client_id'), 'invalid_client_id')
  for (const other of ['immediate_unsuccessful', 'invalid_request', 'server_error', '<script>']) {
    assert.equal(callbackErrorFromProvider(other), 'token_exchange_failed', other)
  }
})

Deno.test('callback errors: every code has a human message of our own', () => {
  for (const [code, message] of Object.entries(callbackErrorMessages)) {
    assert.ok(message.length > 20 && message.endsWith('.'), code)
  }
})
