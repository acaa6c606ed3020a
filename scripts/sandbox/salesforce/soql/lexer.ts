// SOQL tokenizer: identifiers, quoted strings with escapes, numbers, unquoted date/datetime literals.

import { malformed } from './errors.ts'
import { validParts } from '../format.ts'

export type Token =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'string'; value: string; raw: string; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'datetime'; ms: number; text: string; pos: number }
  | { kind: 'date'; value: string; text: string; pos: number }
  | { kind: 'op'; text: string; pos: number }
  | { kind: 'eof'; pos: number }

const OPERATORS = ['<=', '>=', '!=', '<>', '=', '<', '>', '(', ')', ',', '.', ':']
const DATE_OR_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:?\d{2})?)?/

/** Escapes allowed in SOQL string literals; `\%` and `\_` stay escaped for LIKE. */
const ESCAPES: Record<string, string> = {
  n: '\n',
  N: '\n',
  r: '\r',
  R: '\r',
  t: '\t',
  T: '\t',
  b: '\b',
  B: '\b',
  f: '\f',
  F: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
}

export function tokenize(soql: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < soql.length) {
    const c = soql[i]
    if (/\s/.test(c)) {
      i++
      continue
    }
    const start = i
    if (c === "'") {
      let value = ''
      i++
      for (;;) {
        if (i >= soql.length) throw malformed("unexpected token: '<EOF>'", soql.length)
        const ch = soql[i]
        if (ch === "'") break
        if (ch === '\\') {
          const next = soql[i + 1]
          if (next === '%' || next === '_') {
            // Kept as an escape: only LIKE patterns give them meaning.
            value += '\\' + next
            i += 2
            continue
          }
          if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(soql.slice(i + 2, i + 6))) {
            value += String.fromCharCode(parseInt(soql.slice(i + 2, i + 6), 16))
            i += 6
            continue
          }
          if (next === undefined || !(next in ESCAPES)) {
            throw malformed(
              `Invalid string literal '${
                soql.slice(start + 1, i + 2)
              }'. Illegal character sequence '\\${next ?? ''}' in string literal.`,
              start,
            )
          }
          value += ESCAPES[next]
          i += 2
          continue
        }
        value += ch
        i++
      }
      i++
      tokens.push({ kind: 'string', value, raw: soql.slice(start, i), pos: start })
      continue
    }
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(soql[i + 1] ?? '') && expectsValue(tokens))) {
      const dm = c === '-' ? null : DATE_OR_DATETIME.exec(soql.slice(i))
      if (dm && !/[0-9A-Za-z]/.test(soql[i + dm[0].length] ?? '')) {
        tokens.push(dateToken(dm, start))
        i += dm[0].length
        continue
      }
      const nm = /^-?\d+(?:\.\d+)?/.exec(soql.slice(i))!
      i += nm[0].length
      if (/[A-Za-z_:T]/.test(soql[i] ?? '')) {
        // e.g. `2024-01-01T00:00:00` without a zone, or `1abc`
        const bad = /^[^\s,()]+/.exec(soql.slice(start))![0]
        throw malformed(`unexpected token: '${bad}'`, start)
      }
      tokens.push({ kind: 'number', value: Number(nm[0]), text: nm[0], pos: start })
      continue
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(soql.slice(i))!
      i += m[0].length
      tokens.push({ kind: 'ident', text: m[0], pos: start })
      continue
    }
    const op = OPERATORS.find((o) => soql.startsWith(o, i))
    if (op) {
      i += op.length
      tokens.push({ kind: 'op', text: op, pos: start })
      continue
    }
    throw malformed(`line 1:${start} no viable alternative at character '${c}'`, start)
  }
  tokens.push({ kind: 'eof', pos: soql.length })
  return tokens
}

/** A leading minus is a sign only where a value is expected (after an operator or `(`/`,`). */
function expectsValue(tokens: Token[]): boolean {
  const last = tokens[tokens.length - 1]
  return !last || (last.kind === 'op' && last.text !== ')') ||
    (last.kind === 'ident' && /^(limit|offset|in|like)$/i.test(last.text))
}

function dateToken(m: RegExpExecArray, pos: number): Token {
  const [text, y, mo, d, h, mi, s, frac, zone] = m
  if (h === undefined) {
    if (!validParts(+y, +mo, +d)) throw malformed(`Invalid date: ${text}`, pos)
    return { kind: 'date', value: text, text, pos }
  }
  if (!validParts(+y, +mo, +d, +h, +mi, +s)) throw malformed(`Invalid datetime: ${text}`, pos)
  if (!zone) {
    // Without a zone Salesforce cannot place the instant; this is also what a `+hh:mm`
    // offset that was not URL-encoded turns into (the `+` arrives as a space).
    throw malformed(`unexpected token: '${text}'`, pos)
  }
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, frac ? Math.floor(+`0.${frac}` * 1000) : 0)
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    ms -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000
  }
  return { kind: 'datetime', ms, text, pos }
}
