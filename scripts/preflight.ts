// Preflight for adopting this project into an existing Supabase database: reads the target
// (read-only) and reports which objects our migrations make already exist there, and what
// `supabase db push` would create, so collisions show before a push fails half-way.
// Usage: deno run -A scripts/preflight.ts [--json] <postgres url>   (npm run preflight -- <url>)
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { repoRoot } from './deploy/function-config.ts'

/** The kinds of object a migration of ours creates. */
export type ObjectKind =
  | 'schema'
  | 'table'
  | 'view'
  | 'function'
  | 'type'
  | 'extension'
  | 'cron job'

/** One object a migration creates, as read from its SQL. */
export interface PlannedObject {
  kind: ObjectKind
  /** `schema.name`; a bare name for schemas, extensions and cron jobs. */
  name: string
  /** The migration file that creates it. */
  migration: string
  /**
   * What the statement does when the object is already there: `fails` (plain CREATE), `keeps`
   * (IF NOT EXISTS: theirs stays, whatever its shape) or `replaces` (OR REPLACE, cron.schedule).
   */
  onExisting: 'fails' | 'keeps' | 'replaces'
}

export interface ObjectReport extends PlannedObject {
  exists: boolean
  /** Set when it exists and our migration that creates it has not been applied there. */
  verdict:
    | 'would create'
    | 'ours (migration applied)'
    | 'collision: push fails'
    | 'exists: kept'
    | 'exists: replaced'
}

export interface PreflightReport {
  /** Migration versions recorded in supabase_migrations.schema_migrations (none if absent). */
  applied: string[]
  /** Our migration files not applied there: what `db push` would run, in order. */
  pending: string[]
  objects: ObjectReport[]
  /** Objects whose CREATE would fail, making `db push` stop at that migration. */
  collisions: ObjectReport[]
}

/** SQL with comments and quoted bodies blanked, so only top-level statements are scanned. */
function topLevelSql(sql: string): string {
  return sql
    // Dollar-quoted bodies (functions, DO blocks, cron commands): their CREATEs are not ours to
    // report. The tag is repeated at the end, as SQL requires.
    .replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, "''")
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
}

const ident = String.raw`"?([A-Za-z_][A-Za-z0-9_$]*)"?`
const qualified = String.raw`${ident}\s*\.\s*${ident}`

/** One CREATE or DROP of a migration, in statement order. */
interface SchemaChange {
  action: 'create' | 'drop'
  object: PlannedObject
  at: number
}

/** The objects one migration's SQL creates and drops, in the order it does so. */
function schemaChanges(migration: string, sql: string): SchemaChange[] {
  const text = topLevelSql(sql)
  const changes: SchemaChange[] = []
  const scan = (
    pattern: string,
    each: (match: RegExpExecArray) => [ObjectKind, string, PlannedObject['onExisting']],
    action: SchemaChange['action'] = 'create',
  ) => {
    for (const match of text.matchAll(new RegExp(pattern, 'gi'))) {
      const [kind, name, onExisting] = each(match)
      changes.push({ action, object: { kind, name, migration, onExisting }, at: match.index })
    }
  }
  scan(
    String.raw`create\s+schema\s+(if\s+not\s+exists\s+)?${ident}`,
    (m) => ['schema', m[2], m[1] ? 'keeps' : 'fails'],
  )
  scan(
    String.raw`create\s+(?:unlogged\s+)?table\s+(if\s+not\s+exists\s+)?${qualified}`,
    (m) => ['table', `${m[2]}.${m[3]}`, m[1] ? 'keeps' : 'fails'],
  )
  scan(
    String
      .raw`create\s+(or\s+replace\s+)?(?:materialized\s+)?view\s+(if\s+not\s+exists\s+)?${qualified}`,
    (m) => ['view', `${m[3]}.${m[4]}`, m[1] ? 'replaces' : m[2] ? 'keeps' : 'fails'],
  )
  scan(
    String.raw`create\s+(or\s+replace\s+)?(?:function|procedure)\s+${qualified}\s*\(`,
    (m) => ['function', `${m[2]}.${m[3]}`, m[1] ? 'replaces' : 'fails'],
  )
  scan(String.raw`create\s+type\s+${qualified}`, (m) => ['type', `${m[1]}.${m[2]}`, 'fails'])
  scan(
    String.raw`create\s+extension\s+(if\s+not\s+exists\s+)?${ident}`,
    (m) => ['extension', m[2], m[1] ? 'keeps' : 'fails'],
  )
  // cron.schedule(name, ...) replaces a job of the same name.
  scan(String.raw`cron\s*\.\s*schedule\s*\(\s*'([^']+)'`, (m) => ['cron job', m[1], 'replaces'])
  // A later migration may drop what an earlier one made; it then exists no more.
  const dropKinds: Record<string, ObjectKind> = {
    table: 'table',
    view: 'view',
    'materialized view': 'view',
    function: 'function',
    procedure: 'function',
    type: 'type',
  }
  scan(
    String
      .raw`drop\s+(table|materialized\s+view|view|function|procedure|type)\s+(?:if\s+exists\s+)?${qualified}`,
    (m) => [dropKinds[m[1].toLowerCase().replace(/\s+/g, ' ')], `${m[2]}.${m[3]}`, 'fails'],
    'drop',
  )
  scan(
    String.raw`cron\s*\.\s*unschedule\s*\(\s*'([^']+)'`,
    (m) => ['cron job', m[1], 'fails'],
    'drop',
  )
  return changes.sort((a, b) => a.at - b.at)
}

