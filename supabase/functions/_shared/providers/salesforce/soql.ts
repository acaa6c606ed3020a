// SOQL literals, written so no value reaches a query raw: strings escaped per SOQL's rules,
// LIKE patterns with their wildcards escaped, unquoted dateTimes, canonical Id literals.
import { toId18 } from './ids.ts'

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

/**
 * A SOQL dateTime literal: unquoted, UTC with `Z` (a `+` offset would need URL-encoding care);
 * whole seconds, as Salesforce stores them, with milliseconds only if there are any.
 */
export function soqlDateTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a datetime: ${iso}`)
  const text = date.toISOString()
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text
}

/** An Id literal; only canonical ids are accepted, so nothing else can reach the query. */
export function soqlId(id: string): string {
  if (toId18(id) !== id) throw new RangeError('not an 18-character Salesforce id')
  return `'${id}'`
}
