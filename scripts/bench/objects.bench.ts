// Benchmark of syncing several objects of one integration, as JSON lines measured in this one
// run: an integration syncing contacts + accounts + one custom object (Widget__c, three mapped
// fields) against one syncing contacts alone, from two sandbox orgs with the same contacts.
// For each: Salesforce API calls and time of the initial sync and of an incremental sync after
// 1% of every object changed, and per object. The engine runs in this process, one object after
// another (as "sync now" does), with the production settings.
// Sizes: BENCH_OBJECT_CONTACTS (default 20,000 contacts; accounts a tenth of it) and
// BENCH_OBJECT_RECORDS (default 20,000 custom records). About two minutes on a 2-core machine.
// Needs BENCH_DB_URL: a migrated database of its own (scripts/bench.sh makes one).
import { startSalesforceSandbox } from '../sandbox/salesforce/server.ts'
import { closeSql } from '../../supabase/functions/_shared/db/client.ts'
import type { RunSummary } from '../../supabase/functions/_shared/sync/engine.ts'
import { syncSettings } from '../../supabase/functions/_shared/sync/settings.ts'
import { createIntegration, storeConnection } from '../../tests/helpers/integrations.ts'
import { fixtureCallback, salesforceEnv } from '../../tests/helpers/salesforce-sandbox.ts'
import { loginAs } from '../../tests/helpers/sandbox-login.ts'
import { enableObject, syncUntilComplete } from '../../tests/helpers/sync-world.ts'
import { adminSql, createBusiness, createUser } from '../../tests/helpers/test-db.ts'

