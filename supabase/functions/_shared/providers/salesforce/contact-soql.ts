// The SOQL the contacts function sends: a page of the live browse and contacts by Id. Every
// value reaches SOQL through the literals of soql.ts, never raw.
import { toId18 } from './ids.ts'
import { soqlContains, soqlString } from './soql.ts'

/** Fields a contact picker shows, Account.Name included (a parent lookup, null when unset). */
export const pickerFields = [
  'Id',
  'FirstName',
  'LastName',
  'Name',
  'Email',
  'Phone',
  'MobilePhone',
  'Title',
  'Department',
  'AccountId',
  'Account.Name',
] as const

/** Fields a campaign lead copies from its Contact. */
export const leadFields = [
  'Id',
  'FirstName',
  'LastName',
  'Email',
  'Phone',
  'Title',
  'Account.Name',
] as const

export interface RemotePageQuery {
  /** Rows to ask for; the caller asks one more than it shows to learn whether a page follows. */
  limit: number
  /** Keyset position: only ids after this one (canonical 18-character id). */
  afterId?: string
  /** Matched anywhere in Name or Email, case-insensitively (SOQL LIKE is). */
  search?: string
}

/**
 * One page of Contacts for the picker, in Id order. Id is the key: it is unique and its sort
 * agrees with `>` (it is how Salesforce's own PK chunking walks a table), so a keyset on it
 * visits every row once. Names would not do: they repeat, may be null, and sort by locale
 * collation, so a name keyset could skip or repeat rows at a page boundary.
 */
export function remotePageSoql({ limit, afterId, search }: RemotePageQuery): string {
  if (!Number.isInteger(limit) || limit < 1 || limit > 2000) {
    throw new RangeError('limit must be an integer from 1 to 2000')
  }
  const conditions: string[] = []
  if (afterId !== undefined) {
    // Cursors are validated at the route; this guard keeps the builder safe on its own.
    const id = toId18(afterId)
    if (id !== afterId) throw new RangeError('afterId must be a canonical 18-character id')
    conditions.push(`Id > ${soqlString(id)}`)
  }
  if (search !== undefined && search !== '') {
    const pattern = soqlContains(search)
    conditions.push(`(Name LIKE ${pattern} OR Email LIKE ${pattern})`)
  }
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''
  return `SELECT ${pickerFields.join(', ')} FROM Contact${where} ORDER BY Id LIMIT ${limit}`
}

/**
 * `SELECT <lead fields> FROM Contact WHERE Id IN (...)` in three parts, so the batch planner can
 * measure a query id by id from the same text `contactsByIdSoql` sends.
 */
export const contactsByIdParts = {
  head: `SELECT ${leadFields.join(', ')} FROM Contact WHERE Id IN (`,
  separator: ',',
  tail: ')',
} as const

/** The lead fields of the given Contacts (canonical ids; at most what one batch allows). */
export function contactsByIdSoql(ids: readonly string[]): string {
  if (ids.length === 0) throw new RangeError('at least one id is needed')
  const { head, separator, tail } = contactsByIdParts
  return head + ids.map(soqlString).join(separator) + tail
}
