import assert from 'node:assert/strict'
import { ValidationError } from '../../../../../../supabase/functions/_shared/http/errors.ts'
import {
  apiBaseUrlFor,
  fillTemplate,
  oauthUrls,
  parseConnectionConfig,
} from '../../../../../../supabase/functions/_shared/providers/urls.ts'
import { setEnv } from '../../../../../helpers/env.ts'
import { deskSpec, fixtureProvider } from '../../../../../helpers/provider-fixtures.ts'

const desk = fixtureProvider(deskSpec)

Deno.test('urls: templates are filled from the connection config, values encoded', () => {
  assert.equal(
    fillTemplate('https://{subdomain}.desk.example/x', { subdomain: 'acme' }),
    'https://acme.desk.example/x',
  )
  assert.equal(
    fillTemplate('https://h.example/{tenant}/y', { tenant: 'a/b?c' }),
    'https://h.example/a%2Fb%3Fc/y',
  )
  // A leading placeholder is a whole base the provider gave (Salesforce's instance_url).
  assert.equal(
    fillTemplate('{instance_url}', { instance_url: 'https://acme.my.salesforce.com/' }),
    'https://acme.my.salesforce.com',
  )
  assert.throws(
    () => fillTemplate('https://{subdomain}.desk.example', {}),
    (error: Error & { code?: string }) => error.code === 'connection_config_missing',
  )
})

Deno.test('urls: PROVIDER_SIMULATOR_URL moves fixed hosts under the simulator, nothing else', () => {
  const restore = setEnv({ PROVIDER_SIMULATOR_URL: 'http://127.0.0.1:54331/' })
  try {
    assert.deepEqual(oauthUrls(desk, { subdomain: 'acme' }), {
      authorizeUrl: 'http://127.0.0.1:54331/acme.desk.example/oauth/authorize',
      tokenUrl: 'http://127.0.0.1:54331/acme.desk.example/oauth/token',
      requestTokenUrl: undefined,
      revokeUrl: 'http://127.0.0.1:54331/acme.desk.example/oauth/revoke',
    })
    assert.equal(
      apiBaseUrlFor(desk.spec, { subdomain: 'acme' }),
      'http://127.0.0.1:54331/acme.desk.example/api/v2',
    )
    const instance = fixtureProvider({
      ...deskSpec,
      id: 'x',
      apiBaseUrl: '{instance_url}',
      tokenResponseMetadata: { instance_url: 'instance_url' },
    })
    assert.equal(
      apiBaseUrlFor(instance.spec, { instance_url: 'https://acme.example' }),
      'https://acme.example',
    )
  } finally {
    restore()
  }
  const unset = setEnv({ PROVIDER_SIMULATOR_URL: undefined })
  try {
    assert.equal(
      oauthUrls(desk, { subdomain: 'acme' }).tokenUrl,
      'https://acme.desk.example/oauth/token',
    )
  } finally {
    unset()
  }
})

Deno.test('urls: connection config is checked by the spec, the bad field named, no value echoed', () => {
  assert.deepEqual(parseConnectionConfig(desk.spec, { subdomain: 'acme' }), { subdomain: 'acme' })
  const refused = (input: unknown, field: string) =>
    assert.throws(
      () => parseConnectionConfig(desk.spec, input),
      (error: Error) =>
        error instanceof ValidationError && error.status === 400 &&
        error.message.includes(`connection_config.${field}`) &&
        !error.message.includes('evil'),
    )
  refused({}, 'subdomain')
  refused({ subdomain: 'evil.example/' }, 'subdomain')
  refused({ subdomain: 'acme', host: 'evil' }, 'host')
  refused({ subdomain: 42 }, 'subdomain')
})

Deno.test('spec schema: a placeholder must name a config field; patterns must be anchored', () => {
  assert.throws(
    () => fixtureProvider({ ...deskSpec, apiBaseUrl: 'https://{tenant}.x.example' }),
    /unknown placeholder \{tenant\}/,
  )
  assert.throws(
    () =>
      fixtureProvider({
        ...deskSpec,
        connectionConfig: { subdomain: { pattern: '[a-z]+', description: 'x' } },
      }),
    /anchored/,
  )
  assert.throws(
    () => fixtureProvider({ ...deskSpec, authorizeUrl: 'http://plain.example/auth' }),
    /authorizeUrl/,
  )
  assert.throws(() => fixtureProvider({ ...deskSpec, envClient: undefined }), /envClient/)
})
