// Workday's registry entry: an Integration System User in Basic on the tenant's data-center
// host, no OAuth, a 401 as a dead credential.
import assert from 'node:assert/strict'
import { classify, realHosts } from '../../../../../../helpers/provider-checks.ts'
import { getProvider } from '../../../../../../../supabase/functions/_shared/providers/registry.ts'

import { withCredentials } from '../../../../../../../supabase/functions/_shared/connections/authorized-fetch.ts'
import { ValidationError } from '../../../../../../../supabase/functions/_shared/http/errors.ts'
import {
  apiBaseUrlFor,
  oauthUrls,
  parseConnectionConfig,
} from '../../../../../../../supabase/functions/_shared/providers/urls.ts'
import { memoryConnection } from '../../../../../../helpers/provider-fixtures.ts'

const config = { host: 'wd2-impl-services1', tenant: 'acme_dpt1' }

Deno.test('workday: basic auth on the tenant REST base, no OAuth endpoints', async () => {
  const provider = getProvider('workday')
  assert.equal(provider.spec.authMode, 'basic')
  assert.equal(provider.spec.envClient, undefined)
  await realHosts(() => {
    assert.deepEqual(oauthUrls(provider, config), {
      authorizeUrl: undefined,
      tokenUrl: undefined,
      requestTokenUrl: undefined,
      revokeUrl: undefined,
    })
    assert.equal(
      apiBaseUrlFor(provider.spec, config),
      'https://wd2-impl-services1.workday.com/ccx/api/v1/acme_dpt1',
    )
  })
})

Deno.test('workday: host and tenant are each one label or segment, both required', () => {
  const spec = getProvider('workday').spec
  assert.deepEqual(parseConnectionConfig(spec, config), config)
  for (
    const bad of [{ ...config, host: 'evil.com/x' }, { ...config, tenant: '../x' }, { host: 'wd2' }]
  ) {
    assert.throws(() => parseConnectionConfig(spec, bad), ValidationError)
  }
})

Deno.test('workday: calls carry the ISU in Basic; a 401 is a dead credential, never a refresh', async () => {
  const provider = getProvider('workday')
  const tokens = { username: 'ISU_Integration@acme_dpt1', password: 'p@ss:word' }
  const connection = memoryConnection(provider, tokens, config)
  const signed = await withCredentials(connection, new Request(`${connection.apiBaseUrl}/workers`))
  assert.equal(
    signed.headers.get('authorization'),
    `Basic ${btoa('ISU_Integration@acme_dpt1:p@ss:word')}`,
  )
  const refused = Response.json({ error: 'Invalid user name or password' }, { status: 401 })
  assert.equal(await classify('workday', refused, tokens, config), 'dead_grant')
})
