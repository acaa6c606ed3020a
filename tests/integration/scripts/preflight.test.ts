// npm run preflight against real databases: a fresh one where some of our objects already
// exist (an app adopting this project) and the migrated test database. It reports, read-only.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { PreflightReport } from '../../../scripts/preflight.ts'
import { readMigrations } from '../../../scripts/preflight.ts'
import { repoRoot } from '../../../scripts/deploy/function-config.ts'
import { adminSql, requireTestDbUrl } from '../../helpers/test-db.ts'

async function runPreflight(url: string): Promise<{ code: number; report: PreflightReport }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ['run', '-A', join(repoRoot, 'scripts', 'preflight.ts'), '--json', url],
    stdout: 'piped',
    stderr: 'piped',
  }).output()
  const stdout = new TextDecoder().decode(output.stdout)
  assert.ok(stdout.trim().startsWith('{'), new TextDecoder().decode(output.stderr))
  return { code: output.code, report: JSON.parse(stdout) }
}

/** Everything a catalog holds that a write could change, as one comparable string. */
async function catalogFingerprint(sql: ReturnType<typeof adminSql>): Promise<string> {
  const [row] = await sql`
    select (select count(*) from pg_class) as classes, (select count(*) from pg_proc) as procs,
           (select count(*) from pg_namespace) as schemas, (select count(*) from pg_type) as types,
           (select count(*) from pg_extension) as extensions,
           (select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) from pg_stat_user_tables) as writes`
  return JSON.stringify(row)
}

Deno.test('preflight: an app database with some of our names reports collisions, what is kept or replaced, and what db push would create; it changes nothing', async () => {
  const testUrl = requireTestDbUrl()
  const admin = adminSql(testUrl)
  const database = `preflight_${crypto.randomUUID().slice(0, 8)}`
  await admin.unsafe(`create database ${database}`)
  const url = new URL(testUrl)
  url.pathname = `/${database}`
  const app = adminSql(url.href)
  try {
    // The adopting app's own objects: tables named like ours, our schema, a tenancy helper.
    await app.unsafe(`
      create table public.contacts (id bigint primary key, email text);
      create table public.campaigns (id bigint primary key);
      create schema app;
      create function app.is_member(business uuid) returns boolean language sql as 'select true';
    `)
    const before = await catalogFingerprint(app)
    const { code, report } = await runPreflight(url.href)
    const { versions, objects } = await readMigrations()

    assert.equal(code, 3, 'exit 3: collisions found')
    assert.deepEqual(report.applied, [])
    assert.deepEqual(report.pending, versions)
    assert.deepEqual(
      report.collisions.map((o) => `${o.kind} ${o.name}`).sort(),
      ['table public.campaigns', 'table public.contacts'],
    )
    const verdict = (kind: string, name: string) =>
      report.objects.find((o) => o.kind === kind && o.name === name)?.verdict
    assert.equal(verdict('schema', 'app'), 'exists: kept')
    assert.equal(verdict('function', 'app.is_member'), 'exists: replaced')
    assert.equal(verdict('table', 'public.businesses'), 'would create')
    assert.equal(verdict('table', 'public.leads'), 'would create')
    assert.equal(verdict('cron job', 'sync-cron'), 'would create')
    assert.equal(report.objects.length, objects.length, 'every object of ours is reported')

    assert.equal(await catalogFingerprint(app), before, 'the database is unchanged')
  } finally {
    await app.end()
    await admin.unsafe(`drop database ${database} with (force)`)
    await admin.end()
  }
})

Deno.test('preflight: the migrated test database has every migration applied and nothing to create', async () => {
  const { code, report } = await runPreflight(requireTestDbUrl())
  const { versions } = await readMigrations()
  assert.equal(code, 0)
  assert.deepEqual(report.applied, versions)
  assert.deepEqual(report.pending, [])
  assert.deepEqual(report.collisions, [])
  const notOurs = report.objects.filter((o) => o.verdict !== 'ours (migration applied)')
  assert.deepEqual(notOurs, [])
})

Deno.test('preflight: an unreachable database is exit 1 with a message, and no report', async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      'run',
      '-A',
      join(repoRoot, 'scripts', 'preflight.ts'),
      'postgresql://postgres:not-the-password@127.0.0.1:9/postgres',
    ],
    stdout: 'piped',
    stderr: 'piped',
  }).output()
  assert.equal(output.code, 1)
  const stderr = new TextDecoder().decode(output.stderr)
  assert.match(stderr, /cannot read the database/)
  assert.doesNotMatch(stderr, /not-the-password/)
})