/** The objects one migration's SQL creates and leaves in place. */
export function plannedObjects(migration: string, sql: string): PlannedObject[] {
  return applyChanges([], schemaChanges(migration, sql))
}

/** `objects` after `changes`: a CREATE of a new name adds it, a DROP removes it. */
function applyChanges(objects: PlannedObject[], changes: SchemaChange[]): PlannedObject[] {
  const same = (a: PlannedObject, b: PlannedObject) => a.kind === b.kind && a.name === b.name
  let result = objects
  for (const { action, object } of changes) {
    if (action === 'drop') result = result.filter((o) => !same(o, object))
    // A later CREATE OR REPLACE of an object we made is not a new object.
    else if (!result.some((o) => same(o, object))) result = [...result, object]
  }
  return result
}

/** Every object our migrations create and leave in place, in migration order. */
export async function readMigrations(
  dir = join(repoRoot, 'supabase', 'migrations'),
): Promise<{ versions: string[]; objects: PlannedObject[] }> {
  const files: string[] = []
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && /^\d+_.*\.sql$/.test(entry.name)) files.push(entry.name)
  }
  files.sort()
  let objects: PlannedObject[] = []
  for (const file of files) {
    objects = applyChanges(objects, schemaChanges(file, await Deno.readTextFile(join(dir, file))))
  }
  return { versions: files.map((file) => file.split('_')[0]), objects }
}

/** Which of `objects` exist in the database `sql` reads; keys are `kind:name`. */
async function existing(
  sql: postgres.TransactionSql,
  objects: PlannedObject[],
): Promise<Set<string>> {
  const names = (kind: ObjectKind) => objects.filter((o) => o.kind === kind).map((o) => o.name)
  const found = new Set<string>()
  const mark = (kind: ObjectKind, rows: { name: string }[]) =>
    rows.forEach((row) => found.add(`${kind}:${row.name}`))
  mark(
    'schema',
    await sql`select nspname as name from pg_namespace where nspname = any(${names('schema')})`,
  )
  mark(
    'table',
    await sql`
    select n.nspname || '.' || c.relname as name from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'f') and n.nspname || '.' || c.relname = any(${names('table')})`,
  )
  // A table or view of the name blocks a view just as well; report both as "exists".
  mark(
    'view',
    await sql`
    select n.nspname || '.' || c.relname as name from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('v', 'm', 'r', 'p') and n.nspname || '.' || c.relname = any(${
      names('view')
    })`,
  )
  mark(
    'function',
    await sql`
    select distinct n.nspname || '.' || p.proname as name from pg_proc p
      join pg_namespace n on n.oid = p.pronamespace
     where n.nspname || '.' || p.proname = any(${names('function')})`,
  )
  mark(
    'type',
    await sql`
    select n.nspname || '.' || t.typname as name from pg_type t
      join pg_namespace n on n.oid = t.typnamespace
     where n.nspname || '.' || t.typname = any(${names('type')})`,
  )
  mark(
    'extension',
    await sql`select extname as name from pg_extension where extname = any(${names('extension')})`,
  )
  const [{ cron }] = await sql<{ cron: boolean }[]>`
    select to_regclass('cron.job') is not null
       and has_table_privilege('cron.job', 'select') as cron`
  if (cron) {
    mark(
      'cron job',
      await sql`select jobname as name from cron.job where jobname = any(${names('cron job')})`,
    )
  }
  return found
}

