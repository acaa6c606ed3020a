// SOQL parser: SELECT fields FROM object [WHERE ...] [ORDER BY ...] [LIMIT n] [OFFSET n].

import type { ComparisonOp, Condition, FieldPath, Literal, OrderItem, Query } from './ast.ts'
import { malformed, SoqlError } from './errors.ts'
import { type Token, tokenize } from './lexer.ts'

/** SOQL keywords that cannot start a field name where a clause is expected. */
const RESERVED = new Set([
  'select',
  'from',
  'where',
  'and',
  'or',
  'not',
  'in',
  'like',
  'order',
  'by',
  'limit',
  'offset',
  'null',
  'true',
  'false',
  'group',
  'having',
  'with',
  'for',
  'using',
  'includes',
  'excludes',
])

const DATE_LITERALS = new Set([
  'TODAY',
  'YESTERDAY',
  'TOMORROW',
  'LAST_WEEK',
  'THIS_WEEK',
  'NEXT_WEEK',
  'LAST_MONTH',
  'THIS_MONTH',
  'NEXT_MONTH',
])
const DATE_LITERALS_N = new Set(['LAST_N_DAYS', 'NEXT_N_DAYS', 'LAST_N_HOURS', 'NEXT_N_HOURS'])

export const MAX_OFFSET = 2000

export function parseSoql(soql: string): Query {
  if (soql.trim() === '') throw malformed('SOQL statements cannot be empty or null', null)
  return new Parser(tokenize(soql)).query()
}

class Parser {
  #i = 0
  constructor(private readonly tokens: Token[]) {}

  query(): Query {
    this.keyword('select')
    let count = false
    const fields: FieldPath[] = []
    if (
      this.isKeyword('count') && this.peek(1).kind === 'op' &&
      (this.peek(1) as { text: string }).text === '('
    ) {
      this.next()
      this.op('(')
      this.op(')')
      count = true
    } else {
      do {
        fields.push(this.fieldPath())
      } while (this.acceptOp(','))
    }
    this.keyword('from')
    const fromTok = this.ident()
    let alias: string | null = null
    const maybeAlias = this.peek()
    if (maybeAlias.kind === 'ident' && !RESERVED.has(maybeAlias.text.toLowerCase())) {
      alias = this.ident().text
    }
    const q: Query = {
      count,
      fields,
      from: { name: fromTok.text, alias, pos: fromTok.pos },
      where: null,
      orderBy: [],
      limit: null,
      offset: null,
    }
    if (this.acceptKeyword('where')) q.where = this.condition()
    if (this.acceptKeyword('order')) {
      this.keyword('by')
      do q.orderBy.push(this.orderItem())
      while (this.acceptOp(','))
    }
    if (this.acceptKeyword('limit')) q.limit = this.nonNegativeInt()
    if (this.acceptKeyword('offset')) {
      const tok = this.peek()
      q.offset = this.nonNegativeInt()
      if (q.offset > MAX_OFFSET) {
        throw new SoqlError(
          'NUMBER_OUTSIDE_VALID_RANGE',
          `Maximum SOQL offset allowed is ${MAX_OFFSET}`,
          tok.pos,
        )
      }
    }
    const end = this.peek()
    if (end.kind !== 'eof') throw this.unexpected(end)
    return q
  }

  /**
   * WHERE grammar: a run of simple conditions joined by one kind of operator. Salesforce
   * requires parentheses when AND and OR are mixed, and NOT only opens a condition.
   */
  condition(): Condition {
    const first = this.acceptKeyword('not')
      ? { kind: 'not' as const, item: this.simple() }
      : this.simple()
    const joiner = this.peek()
    if (!(joiner.kind === 'ident' && /^(and|or)$/i.test(joiner.text))) return first
    const kind = joiner.text.toLowerCase() as 'and' | 'or'
    const items = [first]
    while (this.acceptKeyword(kind)) items.push(this.simple())
    const after = this.peek()
    if (after.kind === 'ident' && /^(and|or)$/i.test(after.text)) throw this.unexpected(after)
    return { kind, items }
  }

