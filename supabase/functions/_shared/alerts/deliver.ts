// Delivers pending alerts: claims due deliveries under a lease, POSTs each signed, and records
// every attempt (delivered, retry later with backoff, or failed for good) in its row.
import { getConfig } from '../config.ts'
import { asService } from '../db/as-user.ts'
import type { Tx } from '../db/client.ts'
import { log } from '../log.ts'
import { retryDelaySeconds } from './backoff.ts'
import { readWebhookSecrets } from './secrets.ts'
import { sendAlert, type SendOutcome } from './send.ts'
import { webhookUrlProblem } from './webhook-url.ts'

export interface DeliverOptions {
  /** Most deliveries to claim in this call (default 20). */
  limit?: number
  /** The fetch to POST with (tests pass their own). */
  fetch?: typeof fetch
  /** Per-POST timeout (default ALERTS_TIMEOUT_MS). */
  timeoutMs?: number
}

export interface DeliverSummary {
  delivered: number
  retried: number
  failed: number
}

interface ClaimedDelivery {
  id: string
  business_id: string
  webhook_id: string
  event_type: string
  payload: { id?: string } & Record<string, unknown>
  /** This attempt's number: attempts was incremented by the claim. */
  attempts: number
  url: string
  enabled: boolean
}

type Verdict = 'delivered' | 'retried' | 'failed'

/** POSTs in flight at once: enough to hide slow receivers, few enough for an edge worker. */
const concurrency = 8
const alertLog = log.child({ component: 'alerts' })

/**
 * Claims up to `limit` due deliveries (or only `deliveryId`) and reads their secrets, in one
 * short transaction. `for update skip locked` lets concurrent callers pass each other's rows, and
 * the claim moves next_attempt_at past the POST's timeout, so once it commits no other caller
 * sees those rows as due: no delivery is sent twice at once, and none is locked while we wait
 * on the network. If this process dies mid-POST, the lease lapses and a later call retries it
 * (receivers deduplicate by event id). The claim counts the attempt, so a delivery that keeps
 * killing its sender still runs out of attempts.
 */
async function claimDue(
  limit: number,
  leaseSeconds: number,
  deliveryId?: string,
): Promise<{ claimed: ClaimedDelivery[]; secrets: Map<string, string> }> {
  return await asService(async (tx) => {
    const claimed = await tx<ClaimedDelivery[]>`
      with due as (
        select id from public.alert_deliveries
         where status = 'pending' and next_attempt_at <= now()
           and (${deliveryId ?? null}::bigint is null or id = ${deliveryId ?? null}::bigint)
         order by next_attempt_at
         limit ${limit}
         for update skip locked
      )
      update public.alert_deliveries d
         set attempts = d.attempts + 1,
             next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
        from due, public.alert_webhooks w
       where d.id = due.id and w.id = d.webhook_id
      returning d.id, d.business_id, d.webhook_id, d.event_type, d.payload, d.attempts, w.url,
                w.enabled`
    if (claimed.length === 0) return { claimed, secrets: new Map<string, string>() }
    const webhookIds = [...new Set(claimed.map((delivery) => delivery.webhook_id))]
    return { claimed, secrets: await readWebhookSecrets(tx, webhookIds) }
  })
}

/**
 * Writes one attempt's outcome. The `attempts` guard makes a late writer (one whose lease lapsed
 * and whose delivery was claimed again) change nothing.
 */
async function recordAttempt(
  tx: Tx,
  delivery: ClaimedDelivery,
  outcome: SendOutcome,
  verdict: Verdict,
  retryInSeconds: number,
): Promise<void> {
  const entry = {
    attempt: delivery.attempts,
    at: new Date().toISOString(),
    status_code: outcome.statusCode,
    error: outcome.error,
    duration_ms: outcome.durationMs,
  }
  const status = verdict === 'retried' ? 'pending' : verdict
  await tx`
    update public.alert_deliveries
       set status = ${status},
           last_status_code = ${outcome.statusCode},
           last_error = ${outcome.error},
           delivered_at = case when ${status} = 'delivered' then now() end,
           next_attempt_at = case when ${status} = 'pending'
                                  then now() + make_interval(secs => ${retryInSeconds})
                                  else next_attempt_at end,
           attempt_log = attempt_log || jsonb_build_array(${tx.json(entry)}::jsonb)
     where id = ${delivery.id} and attempts = ${delivery.attempts} and status = 'pending'`
}

