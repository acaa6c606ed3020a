// The sandbox's sense of time: wall-clock by default, shiftable by tests to expire tokens and cursors.

export interface Clock {
  /** Milliseconds since the epoch, as the sandbox sees it. */
  now(): number
  /** Moves sandbox time forward (tests use this instead of sleeping). */
  advance(ms: number): void
}

/** A clock that runs at wall-clock speed, optionally starting at a fixed instant. */
export function createClock(startAt?: number): Clock {
  let offset = startAt === undefined ? 0 : startAt - Date.now()
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      offset += ms
    },
  }
}

/** Salesforce stores system timestamps with second precision (facts §2.6). */
export function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000
}
