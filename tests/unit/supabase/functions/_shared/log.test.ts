import assert from 'node:assert/strict'
import {
  createLogger,
  redact,
  redactString,
} from '../../../../../supabase/functions/_shared/log.ts'
import { setEnv } from '../../../../helpers/env.ts'
import { captureLogs } from '../../../../helpers/logs.ts'

const jwt =
  'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwicm9sZSI6ImF1dGhlbnRpY2F0ZWQifQ.c2lnbmF0dXJlLXBhcnQ'
const sfToken = '00D5g000004ABCD!AQ0AQFakeAccessTokenValue.xyz'

Deno.test('redact: sensitive keys are masked at any depth and in any case style', () => {
  const out = JSON.parse(JSON.stringify(redact({
    headers: { Authorization: 'Bearer abc', cookie: 'sb=1', 'x-client-info': 'js' },
    body: {
      code: 'auth-code-123',
      code_verifier: 'verifier-456',
      state: 'state-789',
      nested: [{ access_token: 'at', refreshToken: 'rt', client_secret: 'cs' }],
    },
    password: 'hunter2',
    apikey: 'sb_publishable_x',
    salesforce_refresh_token: 'rt2',
    business_id: 'b1',
    status: 401,
  })))
  assert.equal(out.headers.Authorization, '[REDACTED]')
  assert.equal(out.headers.cookie, '[REDACTED]')
  assert.equal(out.headers['x-client-info'], 'js')
  assert.equal(out.body.code, '[REDACTED]')
  assert.equal(out.body.code_verifier, '[REDACTED]')
  assert.equal(out.body.state, '[REDACTED]')
  assert.deepEqual(out.body.nested, [{
    access_token: '[REDACTED]',
    refreshToken: '[REDACTED]',
    client_secret: '[REDACTED]',
  }])
  assert.equal(out.password, '[REDACTED]')
  assert.equal(out.apikey, '[REDACTED]')
  assert.equal(out.salesforce_refresh_token, '[REDACTED]')
  assert.equal(out.business_id, 'b1')
  assert.equal(out.status, 401)
})

Deno.test('redact: credential-looking values are masked under innocent keys', () => {
  const text = redactString(
    `jwt ${jwt} header Bearer opaque.token-1 sf ${sfToken} key sb_secret_abc123 ` +
      'url https://app.test/cb?code=c0de&state=st4te&ok=1 db postgresql://postgres:pa55@db:5432/x ' +
      'form code=f0rm&code_verifier=v3rifier&client_secret=s3cret ' +
      'reply {"access_token": "acc3ss", "refresh_token":"r3fresh", "instance_url": "https://x"}',
  )
  const secrets = [jwt, 'opaque.token-1', sfToken, 'sb_secret_abc123', 'c0de', 'st4te', 'pa55']
  secrets.push('f0rm', 'v3rifier', 's3cret', 'acc3ss', 'r3fresh')
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `${secret} leaked in: ${text}`)
  }
  assert.match(text, /ok=1/)
  assert.match(text, /"instance_url": "https:\/\/x"/)
  assert.match(text, /postgresql:\/\/postgres:\[REDACTED\]@db:5432\/x/)
})

Deno.test('redact: errors keep name, code and message, without secrets', () => {
  const error = Object.assign(new Error(`token ${jwt} rejected`), { code: 'ERR_JWT_EXPIRED' })
  const out = redact({ error }) as { error: Record<string, string> }
  assert.equal(out.error.name, 'Error')
  assert.equal(out.error.error_code, 'ERR_JWT_EXPIRED')
  assert.equal(out.error.message, 'token [REDACTED] rejected')
  assert.ok(!JSON.stringify(out).includes(jwt))
})

Deno.test('redact: survives cycles and odd values', () => {
  const cyclic: Record<string, unknown> = { n: 1n, when: new Date(0) }
  cyclic.self = cyclic
  assert.deepEqual(redact(cyclic), {
    n: '1',
    when: '1970-01-01T00:00:00.000Z',
    self: '[Circular]',
  })
})

Deno.test('logger: writes one JSON line with level, msg and bound fields', () => {
  const logs = captureLogs()
  const restore = setEnv({ LOG_LEVEL: 'info' })
  try {
    createLogger({ request_id: 'r-1' }).child({ fn: 't' }).info('hello', { count: 2 })
    assert.equal(logs.lines.length, 1)
    const entry = logs.entries()[0]
    assert.equal(entry.level, 'info')
    assert.equal(entry.msg, 'hello')
    assert.equal(entry.request_id, 'r-1')
    assert.equal(entry.fn, 't')
    assert.equal(entry.count, 2)
    assert.equal(typeof entry.time, 'string')
  } finally {
    restore()
    logs.restore()
  }
})

Deno.test('logger: fields cannot overwrite level or msg', () => {
  const logs = captureLogs()
  try {
    createLogger().warn('real', { level: 'debug', msg: 'fake' })
    const entry = logs.entries()[0]
    assert.equal(entry.level, 'warn')
    assert.equal(entry.msg, 'real')
  } finally {
    logs.restore()
  }
})

Deno.test('logger: LOG_LEVEL drops lines below it', () => {
  const logs = captureLogs()
  const restore = setEnv({ LOG_LEVEL: 'warn' })
  try {
    const logger = createLogger()
    logger.debug('d')
    logger.info('i')
    logger.warn('w')
    logger.error('e')
    assert.deepEqual(logs.entries().map((entry) => entry.msg), ['w', 'e'])
  } finally {
    restore()
    logs.restore()
  }
})

Deno.test('logger: a token in the message itself is masked', () => {
  const logs = captureLogs()
  try {
    createLogger().info(`got ${jwt}`)
    assert.ok(!logs.lines[0].includes(jwt))
  } finally {
    logs.restore()
  }
})
