import assert from 'node:assert/strict'
import {
  assertConfig,
  ConfigError,
  getConfig,
  jwtIssuer,
  legacyJwtSecret,
  resetConfig,
} from '../../../../../supabase/functions/_shared/config.ts'
import { setEnv } from '../../../../helpers/env.ts'

const unset = {
  SUPABASE_URL: undefined,
  SUPABASE_DB_URL: undefined,
  SUPABASE_JWT_SECRET: undefined,
  LEGACY_JWT_SECRET: undefined,
  JWT_ISSUER: undefined,
  CORS_ALLOWED_ORIGINS: undefined,
  LOG_LEVEL: undefined,
}

Deno.test('config: a missing required variable fails with its name', () => {
  const restore = setEnv(unset)
  try {
    assert.throws(() => getConfig('db'), (error: Error) => {
      assert.ok(error instanceof ConfigError)
      assert.match(error.message, /SUPABASE_DB_URL is required/)
      return true
    })
  } finally {
    restore()
  }
})

Deno.test('config: an empty variable counts as missing', () => {
  const restore = setEnv({ ...unset, SUPABASE_URL: '' })
  try {
    assert.throws(() => getConfig('auth'), /SUPABASE_URL is required/)
  } finally {
    restore()
  }
})

Deno.test('config: an invalid value is named with the reason', () => {
  const restore = setEnv({ ...unset, SUPABASE_DB_URL: 'mysql://x', LOG_LEVEL: 'loud' })
  try {
    assert.throws(() => getConfig('db'), /SUPABASE_DB_URL must be a postgres:\/\/ URL/)
    assert.throws(() => getConfig('log'), /LOG_LEVEL/)
  } finally {
    restore()
  }
})

Deno.test('config: a section needs only its own variables, with defaults', () => {
  const restore = setEnv(unset)
  try {
    assert.deepEqual(getConfig('http'), { CORS_ALLOWED_ORIGINS: ['*'] })
    assert.deepEqual(getConfig('log'), { LOG_LEVEL: 'info' })
  } finally {
    restore()
  }
})

Deno.test('config: CORS_ALLOWED_ORIGINS is a trimmed comma list', () => {
  const restore = setEnv({
    ...unset,
    CORS_ALLOWED_ORIGINS: ' https://app.example , http://localhost:3000,',
  })
  try {
    assert.deepEqual(getConfig('http').CORS_ALLOWED_ORIGINS, [
      'https://app.example',
      'http://localhost:3000',
    ])
  } finally {
    restore()
  }
})

Deno.test('config: values are read once until resetConfig', () => {
  const restore = setEnv({ ...unset, SUPABASE_URL: 'http://one.test' })
  try {
    assert.equal(getConfig('auth').SUPABASE_URL, 'http://one.test')
    Deno.env.set('SUPABASE_URL', 'http://two.test')
    assert.equal(getConfig('auth').SUPABASE_URL, 'http://one.test')
    resetConfig()
    assert.equal(getConfig('auth').SUPABASE_URL, 'http://two.test')
  } finally {
    restore()
  }
})

Deno.test("config: assertConfig reports every section's problems at once", () => {
  const restore = setEnv(unset)
  try {
    assert.throws(() => assertConfig('auth', 'db', 'http'), (error: Error) => {
      assert.match(error.message, /SUPABASE_URL is required/)
      assert.match(error.message, /SUPABASE_DB_URL is required/)
      return true
    })
  } finally {
    restore()
  }
})

Deno.test('config: a short legacy JWT secret is refused, under either name', () => {
  for (const name of ['LEGACY_JWT_SECRET', 'SUPABASE_JWT_SECRET']) {
    const restore = setEnv({ ...unset, SUPABASE_URL: 'http://x.test', [name]: 'short' })
    try {
      assert.throws(() => getConfig('auth'), new RegExp(name))
    } finally {
      restore()
    }
  }
})

Deno.test('config: the legacy secret is LEGACY_JWT_SECRET, else SUPABASE_JWT_SECRET', () => {
  const a = 'a'.repeat(32)
  const b = 'b'.repeat(32)
  const cases: [Record<string, string | undefined>, string | undefined][] = [
    [{}, undefined],
    [{ SUPABASE_JWT_SECRET: b }, b],
    [{ LEGACY_JWT_SECRET: a }, a],
    [{ LEGACY_JWT_SECRET: a, SUPABASE_JWT_SECRET: b }, a],
  ]
  for (const [env, expected] of cases) {
    const restore = setEnv({ ...unset, SUPABASE_URL: 'http://x.test', ...env })
    try {
      assert.equal(legacyJwtSecret(getConfig('auth')), expected)
    } finally {
      restore()
    }
  }
})

