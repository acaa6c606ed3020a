// The sandbox's truth against the tables of the other synced objects (accounts, crm_leads,
// crm_records): every record of an sObject (live and in the Recycle Bin) compared with the row
// the sync wrote, by the columns a test names.
import assert from 'node:assert/strict'
import type { RunningSandbox } from './salesforce-sandbox.ts'
import type { AdminSql } from './test-db.ts'

export interface ObjectTruth {
  /** The sObject in the sandbox. */
  sobject: string
  table: 'accounts' | 'crm_leads' | 'crm_records'
  /** The SQL select list giving the compared values (aliased as `expected` names them). */
  columns: string
  /** What the row must say, from the sandbox's record. */
  expected(record: Record<string, unknown>): Record<string, unknown>
}

/** JSON with object keys sorted (jsonb orders keys its own way), for comparing values. */
export function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item) =>
      item && typeof item === 'object' && !Array.isArray(item)
        ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)))
        : item,
  )
}

/** A Salesforce datetime as the ISO text Postgres gives back through `toISOString`. */
export const isoOf = (value: unknown) =>
  new Date(String(value).replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).toISOString()

/**
 * Asserts the integration's rows of `truth.sobject` match the sandbox: no record missing or
 * shown live/deleted the wrong way round, none stale, no live row the org does not have.
 */
export async function assertObjectMatchesSandbox(
  sql: AdminSql,
  sandbox: RunningSandbox,
  orgId: string,
  integrationId: string,
  truth: ObjectTruth,
  label = truth.sobject,
): Promise<{ records: number; live: number }> {
  // crm_records holds every other object: only this one's rows.
  const ofObject = truth.table === 'crm_records' ? 'and object = $2::text' : 'and $2::text is null'
  const rows = await sql.unsafe(
    `select source_id, deleted_at is not null as deleted, source_modstamp, ${truth.columns}
       from public.${truth.table} where integration_id = $1 ${ofObject}`,
    [integrationId, truth.table === 'crm_records' ? truth.sobject : null],
  )
  const held = new Map(rows.map((row) => [row.source_id as string, row]))
  const ids = sandbox.control.listIds(orgId, truth.sobject, { includeDeleted: true })
  const missing: string[] = []
  const stale: string[] = []
  for (const id of ids) {
    const record = sandbox.control.getRecord(orgId, truth.sobject, id)!
    const row = held.get(id)
    held.delete(id)
    if (!row || row.deleted !== (record.IsDeleted === true)) {
      missing.push(id)
      continue
    }
    const { source_id: _id, deleted: _deleted, source_modstamp, ...got } = row
    const want = truth.expected(record)
    if (
      canonical(got) !== canonical(want) ||
      (source_modstamp as Date).toISOString() !== isoOf(record.SystemModstamp)
    ) {
      stale.push(id)
      if (Deno.env.get('SYNC_TRUTH_DEBUG')) console.error(JSON.stringify({ got, want }))
    }
  }
  const purged = new Set(sandbox.control.listPurgedIds(orgId, truth.sobject))
  const extra = [...held.entries()].filter(([id, row]) => !(purged.has(id) && row.deleted))
  const sample = (list: string[]) => `${list.length} (${list.slice(0, 3).join(', ')})`
  assert.ok(ids.length > 0, `${label}: the org has no record to compare with`)
  assert.deepEqual(
    { missing: missing.length, stale: stale.length, extra: extra.length },
    { missing: 0, stale: 0, extra: 0 },
    `${label}: missing ${sample(missing)}, stale ${sample(stale)}, extra ${
      sample(extra.map(([id]) => id))
    }`,
  )
  return { records: ids.length, live: rows.filter((row) => !row.deleted).length }
}
