// A CRM search page as the sync takes it: each record's shape checked, its place in the read's
// order found, and the page's bytes handed on for Postgres to map (a RecordMapping per object).
// Property values are strings or null (facts hubspot.md §2); only the id and the modified date
// must be there.
import { ProviderError } from '../../http/errors.ts'
import type { RecordBatch, RecordMapping } from '../../sync/upsert.ts'
import { storable } from '../../sync/upsert.ts'
import { hubspotMs, type PagedRecord } from './crm-read.ts'

export interface SearchPage {
  rows: RecordBatch
  /** Each record's (modified ms, id), in page order. */
  records: PagedRecord[]
  /** HubSpot has results past this page. */
  more: boolean
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isId = (value: unknown): value is string =>
  typeof value === 'string' && /^[1-9][0-9]{0,18}$/.test(value)

function invalid(what: string): ProviderError {
  return new ProviderError(`HubSpot sent a search page we cannot read (${what})`, {
    code: 'hubspot_invalid_page',
  })
}

/** ISO 8601 with milliseconds, as Postgres and the cursor take it. */
const isoMs = (ms: number) => new Date(ms).toISOString()

/**
 * Reads one search answer (`{total, results, paging}`). `body` is the text it was parsed from,
 * passed on as it is unless a record had to change: a modified date sent as epoch ms (trap 13)
 * is written as ISO, and text Postgres cannot store (U+0000, a lone surrogate) is cleaned, the
 * batch naming the record.
 *
 * @throws {ProviderError} `hubspot_invalid_page` when the page or a record lacks what the search
 * asked for.
 */
export function readSearchPage(
  data: unknown,
  body: string,
  modifiedProperty: string,
  mapping: RecordMapping,
): SearchPage {
  if (!isObject(data) || !Array.isArray(data.results)) throw invalid('no results')
  const results = data.results as unknown[]
  const paging = data.paging
  const more = isObject(paging) && isObject(paging.next)
  const mayHoldNul = body.includes('\\u0000') || /\\u[dD][89a-fA-F]/.test(body)
  let changed = false
  const cleaned: string[] = []
  const records: PagedRecord[] = []
  for (let i = 0; i < results.length; i++) {
    const record = results[i]
    if (!isObject(record) || !isId(record.id) || !isObject(record.properties)) {
      throw invalid('a record without id or properties')
    }
    const id = record.id
    const stamp = record.properties[modifiedProperty]
    const ms = hubspotMs(stamp)
    if (Number.isNaN(ms)) throw invalid(`a record without ${modifiedProperty}`)
    let kept: Record<string, unknown> = record
    if (typeof stamp === 'string' && !stamp.includes('T')) {
      kept = { ...record, properties: { ...record.properties, [modifiedProperty]: isoMs(ms) } }
    }
    if (mayHoldNul) {
      const clean = storable(kept)
      if (clean !== kept) cleaned.push(id)
      kept = clean
    }
    if (kept !== record) {
      results[i] = kept
      changed = true
    }
    records.push({ id, ms })
  }
  return {
    rows: {
      length: results.length,
      json: changed ? JSON.stringify({ results }) : body,
      mapping,
      cleaned,
    },
    records,
    more,
  }
}

/**
 * `r.properties->>'name'` for a page mapping's SQL; property names are ours (constants), never
 * input.
 */
export const prop = (name: string) => `r.properties->>'${name.replace(/'/g, "''")}'`

/** A datetime property as ISO 8601 UTC text (as `toISOString` gives), for source_metadata. */
export const isoProp = (name: string) =>
  `case when ${prop(name)} ~ '^\\d{4}-\\d{2}-\\d{2}T' then to_char((${
    prop(name)
  })::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') end`

/**
 * The FROM clause of a page mapping: the answer's `results` as rows (`r.id`, `r.properties`,
 * `r.n` the position), for `distinct on (r.id) ... order by r.id, <stamp> desc, r.n desc`, so a
 * repeat keeps its newest version (the later one on a tie), as `newestPerRecord` does.
 */
export const resultsFrom =
  `rows from (jsonb_to_recordset(($1::text::jsonb)->'results') as (id text, properties jsonb))
          with ordinality as r(id, properties, n)`