/** Our migration versions recorded in the target's migration history. */
async function appliedVersions(
  sql: postgres.TransactionSql,
  versions: string[],
): Promise<string[]> {
  const [{ history }] = await sql<{ history: boolean }[]>`
    select to_regclass('supabase_migrations.schema_migrations') is not null as history`
  if (!history) return []
  const rows = await sql<{ version: string }[]>`
    select version from supabase_migrations.schema_migrations where version = any(${versions})`
  return rows.map((row) => row.version).sort()
}

/**
 * Reads the database at `url` in one read-only transaction (the session is read-only too) and
 * compares it with our migrations. Changes nothing.
 */
export async function preflight(url: string, migrationsDir?: string): Promise<PreflightReport> {
  const { versions, objects } = await readMigrations(migrationsDir)
  const sql = postgres(url, {
    max: 1,
    prepare: false,
    onnotice: () => {},
    connection: { default_transaction_read_only: true, application_name: 'crm-sync-preflight' },
  })
  try {
    const [found, applied] = await sql.begin('read only', async (tx) => {
      return [await existing(tx, objects), await appliedVersions(tx, versions)] as const
    })
    const pending = versions.filter((version) => !applied.includes(version))
    const reports: ObjectReport[] = objects.map((object) => {
      const exists = found.has(`${object.kind}:${object.name}`)
      const migrationApplied = applied.includes(object.migration.split('_')[0])
      let verdict: ObjectReport['verdict'] = 'would create'
      if (exists && migrationApplied) verdict = 'ours (migration applied)'
      else if (exists && object.onExisting === 'fails') verdict = 'collision: push fails'
      else if (exists && object.onExisting === 'keeps') verdict = 'exists: kept'
      else if (exists) verdict = 'exists: replaced'
      return { ...object, exists, verdict }
    })
    return {
      applied,
      pending,
      objects: reports,
      collisions: reports.filter((report) => report.verdict === 'collision: push fails'),
    }
  } finally {
    await sql.end()
  }
}

/** The report as text for a person. */
export function formatReport(report: PreflightReport): string {
  const lines: string[] = []
  const pendingFiles = report.pending
  lines.push(
    report.applied.length === 0
      ? 'Migration history: none of our migrations is recorded there.'
      : `Migration history: ${report.applied.length} of our migrations already applied.`,
  )
  lines.push(
    pendingFiles.length === 0
      ? '`supabase db push` would apply no migration of ours.'
      : `\`supabase db push\` would apply ${pendingFiles.length} migration(s): ${
        pendingFiles.join(', ')
      }`,
  )
  const section = (title: string, verdicts: ObjectReport['verdict'][], note: string) => {
    const rows = report.objects.filter((o) => verdicts.includes(o.verdict))
    if (rows.length === 0) return
    lines.push('', `${title} (${rows.length}): ${note}`)
    for (const o of rows) lines.push(`  ${o.kind.padEnd(9)} ${o.name.padEnd(44)} ${o.migration}`)
  }
  section(
    'COLLISIONS',
    ['collision: push fails'],
    'exist already; our plain CREATE fails and db push stops at that migration',
  )
  section(
    'Exist, will be replaced',
    ['exists: replaced'],
    'CREATE OR REPLACE / cron.schedule overwrites them (check they are not yours)',
  )
  section(
    'Exist, will be kept',
    ['exists: kept'],
    'IF NOT EXISTS keeps yours as it is (check it is what our migrations expect)',
  )
  section('Would create', ['would create'], 'not there yet')
  section('Already ours', ['ours (migration applied)'], 'made by migrations recorded there')
  lines.push(
    '',
    report.collisions.length === 0
      ? 'No collision: db push can run.'
      : `${report.collisions.length} collision(s): see README "Adopting into an existing project".`,
  )
  return lines.join('\n')
}

if (import.meta.main) {
  const usage = 'usage: npm run preflight -- [--json] <postgres url>'
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    console.log(usage)
    Deno.exit(0)
  }
  const url = positionals[0]
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    console.error(usage)
    Deno.exit(2)
  }
  let report: PreflightReport
  try {
    report = await preflight(url)
  } catch (error) {
    // The message of a connection error names host and user, never the password.
    console.error(`preflight: cannot read the database: ${(error as Error).message}`)
    Deno.exit(1)
  }
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report))
  // 3: collisions found, so a script can stop before `db push`.
  Deno.exit(report.collisions.length > 0 ? 3 : 0)
}
