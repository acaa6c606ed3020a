// Per-org daily API allowance: a rolling 24-hour count of REST calls, kept in one-minute buckets.

const MINUTE = 60_000
const WINDOW = 24 * 60 * MINUTE

export class ApiUsage {
  /** [minute start, calls in that minute], oldest first. */
  #buckets: Array<[number, number]> = []

  constructor(public max: number) {}

  used(now: number): number {
    this.#prune(now)
    let total = 0
    for (const [, n] of this.#buckets) total += n
    return total
  }

  exhausted(now: number): boolean {
    return this.used(now) >= this.max
  }

  record(now: number, calls = 1): void {
    const minute = Math.floor(now / MINUTE) * MINUTE
    const last = this.#buckets[this.#buckets.length - 1]
    if (last && last[0] === minute) last[1] += calls
    else this.#buckets.push([minute, calls])
  }

  /** Sets the count as if `used` calls had been made just now (tests of near-exhaustion). */
  set(now: number, used: number): void {
    this.#buckets = used > 0 ? [[Math.floor(now / MINUTE) * MINUTE, used]] : []
  }

  /** `api-usage=N/M` as in the Sforce-Limit-Info header. */
  header(now: number): string {
    return `api-usage=${this.used(now)}/${this.max}`
  }

  #prune(now: number): void {
    while (this.#buckets.length > 0 && this.#buckets[0][0] + WINDOW <= now) this.#buckets.shift()
  }
}