const sizeFlag = (name: string, fallback: number) => {
  const value = Number(Deno.env.get(name) ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}
const contacts = sizeFlag('BENCH_OBJECT_CONTACTS', 20_000)
const records = sizeFlag('BENCH_OBJECT_RECORDS', 20_000)

const dbUrl = Deno.env.get('BENCH_DB_URL')
if (!dbUrl) throw new Error('BENCH_DB_URL is not set: run `npm run bench` (scripts/bench.sh)')

const emit = (line: Record<string, unknown>) => console.log(JSON.stringify(line))
const round = (value: number, digits = 1) => Number(value.toFixed(digits))

const sql = adminSql(dbUrl)
const sandbox = await startSalesforceSandbox({ port: 0 })
const publisher = sandbox.control.createOrg({
  name: 'Objects bench publisher',
  contacts: 0,
  app: { callbackUrls: [fixtureCallback], autoApprove: true, requirePkce: true },
})
const app = publisher.app!
const env = { SUPABASE_DB_URL: dbUrl, ...salesforceEnv(sandbox, app), LOG_LEVEL: 'error' }
for (const [key, value] of Object.entries(env)) Deno.env.set(key, value)
const settings = syncSettings()
const control = sandbox.control

const ownerId = await createUser(sql, `bench-objects-${crypto.randomUUID()}@example.test`)
const businessId = await createBusiness(sql, { name: 'Objects bench', ownerId })

/** An org with the bench's contacts (same seed: same data), and an integration on it. */
async function connectOrg(name: string): Promise<{ orgId: string; integrationId: string }> {
  const org = control.createOrg({ name, contacts, seed: 7, app: false })
  const integrationId = await createIntegration(sql, { businessId, createdBy: ownerId, name })
  await storeConnection(sql, integrationId, await loginAs(org.loginUrl, app, org.user.username))
  return { orgId: org.orgId, integrationId }
}

const mapping = { Color__c: 'color', Size__c: 'size', Active__c: 'active' }

function addWidgets(orgId: string): void {
  control.defineObject(orgId, {
    name: 'Widget__c',
    fields: [
      { name: 'Color__c', type: 'string', length: 40 },
      { name: 'Size__c', type: 'double' },
      { name: 'Active__c', type: 'boolean' },
    ],
  })
  // Stamped in the past, an hour apart per 500, as an org's existing records are: records
  // stamped within the lookback would be read again by the first incremental run.
  const hourMs = 3_600_000
  for (let at = 0; at < records; at += 500) {
    control.insertRecords(
      orgId,
      'Widget__c',
      Array.from({ length: Math.min(500, records - at) }, (_, i) => ({
        Name: `W-${at + i}`,
        Color__c: ['red', 'green', 'blue'][(at + i) % 3],
        Size__c: (at + i) / 4,
        Active__c: (at + i) % 2 === 0,
      })),
      { systemModstamp: Date.now() - (1 + (records - at) / 500) * hourMs },
    )
  }
}

/** Changes 1% of each object's records (at least one). */
function changeOnePercent(orgId: string, objects: string[]): void {
  const changes: Record<string, (id: string, i: number) => Record<string, unknown>> = {
    Contact: (Id, i) => ({ Id, Title: `Bench ${i}` }),
    Account: (Id, i) => ({ Id, Name: `Renamed ${i}` }),
    Widget__c: (Id, i) => ({ Id, Color__c: `c${i}` }),
  }
  for (const sobject of objects) {
    const ids = control.listIds(orgId, sobject)
    const step = Math.max(1, Math.floor(ids.length / Math.max(1, Math.floor(ids.length / 100))))
    const picked = ids.filter((_, i) => i % step === 0)
    control.updateRecords(orgId, sobject, picked.map((id, i) => changes[sobject](id, i)))
  }
}

/** Syncs each object to the end, one after another; the runs of each. */
async function syncObjects(integrationId: string, objects: string[]) {
  const byObject: Record<string, RunSummary[]> = {}
  const started = performance.now()
  for (const object of objects) {
    byObject[object] = await syncUntilComplete(integrationId, settings, 500, object)
  }
  return { byObject, ms: performance.now() - started }
}

function report(
  bench: string,
  phase: string,
  result: Awaited<ReturnType<typeof syncObjects>>,
): { apiCalls: number; ms: number } {
  const sum = (runs: RunSummary[], key: 'api_calls' | 'records_upserted' | 'pages') =>
    runs.reduce((n, run) => n + run[key], 0)
  const objects = Object.fromEntries(
    Object.entries(result.byObject).map(([object, runs]) => [object, {
      api_calls: sum(runs, 'api_calls'),
      records_upserted: sum(runs, 'records_upserted'),
      pages: sum(runs, 'pages'),
      runs: runs.length,
      ms: round(runs.reduce((n, run) => n + run.duration_ms, 0), 0),
    }]),
  )
  const apiCalls = Object.values(result.byObject).reduce((n, runs) => n + sum(runs, 'api_calls'), 0)
  emit({ bench, phase, api_calls: apiCalls, ms: round(result.ms, 0), objects })
  return { apiCalls, ms: result.ms }
}

try {
  const alone = await connectOrg('Contacts alone')
  const many = await connectOrg('Contacts, accounts and Widget__c')
  addWidgets(many.orgId)
  await enableObject(sql, many.integrationId, 'account')
  await enableObject(sql, many.integrationId, 'Widget__c', mapping)
  const objects = ['contact', 'account', 'Widget__c']
  emit({ bench: 'objects_setup', contacts, accounts: contacts / 10, widgets: records })

  const initialAlone = report(
    'contacts_alone',
    'initial',
    await syncObjects(alone.integrationId, ['contact']),
  )
  const initialMany = report(
    'contacts_accounts_widgets',
    'initial',
    await syncObjects(many.integrationId, objects),
  )

  changeOnePercent(alone.orgId, ['Contact'])
  changeOnePercent(many.orgId, ['Contact', 'Account', 'Widget__c'])
  const incAlone = report(
    'contacts_alone',
    'incremental',
    await syncObjects(alone.integrationId, ['contact']),
  )
  const incMany = report(
    'contacts_accounts_widgets',
    'incremental',
    await syncObjects(many.integrationId, objects),
  )
  emit({
    bench: 'objects_vs_contacts_alone',
    initial_api_calls_ratio: round(initialMany.apiCalls / initialAlone.apiCalls, 2),
    initial_time_ratio: round(initialMany.ms / initialAlone.ms, 2),
    incremental_api_calls_ratio: round(incMany.apiCalls / incAlone.apiCalls, 2),
    incremental_time_ratio: round(incMany.ms / incAlone.ms, 2),
  })
} finally {
  await closeSql()
  await sql`delete from public.businesses where id = ${businessId}`
  await sql`delete from auth.users where id = ${ownerId}`
  await sql.end()
  await sandbox.close()
}
