// SOQL relative date literals (TODAY, LAST_N_DAYS:n, ...) as half-open UTC ranges.

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** [from, to) in ms for a date literal, evaluated in UTC (the sandbox users' time zone). */
export function dateLiteralRange(name: string, n: number | null, now: number): [number, number] {
  const today = Math.floor(now / DAY) * DAY
  const d = new Date(today)
  const weekStart = today - d.getUTCDay() * DAY // en_US weeks start on Sunday
  const monthStart = (offset: number) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1)
  const count = n ?? 0
  switch (name) {
    case 'TODAY':
      return [today, today + DAY]
    case 'YESTERDAY':
      return [today - DAY, today]
    case 'TOMORROW':
      return [today + DAY, today + 2 * DAY]
    case 'LAST_WEEK':
      return [weekStart - 7 * DAY, weekStart]
    case 'THIS_WEEK':
      return [weekStart, weekStart + 7 * DAY]
    case 'NEXT_WEEK':
      return [weekStart + 7 * DAY, weekStart + 14 * DAY]
    case 'LAST_MONTH':
      return [monthStart(-1), monthStart(0)]
    case 'THIS_MONTH':
      return [monthStart(0), monthStart(1)]
    case 'NEXT_MONTH':
      return [monthStart(1), monthStart(2)]
    case 'LAST_N_DAYS':
      return [today - count * DAY, today + DAY]
    case 'NEXT_N_DAYS':
      return [today + DAY, today + (count + 1) * DAY]
    case 'LAST_N_HOURS':
      return [now - count * HOUR, now]
    case 'NEXT_N_HOURS':
      return [now, now + count * HOUR]
  }
  throw new Error(`unknown date literal ${name}`)
}
