// CRM search: filterGroups (OR of ANDs) with HubSpot's operators and limits, one sort, offset
// paging capped at 10,000 results, evaluated against what the lagging index holds (facts §4).

import { propertyDef } from './properties.ts'
import type { HubRecord, IndexedVersion, ObjectType } from './state.ts'

export const SEARCH_RESULT_CAP = 10_000
export const SEARCH_PAGE_MAX = 200
const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
]

interface Filter {
  propertyName: string
  operator: string
  value?: unknown
  highValue?: unknown
  values?: unknown[]
}

export interface SearchRequest {
  groups: Filter[][]
  sort: { propertyName: string; descending: boolean } | null
  properties: string[] | null
  limit: number
  after: number
}

/** Parses and validates a search body: the request, or the validation message HubSpot sends. */
export function parseSearch(
  type: ObjectType,
  body: Record<string, unknown>,
): SearchRequest | string {
  const groupsIn = body.filterGroups ?? []
  if (!Array.isArray(groupsIn)) return 'filterGroups must be an array'
  // Since 2024-08: at most 5 groups, 10 filters a group, 25 filters in all (facts §4.1).
  if (groupsIn.length > 5) return 'Too many filter groups (max 5)'
  const groups: Filter[][] = []
  let total = 0
  for (const g of groupsIn) {
    const filters = (g as { filters?: unknown })?.filters
    if (!Array.isArray(filters)) return 'each filterGroup needs a filters array'
    if (filters.length > 10) return 'Too many filters in a filter group (max 10)'
    total += filters.length
    for (const f of filters as Filter[]) {
      if (!f || typeof f.propertyName !== 'string') return 'a filter needs a propertyName'
      if (!OPERATORS.includes(f.operator)) return `Invalid operator ${String(f.operator)}`
      if (!propertyDef(type, f.propertyName)) {
        return `There was a problem with the request. Property ${f.propertyName} does not exist`
      }
      if (f.operator === 'BETWEEN' && (f.value === undefined || f.highValue === undefined)) {
        return 'BETWEEN needs value and highValue'
      }
      if ((f.operator === 'IN' || f.operator === 'NOT_IN') && !Array.isArray(f.values)) {
        return `${f.operator} needs values`
      }
    }
    groups.push(filters as Filter[])
  }
  if (total > 25) return 'Too many filters (max 25)'
  // Only one sort is honoured; a string sort is a property name, `-name` descending.
  let sort: SearchRequest['sort'] = null
  const sorts = body.sorts
  if (Array.isArray(sorts) && sorts.length) {
    const s = sorts[0] as string | { propertyName?: string; direction?: string }
    sort = typeof s === 'string'
      ? { propertyName: s.replace(/^-/, ''), descending: s.startsWith('-') }
      : { propertyName: s.propertyName ?? '', descending: s.direction === 'DESCENDING' }
    if (!propertyDef(type, sort.propertyName)) {
      return `There was a problem with the request. Property ${sort.propertyName} does not exist`
    }
  }
  const limit = body.limit === undefined ? 10 : Number(body.limit)
  if (!Number.isInteger(limit) || limit < 0 || limit > SEARCH_PAGE_MAX) {
    return `limit must be between 0 and ${SEARCH_PAGE_MAX}`
  }
  const after = body.after === undefined || body.after === null || body.after === ''
    ? 0
    : Number(body.after)
  if (!Number.isInteger(after) || after < 0) return 'after must be a non-negative integer'
  const properties = Array.isArray(body.properties) ? body.properties.map(String) : null
  return { groups, sort, properties, limit, after }
}

/** Records (as indexed) matching the request, sorted; ties broken by id ascending. */
export function runSearch(
  type: ObjectType,
  records: Iterable<HubRecord>,
  req: SearchRequest,
): Array<{ record: HubRecord; version: IndexedVersion }> {
  const hits: Array<{ record: HubRecord; version: IndexedVersion }> = []
  for (const r of records) {
    // Search never returns archived records, nor any the index has not seen yet.
    if (r.archivedAt !== null || !r.indexed) continue
    const v = r.indexed
    if (!req.groups.length || req.groups.some((g) => g.every((f) => matches(type, v, f)))) {
      hits.push({ record: r, version: v })
    }
  }
  const sort = req.sort
  hits.sort((a, b) => {
    if (sort) {
      const c = compare(
        type,
        sort.propertyName,
        a.version.properties[sort.propertyName],
        b.version.properties[sort.propertyName],
      )
      if (c !== 0) return sort.descending ? -c : c
    }
    return Number(a.record.id) - Number(b.record.id)
  })
  return hits
}

/** A property value as a comparable: epoch ms for datetimes, numbers for numbers. */
function comparable(type: ObjectType, name: string, value: unknown): number | string | null {
  if (value === null || value === undefined || value === '') return null
  const kind = propertyDef(type, name)?.type
  const s = String(value)
  if (kind === 'datetime') return /^\d+$/.test(s) ? Number(s) : Date.parse(s)
  if (kind === 'number') return Number(s)
  return s.toLowerCase()
}

function compare(type: ObjectType, name: string, a: unknown, b: unknown): number {
  const x = comparable(type, name, a)
  const y = comparable(type, name, b)
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1
  return x < y ? -1 : x > y ? 1 : 0
}

function matches(type: ObjectType, v: IndexedVersion, f: Filter): boolean {
  const raw = v.properties[f.propertyName]
  const has = raw !== null && raw !== undefined && raw !== ''
  const cmp = (value: unknown) => {
    const x = comparable(type, f.propertyName, raw)
    const y = comparable(type, f.propertyName, value)
    if (x === null || y === null) return null
    return x < y ? -1 : x > y ? 1 : 0
  }
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return has
    case 'NOT_HAS_PROPERTY':
      return !has
    case 'EQ':
      return cmp(f.value) === 0
    case 'NEQ':
      return cmp(f.value) !== 0
    case 'LT':
      return cmp(f.value) === -1
    case 'LTE':
      return [-1, 0].includes(cmp(f.value) ?? 9)
    case 'GT':
      return cmp(f.value) === 1
    case 'GTE':
      return [1, 0].includes(cmp(f.value) ?? 9)
    case 'BETWEEN':
      return [1, 0].includes(cmp(f.value) ?? 9) && [-1, 0].includes(cmp(f.highValue) ?? 9)
    case 'IN':
      return (f.values ?? []).some((x) => cmp(x) === 0)
    case 'NOT_IN':
      return !(f.values ?? []).some((x) => cmp(x) === 0)
    case 'CONTAINS_TOKEN':
    case 'NOT_CONTAINS_TOKEN': {
      const token = String(f.value ?? '').toLowerCase().replaceAll('*', '')
      const found = has && String(raw).toLowerCase().includes(token)
      return f.operator === 'CONTAINS_TOKEN' ? found : !found
    }
  }
  return false
}
