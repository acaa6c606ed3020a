// One page of the sync's query of any sObject, checked and handed on: every record's shape
// against the object's description (the fields it reads and their kinds), its Id made canonical,
// values Postgres cannot hold cleaned, and the page's greatest (SystemModstamp, Id) found.
// Postgres maps the records (the description's page SQL), so the function passes the page's
// bytes on unless a record had to change.
import { ProviderError } from '../../http/errors.ts'
import type { RecordBatch, RecordMapping } from '../../sync/upsert.ts'
import { storable } from '../../sync/upsert.ts'
import { toId18 } from './ids.ts'
import type { SalesforceCursor } from './sync-soql.ts'

/**
 * What a read field holds: text (string or null), a flag (boolean or null), a datetime, a
 * number, or a parent lookup's `{Name}` (`Account.Name` selects `Account`). A field the org hides
 * from us is absent, which counts as null. Mapped fields are not described: any JSON value.
 */
export type FieldKind = 'text' | 'flag' | 'datetime' | 'number' | 'parent'

/** How the sync reads one sObject into one table. */
export interface SObjectSync {
  /** The sObject's API name (Contact, Account, Foo__c). */
  sobject: string
  /** The SOQL field list: Id, SystemModstamp and IsDeleted first, then the object's own. */
  select: readonly string[]
  /** Fields to check besides Id, SystemModstamp and IsDeleted, by the key the record has them. */
  checks: ReadonlyArray<readonly [string, FieldKind]>
  /** The page SQL that maps the records onto the table. */
  mapping: RecordMapping
}

/** The fields every sync query reads first. */
export const systemFields = ['Id', 'SystemModstamp', 'IsDeleted'] as const

/** The Postgres type a field of each kind is read as in page SQL (`jsonb_to_record`). */
const pgTypes: Record<FieldKind, string> = {
  text: 'text',
  flag: 'boolean',
  datetime: 'timestamptz',
  number: 'numeric',
  parent: 'jsonb',
}

/** A field the sync reads: API name, kind, and its Postgres type when not the kind's own. */
export type ReadField = readonly [name: string, kind: FieldKind, pgType?: string]

/**
 * From one list of an object's fields: the SOQL field list (system fields first), the checks of
 * its records, and the typed columns its page SQL reads (`pageRecordsSql`).
 */
export function readFields(fields: readonly ReadField[]) {
  return {
    select: [...systemFields, ...fields.map(([name]) => name)],
    checks: fields.map(([name, kind]) => [name, kind] as const),
    columns: [
      ['Id', 'text'],
      ['SystemModstamp', 'timestamptz'],
      ['IsDeleted', 'boolean'],
      ...fields.map(([name, kind, pgType]) => [name, pgType ?? pgTypes[kind]] as const),
    ] as ReadonlyArray<readonly [string, string]>,
  }
}

/** Fields of one kind. */
export const ofKind = (kind: FieldKind, ...names: string[]): ReadField[] =>
  names.map((name) => [name, kind])

/**
 * `select` plus the mapped source fields it lacks (compared case-insensitively, as SOQL names
 * are: a repeat would be a MALFORMED_QUERY).
 */
export function withMappedFields(
  select: readonly string[],
  mapping: Readonly<Record<string, string>>,
): string[] {
  const have = new Set(select.map((field) => field.toLowerCase()))
  const extra = Object.keys(mapping).filter((field) => !have.has(field.toLowerCase()))
  return [...select, ...extra]
}

/** Epoch ms of a Salesforce datetime, NaN when it is not one. */
export function salesforceMs(value: unknown): number {
  if (typeof value !== 'string') return NaN
  // Salesforce sends UTC (`+0000`): the common case without a regular expression.
  if (value.endsWith('+0000')) return Date.parse(`${value.slice(0, -5)}Z`)
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
}

const isNullish = (value: unknown) => value === null || value === undefined
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function fits(kind: FieldKind, value: unknown): boolean {
  if (isNullish(value)) return true
  switch (kind) {
    case 'text':
      return typeof value === 'string'
    case 'flag':
      return typeof value === 'boolean'
    case 'datetime':
      return !Number.isNaN(salesforceMs(value))
    case 'number':
      return typeof value === 'number'
    case 'parent':
      return isObject(value) && (typeof value.Name === 'string' || isNullish(value.Name))
  }
}

/** The first field of `record` that does not have the shape `spec` reads, or undefined. */
export function misfit(spec: SObjectSync, record: unknown): string | undefined {
  if (!isObject(record)) return '(record)'
  if (typeof record.Id !== 'string' || toId18(record.Id) === undefined) return 'Id'
  if (Number.isNaN(salesforceMs(record.SystemModstamp))) return 'SystemModstamp'
  if (typeof record.IsDeleted !== 'boolean') return 'IsDeleted'
  for (const [field, kind] of spec.checks) {
    if (!fits(kind, record[field])) return field
  }
  return undefined
}

