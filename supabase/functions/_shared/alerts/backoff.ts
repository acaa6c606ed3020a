// When to try a failed alert delivery again: exponential backoff with jitter, capped.

export interface BackoffPolicy {
  baseSeconds: number
  maxSeconds: number
}

/**
 * Seconds to wait after failed attempt number `attempt` (1-based): base * 2^(attempt - 1), capped
 * at maxSeconds, then "equal jitter" (half fixed, half random) so deliveries that failed together
 * (one receiver down) do not all come back in the same second, while the wait still grows with
 * every attempt. A receiver's Retry-After (429/503) is honoured when longer, within the cap.
 */
export function retryDelaySeconds(
  attempt: number,
  policy: BackoffPolicy,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** (attempt - 1))
  const jittered = exponential / 2 + random() * (exponential / 2)
  const floor = Math.min(policy.maxSeconds, retryAfterSeconds ?? 0)
  return Math.ceil(Math.max(jittered, floor))
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\s*[0-9]+\s*$/.test(value)) return Number(value)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000))
}
