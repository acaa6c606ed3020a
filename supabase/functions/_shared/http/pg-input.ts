// What Postgres can hold, checked at the edge: text without U+0000 or unpaired surrogates, and
// timestamps inside timestamptz's range. A value Postgres refuses would otherwise surface as a 500
// from the first statement that carries it; refused here, it is a 400 and nothing is written.
import { z } from 'zod'

/**
 * Why Postgres cannot store `text`, or undefined when it can. U+0000 is refused by every text
 * type and by jsonb (`\u0000`); an unpaired surrogate cannot be encoded as UTF-8 and breaks jsonb
 * (`\ud800`), and in text it would silently turn into U+FFFD.
 */
export function pgTextProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain U+0000'
  if (!text.isWellFormed()) return 'must not contain unpaired surrogates'
  return undefined
}

/** One string in `value` (keys included) that Postgres cannot store, with its path. */
export interface UnstorableText {
  path: string
  message: string
}

/**
 * The first string of `value`, at any depth, that Postgres cannot store; object keys count, since
 * a jsonb column keeps them. Used on every validated input, so no route has to remember it.
 * Iterative, with each node pointing at its parent: a hostile body nests 100,000 levels deep, and
 * neither the call stack nor a copied path per level may grow with it.
 */
export function findUnstorableText(value: unknown): UnstorableText | undefined {
  type Node = { value: unknown; key?: string; parent?: Node }
  const pathOf = (node: Node | undefined) => {
    const keys: string[] = []
    for (let at = node; at?.key !== undefined; at = at.parent) keys.push(at.key)
    return keys.reverse().join('.')
  }
  const stack: Node[] = [{ value }]
  for (let node = stack.pop(); node; node = stack.pop()) {
    const current = node.value
    if (typeof current === 'string') {
      const message = pgTextProblem(current)
      if (message) return { path: pathOf(node), message }
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) {
        stack.push({ value: current[index], key: String(index), parent: node })
      }
    } else if (
      current !== null && typeof current === 'object' &&
      Object.getPrototypeOf(current) === Object.prototype
    ) {
      const entries = Object.entries(current)
      for (const [key] of entries) {
        const keyProblem = pgTextProblem(key)
        if (keyProblem) return { path: pathOf(node), message: `a key ${keyProblem}` }
      }
      for (let index = entries.length - 1; index >= 0; index--) {
        stack.push({ value: entries[index][1], key: entries[index][0], parent: node })
      }
    }
  }
  return undefined
}

/** Postgres's widest zone offset is ±15:59 (15:59:59); `+16:00` is "displacement out of range". */
const maxOffsetMinutes = 15 * 60 + 59

/**
 * Whether timestamptz holds `iso` (already ISO 8601 by zod). Zod checks the calendar; this adds
 * what Postgres adds: no year 0 (1 BC has no ISO year 0000 in Postgres), and offsets within
 * ±15:59. Four-digit years never reach timestamptz's upper end (294276 AD).
 */
function fitsTimestamptz(iso: string): boolean {
  if (Number(iso.slice(0, 4)) < 1) return false
  const offset = iso.match(/([+-])(\d{2}):?(\d{2})$/)
  return !offset || Number(offset[2]) * 60 + Number(offset[3]) <= maxOffsetMinutes
}

/**
 * An ISO 8601 timestamp that Postgres's timestamptz accepts: with an offset (or Z) by default,
 * UTC with exactly `precision` fraction digits when given (our cursors).
 *
 * @example pgTimestamp().optional()      // updated_since
 * @example pgTimestamp({ precision: 6 }) // a cursor's updated_at, as Postgres prints it
 */
export function pgTimestamp(options: { precision?: number } = {}) {
  const iso = options.precision === undefined
    ? z.iso.datetime({ offset: true })
    : z.iso.datetime({ precision: options.precision })
  return iso.refine(
    fitsTimestamptz,
    'must be a date Postgres can hold (year 0001 or later, offset within ±15:59)',
  )
}