const isQueryPage = (
  data: unknown,
): data is { done: boolean; nextRecordsUrl?: string; records: unknown[] } =>
  isObject(data) && typeof data.done === 'boolean' && Array.isArray(data.records) &&
  (data.nextRecordsUrl === undefined || typeof data.nextRecordsUrl === 'string')

export interface SObjectPage {
  rows: RecordBatch
  /** The greatest (SystemModstamp, Id) of the page; null when it is empty. */
  cursor: SalesforceCursor | null
  nextRecordsUrl: string | null
}

/**
 * Reads one query page of `spec`'s object: checks every record, finds the cursor, and hands the
 * page on for Postgres to map. `body` is the response text the page was parsed from: passed on
 * as it is unless a record had to change (a 15-character Id made canonical, or U+0000 or a lone
 * surrogate cleaned from a value: Postgres cannot store them, and one such value must not stop
 * the integration's sync; the record is stored cleaned, and the batch names it). The cursor is
 * the page's greatest position, not merely its last row, so a page out of order could never
 * move the cursor past a record it did not store.
 *
 * @throws {ProviderError} `salesforce_invalid_page` when the page or a record is not what the
 * query asked for.
 */
export function readSObjectPage(spec: SObjectSync, data: unknown, body?: string): SObjectPage {
  if (!isQueryPage(data) || (!data.done && !data.nextRecordsUrl)) {
    throw new ProviderError('Salesforce sent a query page we cannot read', {
      code: 'salesforce_invalid_page',
    })
  }
  const records = data.records
  // The body's escapes say whether a value may hold U+0000 or a surrogate (alone, jsonb refuses
  // it); a false alarm (an escaped pair) only costs a look at each record.
  const mayHoldNul = body === undefined || body.includes('\\u0000') ||
    /\\u[dD][89a-fA-F]/.test(body)
  let changed = body === undefined
  // The greatest (epoch ms, Id) so far: the order of `isCursorAfter` (stamps as instants, then
  // Ids by code unit), compared without formatting a date per record.
  let best: { ms: number; id: string } | null = null
  const cleaned: string[] = []
  for (let i = 0; i < records.length; i++) {
    const record = records[i]
    const wrong = misfit(spec, record)
    if (wrong !== undefined) {
      throw new ProviderError(`Salesforce sent a ${spec.sobject} we cannot read`, {
        code: 'salesforce_invalid_page',
        details: { issues: [wrong] },
      })
    }
    let kept = record as Record<string, unknown>
    if ((kept.Id as string).length !== 18) kept = { ...kept, Id: toId18(kept.Id as string) }
    if (mayHoldNul) {
      const clean = storable(kept)
      if (clean !== kept) cleaned.push(clean.Id as string)
      kept = clean
    }
    if (kept !== record) {
      records[i] = kept
      changed = true
    }
    const ms = salesforceMs(kept.SystemModstamp)
    const id = kept.Id as string
    if (!best || ms > best.ms || (ms === best.ms && id > best.id)) best = { ms, id }
  }
  const cursor = best ? { modstamp: new Date(best.ms).toISOString(), id: best.id } : null
  return {
    rows: {
      length: records.length,
      json: changed ? JSON.stringify({ records }) : body!,
      mapping: spec.mapping,
      cleaned,
    },
    cursor,
    nextRecordsUrl: data.done ? null : data.nextRecordsUrl!,
  }
}

/** A datetime column of the page as the ISO 8601 UTC text `toISOString` gives, in SQL. */
export const isoUtc = (column: string) =>
  `to_char(r."${column}" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/**
 * The FROM clause over the page's `records` (`$1`): each record as `e.rec` (jsonb) with its
 * position `e.n`, and its `columns` typed as `r."Name"` (`jsonb_to_record`).
 */
export function pageRecordsSql(columns: ReadonlyArray<readonly [string, string]>): string {
  return `jsonb_array_elements(($1::text::jsonb)->'records') with ordinality as e(rec, n)
        cross join lateral jsonb_to_record(e.rec) as r(${
    columns.map(([name, type]) => `"${name}" ${type}`).join(', ')
  })`
}

/** One row per Id, the newest version (on a tie, the later one), as `newestPerRecord` does. */
export const newestFirst = 'order by r."Id", r."SystemModstamp" desc, e.n desc'

/** The mapped fields of `e.rec` under the team's names (opts.field_mapping), as jsonb. */
export const mappedFieldsSql = `(select coalesce(jsonb_object_agg(m.value,
           coalesce(e.rec -> m.key, 'null'::jsonb)), '{}'::jsonb)
          from opts, jsonb_each_text(opts.field_mapping) m)`

/** The whole record under `record` when the team opted in (opts.keep_source), else nothing. */
export const keptRecordSql = `(select case when opts.keep_source
          then jsonb_build_object('record', e.rec - 'attributes') else '{}'::jsonb end from opts)`