/** Why a delivery cannot be sent at all, however often we try; undefined when it can. */
function permanentProblem(
  delivery: ClaimedDelivery,
  secret: string | undefined,
  allowInsecure: boolean,
): string | undefined {
  if (!delivery.enabled) return 'webhook disabled; not sent'
  if (secret === undefined) return 'webhook has no signing secret; rotate it to set one'
  const urlProblem = webhookUrlProblem(delivery.url, allowInsecure)
  return urlProblem ? `webhook URL not allowed: ${urlProblem}` : undefined
}

/** Sends one claimed delivery (unless it cannot be sent) and records the outcome. */
async function attemptDelivery(
  delivery: ClaimedDelivery,
  secret: string | undefined,
  options: { fetch: typeof fetch; timeoutMs: number },
): Promise<Verdict> {
  const config = getConfig('alerts')
  const problem = permanentProblem(delivery, secret, config.ALERTS_ALLOW_INSECURE_URLS)
  const outcome: SendOutcome = problem
    ? { ok: false, statusCode: null, error: problem, durationMs: 0 }
    : await sendAlert({
      url: delivery.url,
      body: JSON.stringify(delivery.payload),
      secret: secret!,
      eventId: String(delivery.payload.id ?? ''),
      eventType: delivery.event_type,
      deliveryId: String(delivery.id),
      attempt: delivery.attempts,
    }, options)
  const verdict: Verdict = outcome.ok
    ? 'delivered'
    : problem || delivery.attempts >= config.ALERTS_MAX_ATTEMPTS
    ? 'failed'
    : 'retried'
  const retryInSeconds = retryDelaySeconds(
    delivery.attempts,
    { baseSeconds: config.ALERTS_RETRY_BASE_SECONDS, maxSeconds: config.ALERTS_RETRY_MAX_SECONDS },
    outcome.retryAfterSeconds,
  )
  await asService((tx) => recordAttempt(tx, delivery, outcome, verdict, retryInSeconds))
  // Ids, codes and timings only: the URL, secret, signature and body stay out of the logs.
  const fields = {
    delivery_id: String(delivery.id),
    webhook_id: delivery.webhook_id,
    business_id: delivery.business_id,
    event_type: delivery.event_type,
    attempt: delivery.attempts,
    outcome: verdict,
    status_code: outcome.statusCode,
    error: outcome.error,
    duration_ms: outcome.durationMs,
    ...(verdict === 'retried' ? { retry_in_seconds: retryInSeconds } : {}),
  }
  if (verdict === 'failed') alertLog.warn('alert delivery failed', fields)
  else alertLog.info('alert delivery attempt', fields)
  return verdict
}

/** Claims and works deliveries with bounded concurrency; counts the verdicts. */
async function deliver(options: DeliverOptions, deliveryId?: string): Promise<DeliverSummary> {
  const timeoutMs = options.timeoutMs ?? getConfig('alerts').ALERTS_TIMEOUT_MS
  const send = { fetch: options.fetch ?? fetch, timeoutMs }
  // The lease outlives the POST with room for recording the outcome.
  const leaseSeconds = Math.ceil(timeoutMs / 1000) + 60
  const { claimed, secrets } = await claimDue(options.limit ?? 20, leaseSeconds, deliveryId)
  const summary: DeliverSummary = { delivered: 0, retried: 0, failed: 0 }
  let next = 0
  const worker = async () => {
    while (next < claimed.length) {
      const delivery = claimed[next++]
      try {
        summary[await attemptDelivery(delivery, secrets.get(delivery.webhook_id), send)]++
      } catch (error) {
        // Recording failed (the database went away mid-tick): the claim's lease lapses and a
        // later call retries the delivery, so one bad row never fails the caller's whole tick.
        alertLog.error('alert delivery not recorded', { delivery_id: delivery.id, error })
        summary.retried++
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, worker))
  return summary
}

/**
 * Sends the alerts that are due, at most `limit` per call, and returns what became of them.
 * sync-cron calls it at the end of every tick: when nothing is due it costs one indexed UPDATE
 * that matches no row, and concurrent calls never send the same delivery twice.
 *
 * @example const { delivered, retried, failed } = await deliverDueAlerts()
 */
export async function deliverDueAlerts(
  options: DeliverOptions = {},
): Promise<DeliverSummary> {
  return await deliver(options)
}

/**
 * Sends one delivery now if it is still pending and due (the alerts function's test event);
 * a delivery that another caller holds is left to it.
 */
export async function deliverAlertNow(
  deliveryId: string,
  options: Omit<DeliverOptions, 'limit'> = {},
): Promise<DeliverSummary> {
  return await deliver({ ...options, limit: 1 }, deliveryId)
}
