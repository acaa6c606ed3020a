import assert from 'node:assert/strict'
import type { Connection } from '../../../../../../../supabase/functions/_shared/connections/load.ts'
import { ProviderError } from '../../../../../../../supabase/functions/_shared/http/errors.ts'
import {
  parseApiUsage,
  resolveUrl,
} from '../../../../../../../supabase/functions/_shared/providers/salesforce/api.ts'

function connection(instanceUrl: string): Connection {
  return {
    integrationId: 'i',
    businessId: 'b',
    provider: undefined as never,
    config: { instance_url: instanceUrl },
    apiVersion: '62.0',
    tokens: { access_token: 'secret', instance_url: instanceUrl },
    apiBaseUrl: instanceUrl,
    tokenVersion: 1,
  }
}

Deno.test('resolveUrl: relative paths go under /services/data/vXX.X of the instance', () => {
  const acme = connection('https://acme.my.salesforce.com')
  assert.equal(
    resolveUrl(acme, { path: 'query', query: { q: "SELECT Id FROM Contact WHERE Name = 'a+b'" } }),
    'https://acme.my.salesforce.com/services/data/v62.0/query?q=SELECT+Id+FROM+Contact+WHERE+Name+%3D+%27a%2Bb%27',
  )
  assert.equal(
    resolveUrl(acme, { path: '/sobjects/Contact/describe' }),
    'https://acme.my.salesforce.com/services/data/v62.0/sobjects/Contact/describe',
  )
})

Deno.test('resolveUrl: a nextRecordsUrl is appended to instance_url as is, path prefix kept', () => {
  const local = connection('http://127.0.0.1:5000/instance/acme')
  assert.equal(
    resolveUrl(local, { path: '/services/data/v58.0/query/01gXX-2000' }),
    'http://127.0.0.1:5000/instance/acme/services/data/v58.0/query/01gXX-2000',
  )
})

Deno.test('resolveUrl: no path can leave the instance', () => {
  const acme = connection('https://acme.my.salesforce.com')
  for (const path of ['/services/../../etc', '/services/data/../../x']) {
    assert.throws(() => resolveUrl(acme, { path }), ProviderError, path)
  }
  // Anything else is a path under the versioned API base, on the instance's own host.
  for (const path of ['@evil.test/x', '//evil.test/x', 'https://evil.test/x']) {
    assert.equal(new URL(resolveUrl(acme, { path })).host, 'acme.my.salesforce.com', path)
  }
  const local = connection('http://127.0.0.1:5000/instance/acme')
  assert.throws(
    () => resolveUrl(local, { path: '/services/../../other/services/x' }),
    ProviderError,
  )
})

Deno.test('parseApiUsage: reads api-usage with or without extra parts', () => {
  assert.deepEqual(parseApiUsage('api-usage=18/5000'), { used: 18, max: 5000 })
  assert.deepEqual(
    parseApiUsage('api-usage=25/5000; per-app-api-usage=17/250(appName=sample)'),
    { used: 25, max: 5000 },
  )
  assert.equal(parseApiUsage(null), undefined)
  assert.equal(parseApiUsage('garbage'), undefined)
})
