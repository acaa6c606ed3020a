// SOQL for Contacts: string literals escaped per SOQL's rules, and the queries the contacts
// function sends. Every value reaches SOQL through `soqlString`/`soqlContains`, never raw.
import { toId18 } from './contact-id.ts'

/**
 * The escapes SOQL string literals accept (facts §2.5; SOQL "Quoted String Escape Sequences").
 * One pass maps each character once, so the backslash an escape adds is never escaped again.
 */
const stringEscapes: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
}

/**
 * In a LIKE pattern `%` and `_` are wildcards and `\%`/`\_` match them literally. SOQL defines
 * no LIKE escape for a backslash itself ("do not use the backslash except to escape a special
 * character"), so rather than rely on undefined behaviour a backslash becomes the one-character
 * wildcard `_`: the rows are a superset, which `containsSearch` narrows to honest matches.
 */
const likeEscapes: Record<string, string> = {
  ...stringEscapes,
  '\\': '_',
  '%': '\\%',
  _: '\\_',
}

/**
 * Maps every character of `value` that needs it through `escapes`. A control character SOQL has
 * no escape for (e.g. NUL, vertical tab) cannot be written at all: routes refuse them, and this
 * refuses them again rather than send something SOQL would read differently.
 */
function escapeWith(value: string, escapes: Record<string, string>, special: RegExp): string {
  return value.replace(special, (char) => {
    const escaped = escapes[char]
    if (escaped === undefined) {
      throw new RangeError('A SOQL string literal cannot hold this control character')
    }
    return escaped
  })
}

/** `value` as a quoted SOQL string literal: `O'Brien` → `'O\'Brien'`. */
export function soqlString(value: string): string {
  return `'${escapeWith(value, stringEscapes, /[\\']|\p{Cc}/gu)}'`
}

/**
 * A LIKE pattern that matches `term` anywhere: its own `%` and `_` are escaped, so a search for
 * `100%` finds "100%" and not every value that starts with "100". When `term` holds a backslash
 * the pattern matches more than the term (see `likeEscapes`); filter with `containsSearch`.
 */
export function soqlContains(term: string): string {
  return `'%${escapeWith(term, likeEscapes, /[\\'%_]|\p{Cc}/gu)}%'`
}

/** Whether rows matched by `soqlContains(term)` must be narrowed with `containsSearch`. */
export function searchNeedsRecheck(term: string): boolean {
  return term.includes('\\')
}

/** `value` contains `term`, ignoring case as SOQL's LIKE does. */
export function containsSearch(value: string | null, term: string): boolean {
  return value !== null && value.toLowerCase().includes(term.toLowerCase())
}

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
