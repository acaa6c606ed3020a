// Webhooks as HubSpot sends them: change events queued per subscribed, installed app, POSTed to
// its target URL in batches of up to 100 with the v3 signature (and v1 for backward
// compatibility), retried on 5xx, 429 and network failures, dropped on other 4xx (facts §9).

import type { Clock } from '../salesforce/clock.ts'
import type { TokenStore } from './oauth.ts'
import type { App, ChangeEvent, SandboxState } from './state.ts'

export const WEBHOOK_BATCH_MAX = 100
const MAX_ATTEMPTS = 10
/** HubSpot expects an answer within 5 s; slower is a failed attempt (facts §9.1). */
const TIMEOUT_MS = 5_000

export interface WebhookEvent extends Omit<ChangeEvent, 'portalId'> {
  eventId: number
  subscriptionId: number
  portalId: number
  appId: number
  attemptNumber: number
  changeFlag?: string
}

interface Queued {
  clientId: string
  event: Omit<WebhookEvent, 'attemptNumber'>
  attempts: number
  dueAt: number
}

/** Sends one webhook request (the global fetch, or an in-process handler in tests). */
export type WebhookSend = (url: string, init: RequestInit) => Promise<Response>

export interface Delivery {
  at: string
  url: string
  appId: number
  eventIds: number[]
  attemptNumber: number
  /** The receiver's status, or null when the request failed (network, timeout). */
  status: number | null
  outcome: 'delivered' | 'retry' | 'dropped'
}

/**
 * The URI as HubSpot signs it for v3: these escapes decoded, everything else as sent (facts
 * §9.2). The `?` starting the query is a literal `?` already.
 */
const SIGNED_DECODES: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
}

export function signedUri(uri: string): string {
  return uri.replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
    (m) => SIGNED_DECODES[m.toUpperCase()],
  )
}

const encoder = new TextEncoder()

function base64(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
}

/** `X-HubSpot-Signature-v3`: base64 HMAC-SHA256(secret, method + uri + body + timestamp). */
export async function signatureV3(
  clientSecret: string,
  method: string,
  uri: string,
  body: string,
  timestamp: number | string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(clientSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const source = `${method}${signedUri(uri)}${body}${timestamp}`
  return base64(await crypto.subtle.sign('HMAC', key, encoder.encode(source)))
}

/** `X-HubSpot-Signature` v1: hex SHA-256(secret + body). */
export async function signatureV1(clientSecret: string, body: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(clientSecret + body))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** Minutes until attempt n+1: 1, 2, 4, ... capped at 8 h, about a day over 10 attempts. */
function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** (attempts - 1), 8 * 3_600_000)
}

export class Webhooks {
  #queue: Queued[] = []
  #nextEventId = 1
  deliveries: Delivery[] = []

  constructor(
    private readonly state: SandboxState,
    private readonly tokens: TokenStore,
    private readonly clock: Clock,
    private readonly send: WebhookSend,
  ) {
    state.onChange((e) => this.#enqueue(e))
  }

  clear(): void {
    this.#queue = []
    this.deliveries = []
  }

  /** Events waiting for delivery (due or retrying later). */
  pending(): WebhookEvent[] {
    return this.#queue.map((q) => ({ ...q.event, attemptNumber: q.attempts }))
  }

  #enqueue(e: ChangeEvent): void {
    for (const app of this.state.apps.values()) {
      if (!app.webhookUrl || !this.tokens.installed(app.clientId, e.portalId)) continue
      const index = app.subscriptions.indexOf(e.subscriptionType)
      if (index < 0) continue
      this.#queue.push({
        clientId: app.clientId,
        event: {
          ...e,
          eventId: this.#nextEventId++,
          subscriptionId: app.appId * 1000 + index,
          appId: app.appId,
          ...(e.subscriptionType.endsWith('.creation') ? { changeFlag: 'NEW' } : {}),
        },
        attempts: 0,
        dueAt: this.clock.now(),
      })
    }
  }

  /**
   * Sends every due event now, up to 100 per request and app, and waits for the answers. Tests
   * call this (or the control API's deliver) instead of waiting for a timer.
   */
  async deliver(): Promise<Delivery[]> {
    const now = this.clock.now()
    const due = this.#queue.filter((q) => q.dueAt <= now)
    this.#queue = this.#queue.filter((q) => q.dueAt > now)
    const byApp = new Map<string, Queued[]>()
    for (const q of due) byApp.set(q.clientId, [...byApp.get(q.clientId) ?? [], q])
    const made: Delivery[] = []
    for (const [clientId, items] of byApp) {
      const app = this.state.apps.get(clientId)
      if (!app?.webhookUrl) continue
      for (let i = 0; i < items.length; i += WEBHOOK_BATCH_MAX) {
        made.push(await this.#post(app, items.slice(i, i + WEBHOOK_BATCH_MAX)))
      }
    }
    this.deliveries.push(...made)
    return made
  }

  async #post(app: App, batch: Queued[]): Promise<Delivery> {
    const url = app.webhookUrl!
    const timestamp = this.clock.now()
    const body = JSON.stringify(batch.map((q) => ({ ...q.event, attemptNumber: q.attempts })))
    let status: number | null = null
    try {
      const res = await this.send(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/)',
          'X-HubSpot-Signature-v3': await signatureV3(
            app.clientSecret,
            'POST',
            url,
            body,
            timestamp,
          ),
          'X-HubSpot-Request-Timestamp': String(timestamp),
          'X-HubSpot-Signature': await signatureV1(app.clientSecret, body),
          'X-HubSpot-Signature-Version': 'v1',
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
      await res.body?.cancel()
      status = res.status
    } catch {
      status = null
    }
    const attemptNumber = batch[0].attempts
    // 2xx: done. Other 4xx than 429: HubSpot does not retry. 429, 5xx, network: retried later.
    const retry = status === null || status === 429 || status >= 500
    let outcome: Delivery['outcome'] = status !== null && status < 300 ? 'delivered' : 'dropped'
    if (retry) {
      outcome = 'dropped'
      for (const q of batch) {
        q.attempts++
        if (q.attempts >= MAX_ATTEMPTS) continue
        q.dueAt = this.clock.now() + retryDelayMs(q.attempts)
        this.#queue.push(q)
        outcome = 'retry'
      }
    }
    return {
      at: new Date(timestamp).toISOString(),
      url,
      appId: app.appId,
      eventIds: batch.map((q) => q.event.eventId),
      attemptNumber,
      status,
      outcome,
    }
  }
}
