// The sandbox's truth against the contacts table: every Contact of an org (live and in the
// Recycle Bin) compared with the rows the sync wrote, field by field.
import assert from 'node:assert/strict'
import type { RunningSandbox } from './salesforce-sandbox.ts'
import type { AdminSql } from './test-db.ts'

export interface TruthReport {
  /** Records the org has (live + deleted, visible now). */
  records: number
  /** Live contacts the table shows. */
  live: number
  /** Records absent from the table, or shown live/deleted the wrong way round. */
  missing: string[]
  /**
   * Rows whose record the org does not have, except records it purged or hard-deleted, which
   * must be there as deleted rows (a live one counts as extra).
   */
  extra: string[]
  /** Rows of purged or hard-deleted records, all soft-deleted. */
  purged: number
  /** Records with more than one row (ids compared case-insensitively, as 18-char ids are). */
  duplicated: string[]
  /** Rows whose fields differ from the record's current values. */
  stale: string[]
}

/** A contacts row as the truth compares it. */
export interface ContactRowView {
  source_id: string
  first_name: string | null
  last_name: string | null
  email: string | null
  phone: string | null
  company: string | null
  title: string | null
  source_modstamp: Date | null
  deleted: boolean
  sync_status: string
}

/**
 * What the contacts row of a record must say, from the sandbox's own record. A parent in the
 * Recycle Bin is no longer reachable through the relationship (`Account` is null in the query).
 */
function expectedRow(sandbox: RunningSandbox, orgId: string, record: Record<string, unknown>) {
  const parent = typeof record.AccountId === 'string'
    ? sandbox.control.getRecord(orgId, 'Account', record.AccountId)
    : null
  const account = parent?.IsDeleted === false ? parent : null
  const stamp = String(record.SystemModstamp).replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
  return {
    first_name: (record.FirstName as string | null) ?? null,
    last_name: (record.LastName as string | null) ?? null,
    email: (record.Email as string | null) ?? null,
    phone: (record.Phone as string | null) ?? (record.MobilePhone as string | null) ?? null,
    company: (account?.Name as string | null) ?? null,
    title: (record.Title as string | null) ?? null,
    source_modstamp: new Date(stamp).toISOString(),
    deleted: record.IsDeleted === true,
  }
}

/** Every contacts row the integration wrote, as the truth compares it. */
export async function contactRowsOf(
  sql: AdminSql,
  integrationId: string,
): Promise<ContactRowView[]> {
  return await sql<ContactRowView[]>`
    select source_id, first_name, last_name, email, phone, company, title, source_modstamp,
           deleted_at is not null as deleted, sync_status
      from public.contacts where integration_id = ${integrationId}`
}

/** Compares the integration's contacts with the org's Contacts as the sandbox has them now. */
export async function compareWithSandbox(
  sql: AdminSql,
  sandbox: RunningSandbox,
  orgId: string,
  integrationId: string,
): Promise<TruthReport> {
  const rows = await contactRowsOf(sql, integrationId)
  const byId = new Map<string, ContactRowView>()
  const duplicated: string[] = []
  for (const row of rows) {
    const key = row.source_id.toLowerCase()
    if (byId.has(key)) duplicated.push(row.source_id)
    byId.set(key, row)
  }
  const ids = sandbox.control.listIds(orgId, 'Contact', { includeDeleted: true })
  const missing: string[] = []
  const stale: string[] = []
  for (const id of ids) {
    const record = sandbox.control.getRecord(orgId, 'Contact', id)!
    const want = expectedRow(sandbox, orgId, record)
    const row = byId.get(id.toLowerCase())
    byId.delete(id.toLowerCase())
    if (!row || row.deleted !== want.deleted || row.source_id !== id) {
      missing.push(id)
      continue
    }
    const got = {
      first_name: row.first_name,
      last_name: row.last_name,
      email: row.email,
      phone: row.phone,
      company: row.company,
      title: row.title,
      source_modstamp: row.source_modstamp?.toISOString(),
      deleted: row.deleted,
    }
    const statusRight = row.sync_status === (want.deleted ? 'deleted' : 'synced')
    if (JSON.stringify(got) !== JSON.stringify(want) || !statusRight) {
      stale.push(id)
      if (Deno.env.get('SYNC_TRUTH_DEBUG')) console.error(JSON.stringify({ got, want }))
    }
  }
  // What the org purged (Recycle Bin emptied, hard deletes) no query returns: the row must stay,
  // soft-deleted, like any other delete.
  const purged = new Set(
    sandbox.control.listPurgedIds(orgId, 'Contact').map((id) => id.toLowerCase()),
  )
  const leftover = [...byId.entries()]
  const extra = leftover.filter(([key, row]) =>
    !(purged.has(key) && row.deleted && row.sync_status === 'deleted')
  )
  return {
    records: ids.length,
    live: rows.filter((row) => !row.deleted).length,
    missing,
    extra: extra.map(([, row]) => row.source_id),
    purged: leftover.length - extra.length,
    duplicated,
    stale,
  }
}

/**
 * Asserts zero missing, extra, duplicated and stale rows, naming a few of each otherwise, for an
 * org that has records: an empty org would match an empty table (or a wrong integration id).
 */
export async function assertMatchesSandbox(
  sql: AdminSql,
  sandbox: RunningSandbox,
  orgId: string,
  integrationId: string,
  label = 'contacts',
): Promise<TruthReport> {
  const report = await compareWithSandbox(sql, sandbox, orgId, integrationId)
  return assertExact(report, label)
}

/**
 * Asserts a truth report (any provider's) has zero missing, extra, duplicated and stale rows,
 * naming a few of each otherwise, and that there were records to compare.
 */
export function assertExact<R extends TruthReport>(report: R, label = 'contacts'): R {
  assert.ok(report.records > 0, `${label}: the source has no record to compare with`)
  const sample = (ids: string[]) => `${ids.length} (${ids.slice(0, 3).join(', ')})`
  assert.deepEqual(
    {
      missing: report.missing.length,
      extra: report.extra.length,
      duplicated: report.duplicated.length,
      stale: report.stale.length,
    },
    { missing: 0, extra: 0, duplicated: 0, stale: 0 },
    `${label}: missing ${sample(report.missing)}, extra ${sample(report.extra)}, ` +
      `duplicated ${sample(report.duplicated)}, stale ${sample(report.stale)}`,
  )
  return report
}
