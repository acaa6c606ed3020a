// query/queryAll execution: sorted snapshots, batch sizes, and query locators that expire.

import { IdMinter } from './data/ids.ts'
import type { OrgState } from './state.ts'
import type { StoredRecord } from './store.ts'
import type { SchemaView } from './org-schema.ts'
import type { BoundField, CompiledQuery } from './soql/evaluate.ts'
import { compileQuery } from './soql/evaluate.ts'
import { parseSoql } from './soql/parser.ts'
import { createProjector } from './soql/project.ts'
import type { SObjectDef } from './schema.ts'

export const DEFAULT_BATCH = 2000
export const MIN_BATCH = 200

/** An open result set that nextRecordsUrl pages through. Rows are immutable record versions. */
interface Cursor {
  id: string
  orgId: string
  def: SObjectDef
  fields: BoundField[]
  rows: StoredRecord[]
  batchSize: number
  expiresAt: number
}

export interface QueryPage {
  totalSize: number
  done: boolean
  nextRecordsUrl?: string
  records: Record<string, unknown>[]
}

export class QueryCursors {
  readonly #cursors = new Map<string, Cursor>()
  #minter = new IdMinter('01g', 'RO')

  clear(): void {
    this.#cursors.clear()
    this.#minter = new IdMinter('01g', 'RO')
  }

  /** Runs SOQL against an org and returns the first page; throws SoqlError for bad queries. */
  run(
    org: OrgState,
    soql: string,
    opts: {
      includeDeleted: boolean
      batchSize: number
      apiVersion: string
      now: number
      ttlMs: number
      /** The objects and fields the calling user can see (field-level security). */
      schema?: SchemaView
    },
  ): QueryPage {
    const compiled = compileQuery(parseSoql(soql), org.data, opts.now, opts.schema)
    const rows = execute(compiled, org, opts.includeDeleted, opts.now)
    if (compiled.count) return { totalSize: rows.length, done: true, records: [] }
    this.#prune(opts.now)
    const cursor: Cursor = {
      id: this.#minter.mint(),
      orgId: org.id,
      def: compiled.def,
      fields: compiled.fields,
      rows,
      batchSize: Math.min(opts.batchSize, org.batchSizeCap ?? Infinity),
      expiresAt: opts.now + opts.ttlMs,
    }
    return this.#page(cursor, 0, org, opts.apiVersion, opts.now, opts.ttlMs)
  }

  /** Serves `<locator>-<offset>`; null when the locator is unknown or expired. */
  more(
    org: OrgState,
    locator: string,
    apiVersion: string,
    now: number,
    ttlMs: number,
  ): QueryPage | null {
    const m = /^([A-Za-z0-9]{15,18})-(\d+)$/.exec(locator)
    const cursor = m ? this.#cursors.get(m[1]) : undefined
    if (!m || !cursor || cursor.orgId !== org.id || cursor.expiresAt <= now) return null
    const offset = Number(m[2])
    if (offset > cursor.rows.length) return null
    return this.#page(cursor, offset, org, apiVersion, now, ttlMs)
  }

  expireOrg(orgId: string): number {
    let n = 0
    for (const [id, c] of this.#cursors) {
      if (c.orgId === orgId) {
        this.#cursors.delete(id)
        n++
      }
    }
    return n
  }

  get open(): number {
    return this.#cursors.size
  }

  #page(
    cursor: Cursor,
    offset: number,
    org: OrgState,
    apiVersion: string,
    now: number,
    ttlMs: number,
  ): QueryPage {
    const project = createProjector(cursor.def, cursor.fields, org.data, apiVersion)
    const end = Math.min(offset + cursor.batchSize, cursor.rows.length)
    const records = cursor.rows.slice(offset, end).map(project)
    const done = end >= cursor.rows.length
    if (done) {
      this.#cursors.delete(cursor.id)
      return { totalSize: cursor.rows.length, done: true, records }
    }
    // Cursors live 2 days after last use since API 56.0 (facts §2.3).
    cursor.expiresAt = now + ttlMs
    this.#cursors.set(cursor.id, cursor)
    return {
      totalSize: cursor.rows.length,
      done: false,
      nextRecordsUrl: `/services/data/v${apiVersion}/query/${cursor.id}-${end}`,
      records,
    }
  }

  #prune(now: number): void {
    for (const [id, c] of this.#cursors) if (c.expiresAt <= now) this.#cursors.delete(id)
  }
}

/** `Sforce-Query-Options: batchSize=N`, clamped to [200, 2000] (facts §2.1). */
export function batchSizeFrom(header: string | null): number {
  const m = header ? /batchSize\s*=\s*(\d+)/i.exec(header) : null
  if (!m) return DEFAULT_BATCH
  return Math.max(MIN_BATCH, Math.min(DEFAULT_BATCH, Number(m[1])))
}

/**
 * Matching rows in result order. Ordered queries walk a per-table cached sorted view, so a
 * client paging with a (SystemModstamp, Id) cursor does not re-sort the table each time; when
 * the WHERE bounds the first ORDER BY field from below (that cursor's keyset condition), the walk
 * starts at the bound, found by binary search in the view, instead of testing every row before
 * it; and scanning stops once OFFSET + LIMIT rows are found.
 */
export function execute(
  q: CompiledQuery,
  org: OrgState,
  includeDeleted: boolean,
  now: number,
): StoredRecord[] {
  const need = q.limit === null ? Infinity : q.offset + q.limit
  const out: StoredRecord[] = []
  if (need === 0) return out
  const keep = (rec: StoredRecord) =>
    rec.visibleAt <= now && (includeDeleted || !hiddenFromQuery(rec)) && q.matches(rec)
  if (!q.sort) {
    for (const rec of org.data.table(q.def.name).records.values()) {
      if (!keep(rec)) continue
      out.push(rec)
      if (out.length >= need) break
    }
  } else {
    const rows = sortedView(q, org)
    for (let i = q.seek ? firstTrue(rows, q.seek) : 0; i < rows.length; i++) {
      if (!keep(rows[i])) continue
      out.push(rows[i])
      if (out.length >= need) break
    }
  }
  return q.offset > 0 ? out.slice(q.offset) : out
}

/** `query` skips deleted rows and archived Tasks/Events; `queryAll` returns both (facts §2.4). */
function hiddenFromQuery(rec: StoredRecord): boolean {
  return rec.deletedAt !== null || rec.values.IsArchived === true
}

/** The first index at which `test` holds, `test` being false then true along `rows`. */
function firstTrue(rows: readonly StoredRecord[], test: (rec: StoredRecord) => boolean): number {
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (test(rows[mid])) hi = mid
    else lo = mid + 1
  }
  return lo
}

function sortedView(q: CompiledQuery, org: OrgState): StoredRecord[] {
  const table = org.data.table(q.def.name)
  const key = `${q.def.name}|${q.orderKey}`
  const cached = org.data.sortedViews.get(key)
  if (cached && cached.version === table.version) return cached.rows
  const rows = q.sort!([...table.records.values()])
  if (org.data.sortedViews.size >= 16) org.data.sortedViews.clear()
  org.data.sortedViews.set(key, { version: table.version, rows })
  return rows
}
