// A sandbox with a state file keeps its world across a restart: orgs, users, records, apps, grants
// and tokens come back, ids continue without repeating, and the file is written atomically.

import assert from 'node:assert/strict'
import { join } from 'node:path'
import { loadSnapshot } from '../../scripts/sandbox/salesforce/persistence.ts'
import { startSalesforceSandbox } from '../../scripts/sandbox/salesforce/server.ts'
import type { CreatedOrg } from '../../scripts/sandbox/salesforce/control.ts'
import { api, CALLBACK, login, postForm, type Running, soql } from './support/sandbox.ts'

/** The org as createOrg describes it (its admin and app), for the scripted login. */
function createdOrg(sb: Running, orgId: string): CreatedOrg {
  const org = sb.control.getOrg(orgId)
  return { ...org, user: org.users[0], app: sb.control.getApp(org.apps[0]) }
}

async function withStateDir(fn: (file: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: 'sandbox-state-' })
  try {
    await fn(join(dir, 'salesforce.json'))
  } finally {
    await Deno.remove(dir, { recursive: true })
  }
}

const seeded = [{
  name: 'Acme',
  myDomain: 'acme',
  contacts: 40,
  app: {
    clientId: '3MVG9persistenceTestClientId',
    clientSecret: 'first-secret',
    callbackUrls: [CALLBACK],
  },
}]

Deno.test('a restarted sandbox keeps its orgs, records, grants and tokens, and ids continue', async () => {
  await withStateDir(async (stateFile) => {
    const first = await startSalesforceSandbox({ stateFile, autoApprove: true, orgs: seeded })
    const [org] = first.control.listOrgs()
    const port = Number(new URL(first.url).port)
    let tokens, created: string, orgBefore, contactsBefore: string[]
    try {
      tokens = await login(createdOrg(first, org.orgId))
      const insert = await api(tokens, '/sobjects/Contact', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ LastName: 'Kept' }),
      })
      assert.equal(insert.status, 201)
      created = insert.body.id
      orgBefore = first.control.getOrg(org.orgId)
      contactsBefore = first.control.listIds(org.orgId, 'Contact')
    } finally {
      await first.close()
    }
    assert.ok(await loadSnapshot(stateFile), 'written on close')

    // Same port, so the instance_url the client holds still points at it.
    const second = await startSalesforceSandbox({
      stateFile,
      port,
      autoApprove: true,
      orgs: [{ ...seeded[0], app: { ...seeded[0].app, clientSecret: 'second-secret' } }],
    })
    try {
      assert.deepEqual(second.control.listOrgs().map((o) => o.orgId), [org.orgId], 'not re-seeded')
      assert.deepEqual(second.control.getOrg(org.orgId), orgBefore)
      assert.deepEqual(second.control.listIds(org.orgId, 'Contact'), contactsBefore)
      // The access token issued before the restart still works...
      const query = await soql(tokens, `SELECT Id, LastName FROM Contact WHERE Id = '${created}'`)
      assert.equal(query.status, 200)
      assert.equal(query.body.records[0].LastName, 'Kept')
      // ...and so does the refresh token, with the app's secret as configured now.
      const app = second.control.getApp(org.apps[0])
      assert.equal(app.clientSecret, 'second-secret', 'configured apps follow the configuration')
      const refreshed = await postForm(`${second.url}/services/oauth2/token`, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: app.clientId,
        client_secret: 'second-secret',
      })
      assert.equal(refreshed.status, 200, refreshed.text)
      // New records get new ids: the minters continue instead of starting over.
      const [next] = second.control.insertRecords(org.orgId, 'Contact', [{ LastName: 'After' }])
      assert.ok(!contactsBefore.includes(next), 'an id is never handed out twice')
      const another = second.control.createOrg({ name: 'Second org', contacts: 1, app: false })
      assert.notEqual(another.orgId, org.orgId)
    } finally {
      await second.close()
    }
  })
})

Deno.test('a sandbox without a state file, or a deleted one, starts from the seed', async () => {
  await withStateDir(async (stateFile) => {
    const first = await startSalesforceSandbox({ stateFile, orgs: seeded })
    first.control.insertRecords(first.control.listOrgs()[0].orgId, 'Contact', [{ LastName: 'X' }])
    await first.close()
    await Deno.remove(stateFile)
    const again = await startSalesforceSandbox({ stateFile, orgs: seeded })
    try {
      assert.equal(again.control.listIds(again.control.listOrgs()[0].orgId, 'Contact').length, 40)
    } finally {
      await again.close()
    }
    const dir = stateFile.slice(0, stateFile.lastIndexOf('/'))
    const leftovers = [...Deno.readDirSync(dir)].map((entry) => entry.name)
    assert.deepEqual(leftovers, ['salesforce.json'], 'no temp file left behind')
  })
})

Deno.test('a change over HTTP reaches the state file before any shutdown', async () => {
  await withStateDir(async (stateFile) => {
    const sb = await startSalesforceSandbox({ stateFile, autoApprove: true, orgs: seeded })
    try {
      const [org] = sb.control.listOrgs()
      const response = await fetch(`${sb.url}/__sandbox/orgs/${org.orgId}/records/Contact`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ records: [{ LastName: 'Written' }] }),
      })
      const { ids: [id] } = await response.json()
      // Written after the response, without blocking it: wait for the file to catch up.
      let saved = false
      for (let attempt = 0; attempt < 100 && !saved; attempt++) {
        const snapshot = await loadSnapshot(stateFile)
        saved = snapshot?.state.orgs[0].data.tables.Contact.records.some((r) => r.id === id) ??
          false
        if (!saved) await new Promise((resolve) => setTimeout(resolve, 20))
      }
      assert.ok(saved, 'the new record is on disk while the sandbox still runs')
    } finally {
      await sb.close()
    }
  })
})

Deno.test('a restarted sandbox keeps its delete log: getDeleted still names a hard-deleted record', async () => {
  await withStateDir(async (stateFile) => {
    const first = await startSalesforceSandbox({ stateFile, autoApprove: true, orgs: seeded })
    const [org] = first.control.listOrgs()
    const port = Number(new URL(first.url).port)
    const [gone] = first.control.listIds(org.orgId, 'Contact')
    let tokens
    try {
      tokens = await login(createdOrg(first, org.orgId))
      first.control.hardDeleteRecords(org.orgId, 'Contact', [gone])
    } finally {
      await first.close()
    }
    const second = await startSalesforceSandbox({
      stateFile,
      port,
      autoApprove: true,
      orgs: seeded,
    })
    try {
      assert.deepEqual(second.control.listPurgedIds(org.orgId, 'Contact'), [gone])
      // getDeleted covers whole minutes that have passed, in the sandbox's own clock.
      second.control.advanceClock(120_000)
      const now = second.control.now()
      const end = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z')
      const start = new Date(now - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z')
      const deleted = await api(
        tokens,
        `/sobjects/Contact/deleted/?start=${encodeURIComponent(start)}&end=${
          encodeURIComponent(end)
        }`,
      )
      assert.equal(deleted.status, 200, JSON.stringify(deleted.body))
      assert.deepEqual(deleted.body.deletedRecords.map((r: { id: string }) => r.id), [gone])
    } finally {
      await second.close()
    }
  })
})