  simple(): Condition {
    if (this.acceptOp('(')) {
      const inner = this.condition()
      this.op(')')
      return inner
    }
    const field = this.fieldPath()
    const tok = this.next()
    if (tok.kind === 'op' && ['=', '!=', '<>', '<', '<=', '>', '>='].includes(tok.text)) {
      const op = (tok.text === '<>' ? '!=' : tok.text) as ComparisonOp
      return { kind: 'compare', field, op, value: this.literal() }
    }
    if (tok.kind === 'ident') {
      const word = tok.text.toLowerCase()
      if (word === 'like') return { kind: 'like', field, value: this.literal() }
      if (word === 'in') return { kind: 'in', field, negated: false, values: this.list() }
      if (word === 'not' && this.isKeyword('in')) {
        this.next()
        return { kind: 'in', field, negated: true, values: this.list() }
      }
    }
    throw this.unexpected(tok)
  }

  list(): Literal[] {
    this.op('(')
    const values: Literal[] = []
    do values.push(this.literal())
    while (this.acceptOp(','))
    this.op(')')
    return values
  }

  literal(): Literal {
    const tok = this.next()
    switch (tok.kind) {
      case 'string':
        return { kind: 'string', value: tok.value, pos: tok.pos }
      case 'number':
        return { kind: 'number', value: tok.value, pos: tok.pos }
      case 'datetime':
        return { kind: 'datetime', ms: tok.ms, pos: tok.pos }
      case 'date':
        return { kind: 'date', value: tok.value, pos: tok.pos }
      case 'ident': {
        const upper = tok.text.toUpperCase()
        if (upper === 'NULL') return { kind: 'null', pos: tok.pos }
        if (upper === 'TRUE' || upper === 'FALSE') {
          return { kind: 'boolean', value: upper === 'TRUE', pos: tok.pos }
        }
        if (DATE_LITERALS.has(upper)) {
          return { kind: 'dateLiteral', name: upper, n: null, pos: tok.pos }
        }
        if (DATE_LITERALS_N.has(upper)) {
          this.op(':')
          const n = this.nonNegativeInt()
          return { kind: 'dateLiteral', name: upper, n, pos: tok.pos }
        }
        throw this.unexpected(tok)
      }
      case 'op':
        if (tok.text === ':') {
          // Apex bind variables do not exist over the API.
          throw malformed(`unexpected token: ':'`, tok.pos)
        }
    }
    throw this.unexpected(tok)
  }

  orderItem(): OrderItem {
    const field = this.fieldPath()
    let descending = false
    if (this.acceptKeyword('desc')) descending = true
    else this.acceptKeyword('asc')
    let nullsLast = false
    if (this.acceptKeyword('nulls')) {
      if (this.acceptKeyword('last')) nullsLast = true
      else this.keyword('first')
    }
    return { field, descending, nullsLast }
  }

  fieldPath(): FieldPath {
    const first = this.ident()
    if (RESERVED.has(first.text.toLowerCase())) throw this.unexpected(first)
    const segments = [first.text]
    while (this.acceptOp('.')) segments.push(this.ident().text)
    return { segments, pos: first.pos }
  }

  nonNegativeInt(): number {
    const tok = this.next()
    if (tok.kind !== 'number' || !Number.isInteger(tok.value) || tok.value < 0) {
      throw this.unexpected(tok)
    }
    return tok.value
  }

  // --- token helpers ---

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.#i + ahead, this.tokens.length - 1)]
  }

  next(): Token {
    const tok = this.peek()
    if (this.#i < this.tokens.length - 1) this.#i++
    return tok
  }

  ident(): Extract<Token, { kind: 'ident' }> {
    const tok = this.next()
    if (tok.kind !== 'ident') throw this.unexpected(tok)
    return tok
  }

  isKeyword(word: string): boolean {
    const tok = this.peek()
    return tok.kind === 'ident' && tok.text.toLowerCase() === word
  }

  acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false
    this.next()
    return true
  }

  keyword(word: string): void {
    const tok = this.next()
    if (!(tok.kind === 'ident' && tok.text.toLowerCase() === word)) throw this.unexpected(tok)
  }

  acceptOp(text: string): boolean {
    const tok = this.peek()
    if (tok.kind !== 'op' || tok.text !== text) return false
    this.next()
    return true
  }

  op(text: string): void {
    const tok = this.next()
    if (tok.kind !== 'op' || tok.text !== text) throw this.unexpected(tok)
  }

  unexpected(tok: Token): SoqlError {
    const text = tok.kind === 'eof'
      ? '<EOF>'
      : tok.kind === 'string'
      ? tok.raw
      : 'text' in tok
      ? tok.text
      : ''
    return malformed(`unexpected token: '${text}'`, tok.pos)
  }
}