Deno.test('config: the JWT issuer is <SUPABASE_URL>/auth/v1 unless JWT_ISSUER names one', () => {
  let restore = setEnv({ ...unset, SUPABASE_URL: 'https://abc.supabase.co/' })
  try {
    assert.equal(jwtIssuer(getConfig('auth')), 'https://abc.supabase.co/auth/v1')
  } finally {
    restore()
  }
  restore = setEnv({
    ...unset,
    SUPABASE_URL: 'http://kong:8000',
    JWT_ISSUER: 'http://127.0.0.1:54321/auth/v1',
  })
  try {
    assert.equal(jwtIssuer(getConfig('auth')), 'http://127.0.0.1:54321/auth/v1')
  } finally {
    restore()
  }
})

Deno.test('config: salesforce defaults to the real login hosts; the client is optional', () => {
  const restore = setEnv({
    SALESFORCE_CLIENT_ID: undefined,
    SALESFORCE_CLIENT_SECRET: undefined,
    SALESFORCE_LOGIN_URL: undefined,
    SALESFORCE_SANDBOX_LOGIN_URL: undefined,
    SALESFORCE_API_VERSION: undefined,
  })
  try {
    assert.deepEqual(getConfig('salesforce'), {
      SALESFORCE_LOGIN_URL: 'https://login.salesforce.com',
      SALESFORCE_SANDBOX_LOGIN_URL: 'https://test.salesforce.com',
      SALESFORCE_API_VERSION: '62.0',
    })
  } finally {
    restore()
  }
})

Deno.test('config: a login URL loses its trailing slash; a bad API version is named', () => {
  const restore = setEnv({
    SALESFORCE_LOGIN_URL: 'http://127.0.0.1:5000/',
    SALESFORCE_API_VERSION: 'v62',
  })
  try {
    assert.throws(() => getConfig('salesforce'), /SALESFORCE_API_VERSION must look like 62.0/)
    setEnv({ SALESFORCE_API_VERSION: undefined })
    assert.equal(getConfig('salesforce').SALESFORCE_LOGIN_URL, 'http://127.0.0.1:5000')
  } finally {
    restore()
  }
})

Deno.test('config: oauth needs the public functions URL and a redirect allowlist of URLs', () => {
  const restore = setEnv({ PUBLIC_FUNCTIONS_URL: undefined, APP_REDIRECT_ALLOWLIST: undefined })
  try {
    assert.throws(
      () => getConfig('oauth'),
      /PUBLIC_FUNCTIONS_URL is required; APP_REDIRECT_ALLOWLIST is required/,
    )
    setEnv({
      PUBLIC_FUNCTIONS_URL: 'https://ref.supabase.co/functions/v1/',
      APP_REDIRECT_ALLOWLIST: 'https://app.example.com, https://admin.example.com/settings/',
    })
    assert.deepEqual(getConfig('oauth'), {
      PUBLIC_FUNCTIONS_URL: 'https://ref.supabase.co/functions/v1',
      APP_REDIRECT_ALLOWLIST: ['https://app.example.com', 'https://admin.example.com/settings/'],
    })
    setEnv({ APP_REDIRECT_ALLOWLIST: 'app.example.com' })
    assert.throws(() => getConfig('oauth'), /APP_REDIRECT_ALLOWLIST/)
  } finally {
    restore()
  }
})

Deno.test('config: the callback error page is optional, and must be an allowlisted app URL', () => {
  const restore = setEnv({
    PUBLIC_FUNCTIONS_URL: 'https://ref.supabase.co/functions/v1',
    APP_REDIRECT_ALLOWLIST: 'https://app.example.com/settings',
    APP_ERROR_REDIRECT_URL: undefined,
  })
  try {
    assert.equal(getConfig('oauth').APP_ERROR_REDIRECT_URL, undefined)
    setEnv({ APP_ERROR_REDIRECT_URL: 'https://app.example.com/settings/connect-error' })
    assert.equal(
      getConfig('oauth').APP_ERROR_REDIRECT_URL,
      'https://app.example.com/settings/connect-error',
    )
    for (const outside of ['https://app.example.com/other', 'https://evil.example/settings']) {
      setEnv({ APP_ERROR_REDIRECT_URL: outside })
      assert.throws(
        () => getConfig('oauth'),
        /APP_ERROR_REDIRECT_URL must be a URL that APP_REDIRECT_ALLOWLIST allows/,
        outside,
      )
    }
  } finally {
    restore()
  }
})
