// Every registry entry, whatever the provider: the 16 ids, each spec parsed by the schema, and
// each connection config value kept inside the host label or path segment its template puts it.
import assert from 'node:assert/strict'
import { listProviders } from '../../../../../../supabase/functions/_shared/providers/registry.ts'
import { providerSpecSchema } from '../../../../../../supabase/functions/_shared/providers/types.ts'

const expected = [
  'salesforce',
  'hubspot',
  'pipedrive',
  'microsoft365',
  'slack',
  'asana',
  'notion',
  'google',
  'github',
  'gitlab',
  'jira',
  'trello',
  'bamboohr',
  'workday',
  'dropbox',
  'zendesk',
]

Deno.test('registry: the 16 providers, each spec re-parsed unchanged by the schema', () => {
  const providers = listProviders()
  assert.deepEqual(providers.map((each) => each.spec.id), expected)
  for (const { spec } of providers) {
    const parsed = providerSpecSchema.safeParse(spec)
    assert.ok(parsed.success, `${spec.id}: ${JSON.stringify(parsed.error?.issues)}`)
    assert.deepEqual(parsed.data, spec, spec.id)
    if (spec.authMode === 'oauth2' || spec.authMode === 'oauth1') {
      const prefix = spec.id.toUpperCase()
      assert.deepEqual(spec.envClient, {
        clientId: `${prefix}_CLIENT_ID`,
        clientSecret: `${prefix}_CLIENT_SECRET`,
      })
    } else {
      assert.ok(spec.deadGrant.apiStatuses.includes(401), `${spec.id}: a 401 kills a key`)
    }
  }
})

/** Values that would move a URL to another host or path if a pattern let them through. */
const escapes = ['evil.com', 'a/b', '..', 'a?b', 'a#b', 'a@b', 'a:1', 'a b', '%2e', 'a\\b', '']

Deno.test('registry: every placeholder inside a URL only takes a host label or path segment', () => {
  for (const { spec } of listProviders()) {
    const templates = [
      spec.authorizeUrl,
      spec.tokenUrl,
      spec.requestTokenUrl,
      spec.revokeUrl,
      spec.apiBaseUrl,
    ].filter((each): each is string => each !== undefined)
    for (const template of templates) {
      for (const match of template.matchAll(/\{([^}]+)\}/g)) {
        // A leading placeholder is a whole base URL the provider gave us (instance_url).
        if (match.index === 0) continue
        const field = spec.connectionConfig[match[1]]
        assert.ok(field, `${spec.id}: {${match[1]}} in ${template} is a config field`)
        const pattern = new RegExp(field.pattern)
        for (const value of escapes) {
          assert.ok(!pattern.test(value), `${spec.id}.${match[1]} must refuse ${value}`)
        }
        assert.ok(pattern.test('acme'), `${spec.id}.${match[1]} takes a plain name`)
      }
    }
  }
})
