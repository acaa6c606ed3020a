// SOQL errors worded and positioned as Salesforce reports them (`ERROR at Row:r:Column:c`).

export type SoqlErrorCode =
  | 'MALFORMED_QUERY'
  | 'INVALID_FIELD'
  | 'INVALID_TYPE'
  | 'INVALID_QUERY_FILTER_OPERATOR'
  | 'NUMBER_OUTSIDE_VALID_RANGE'

export class SoqlError extends Error {
  constructor(
    readonly errorCode: SoqlErrorCode,
    readonly detail: string,
    /** Character offset the caret points at, or null for messages without one. */
    readonly pos: number | null,
  ) {
    super(detail)
  }

  /**
   * The message Salesforce returns: the offending line, a caret under the column, the
   * row/column, then the detail. Long lines are echoed as a window around the error.
   */
  render(soql: string): string {
    if (this.pos === null) return this.detail
    const before = soql.slice(0, this.pos)
    const row = before.split('\n').length
    const lineStart = before.lastIndexOf('\n') + 1
    const lineEnd = soql.indexOf('\n', this.pos) === -1 ? soql.length : soql.indexOf('\n', this.pos)
    const column = this.pos - lineStart + 1
    let line = soql.slice(lineStart, lineEnd)
    let caretAt = column - 1
    if (line.length > 120) {
      const from = Math.max(0, caretAt - 60)
      line = line.slice(from, from + 120)
      caretAt -= from
    }
    return `\n${line}\n${
      ' '.repeat(caretAt)
    }^\nERROR at Row:${row}:Column:${column}\n${this.detail}`
  }
}

export const malformed = (detail: string, pos: number | null) =>
  new SoqlError('MALFORMED_QUERY', detail, pos)
