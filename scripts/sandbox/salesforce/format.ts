// Wire formats of Salesforce values: datetimes as `2024-05-20T20:49:32.000+0000`, dates as `YYYY-MM-DD`.

export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000')
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

const DATETIME_INPUT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/

/**
 * Parses the datetime strings Salesforce accepts on input (REST bodies, getUpdated windows):
 * ISO-8601 with `Z`, `+hh:mm` or `+hhmm`; a missing zone means UTC. Returns null if invalid.
 */
export function parseDateTimeInput(text: string): number | null {
  const m = DATETIME_INPUT.exec(text)
  if (!m) return null
  const [, y, mo, d, h, mi, s, frac, zone] = m
  const base = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, frac ? Math.floor(+`0.${frac}` * 1000) : 0)
  if (!validParts(+y, +mo, +d, +h, +mi, +s)) return null
  if (!zone || zone === 'Z') return base
  const sign = zone[0] === '-' ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const offsetMin = +digits.slice(0, 2) * 60 + +digits.slice(2)
  return base - sign * offsetMin * 60_000
}

export function validParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate()
  return d <= daysInMonth
}
