// An inbound webhook, start to end: the provider's receiver verifies the delivery and reads its
// events, then one SQL call dedupes them and makes the objects they name due now. A webhook
// never writes records: the next sync tick reads them from the provider, as always.
import { serverClient } from '../connections/client-credentials.ts'
import { asService } from '../db/as-user.ts'
import { AppError, NotFoundError } from '../http/errors.ts'
import type { Logger } from '../log.ts'
import { getProvider } from '../providers/registry.ts'
import type { WebhookDelivery } from './receiver.ts'

/** What a delivery did; the provider only needs the 2xx. */
export interface WebhookReceipt {
  /** Events in the delivery. */
  received: number
  /** Events already received before (retries, replays): they marked nothing. */
  duplicates: number
  /** Object sync states made due (or asked for, when in failure backoff). */
  objects_marked: number
  /** Accounts no integration is connected to: their events are ignored. */
  unknown_accounts: number
}

/**
 * Receives one delivery for `providerId`.
 *
 * @throws {NotFoundError} 404 for a provider we do not know or that sends no webhooks.
 * @throws {AppError} 413 for a body over the receiver's limit; the receiver's 401/400/503.
 */
export async function receiveWebhook(
  providerId: string,
  delivery: Omit<WebhookDelivery, 'clientSecret'>,
  log: Logger,
): Promise<{ receipt: WebhookReceipt; response?: Response }> {
  const provider = getProvider(providerId)
  const receiver = provider.webhooks
  if (!receiver) {
    throw new NotFoundError(`${provider.spec.displayName} sends no webhooks here`, {
      code: 'webhooks_unsupported',
    })
  }
  if (delivery.body.length > receiver.maxBodyBytes) {
    throw new AppError(
      413,
      'payload_too_large',
      `A ${provider.spec.displayName} webhook body is at most ${receiver.maxBodyBytes} bytes`,
    )
  }
  await receiver.verify({ ...delivery, clientSecret: serverClient(provider.spec)?.clientSecret })
  const events = receiver.events(delivery.body)
  const [row] = await asService((tx) =>
    tx<{
      received: number
      duplicates: number
      objects_marked: number
      unknown_accounts: string[]
    }[]>`
      select received, duplicates, objects_marked, unknown_accounts
        from private.receive_webhook_events(${provider.spec.id}, ${receiver.accountKey},
                                            ${tx.json(events as never)})`
  )
  if (row.unknown_accounts.length > 0) {
    // An app installed in an account no tenant connected (or since disconnected): HubSpot keeps
    // sending until it is uninstalled there. Account ids are not secrets.
    log.info('webhook events for accounts without an integration ignored', {
      provider: provider.spec.id,
      accounts: row.unknown_accounts.slice(0, 20),
    })
  }
  const receipt: WebhookReceipt = {
    received: row.received,
    duplicates: row.duplicates,
    objects_marked: row.objects_marked,
    unknown_accounts: row.unknown_accounts.length,
  }
  log.info('webhook received', { provider: provider.spec.id, ...receipt })
  return { receipt, response: receiver.acknowledge?.() }
}
