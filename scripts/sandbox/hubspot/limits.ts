// Rate limits per portal on the sandbox clock: a rolling 10-second burst, a separate per-second
// search limit, and a daily allowance reset at midnight in the portal's time zone, answered with
// HubSpot's 429 body and `X-HubSpot-RateLimit-*` headers (facts §7).

import { correlationId, json } from './http.ts'
import type { Portal } from './state.ts'

export type RateVerdict =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; response: Response }

const BURST_WINDOW_MS = 10_000
const SECOND_MS = 1_000

export type LimitPolicy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY'

const MESSAGES: Record<LimitPolicy, string> = {
  TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
  // The exact text the official SDK keys its one-second wait on (facts §7).
  SECONDLY: 'You have reached your secondly limit.',
  DAILY: 'You have reached your daily limit.',
}

/**
 * HubSpot's 429 body. `Retry-After` is not sent unless asked for: HubSpot often omits it, and
 * clients must key on `policyName` (facts §0 trap 7).
 */
export function rateLimited(
  policy: LimitPolicy,
  portalId: number | null,
  appId: number | null,
  retryAfterSeconds?: number,
): Response {
  return json(
    {
      status: 'error',
      message: MESSAGES[policy],
      errorType: 'RATE_LIMIT',
      correlationId: correlationId(),
      policyName: policy,
      groupName: `publicapi:oauth:${appId ?? 0}:${portalId ?? 0}`,
    },
    429,
    retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
  )
}

const dayFormats = new Map<string, Intl.DateTimeFormat>()

/** The calendar day of `ms` in `timeZone` (the daily allowance resets at its midnight). */
function dayIn(timeZone: string, ms: number): string {
  let f = dayFormats.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
    dayFormats.set(timeZone, f)
  }
  return f.format(ms)
}

export class RateLimits {
  #burst = new Map<number, number[]>()
  #search = new Map<number, number[]>()
  #daily = new Map<number, { day: string; used: number }>()

  clear(): void {
    this.#burst.clear()
    this.#search.clear()
    this.#daily.clear()
  }

  /** Requests counted against the portal's daily allowance today. */
  dailyUsed(portal: Portal, now: number): number {
    const d = this.#daily.get(portal.portalId)
    return d && d.day === dayIn(portal.timeZone, now) ? d.used : 0
  }

  /** Sets today's usage (tests: start near the daily limit). */
  setDailyUsed(portal: Portal, now: number, used: number): void {
    this.#daily.set(portal.portalId, { day: dayIn(portal.timeZone, now), used })
  }

  /** Admits one request (counting it) or answers 429; a refused request is not counted. */
  admit(portal: Portal, appId: number, search: boolean, now: number): RateVerdict {
    const id = portal.portalId
    const burst = recent(this.#burst, id, now - BURST_WINDOW_MS)
    const perSecond = recent(this.#search, id, now - SECOND_MS)
    const today = dayIn(portal.timeZone, now)
    let daily = this.#daily.get(id)
    if (!daily || daily.day !== today) {
      daily = { day: today, used: 0 }
      this.#daily.set(id, daily)
    }
    if (daily.used >= portal.dailyLimit) {
      return { ok: false, response: rateLimited('DAILY', id, appId) }
    }
    if (burst.length >= portal.burstLimit) {
      return { ok: false, response: rateLimited('TEN_SECONDLY_ROLLING', id, appId) }
    }
    if (search && perSecond.length >= portal.searchPerSecond) {
      return { ok: false, response: rateLimited('SECONDLY', id, appId) }
    }
    burst.push(now)
    if (search) perSecond.push(now)
    daily.used++
    const headers: Record<string, string> = {
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(BURST_WINDOW_MS),
      'X-HubSpot-RateLimit-Max': String(portal.burstLimit),
      'X-HubSpot-RateLimit-Remaining': String(portal.burstLimit - burst.length),
      'X-HubSpot-RateLimit-Daily': String(portal.dailyLimit),
      'X-HubSpot-RateLimit-Daily-Remaining': String(portal.dailyLimit - daily.used),
    }
    if (search) {
      headers['X-HubSpot-RateLimit-Secondly'] = String(portal.searchPerSecond)
      headers['X-HubSpot-RateLimit-Secondly-Remaining'] = String(
        portal.searchPerSecond - perSecond.length,
      )
    }
    return { ok: true, headers }
  }
}

/** The portal's request times after `since` (older ones dropped). */
function recent(map: Map<number, number[]>, id: number, since: number): number[] {
  const times = map.get(id) ?? []
  let drop = 0
  while (drop < times.length && times[drop] <= since) drop++
  const kept = drop ? times.slice(drop) : times
  map.set(id, kept)
  return kept
}
