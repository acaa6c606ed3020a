// Callbacks waiting for their initiator in private.oauth_completions: recorded by the callback
// under a ticket's hash, locked and settled once by the completion. `tx` comes from `asService`.
import type { Tx } from '../db/client.ts'
import { hashTicket } from './completion-ticket.ts'
import { type ConsumedOAuthState, type StateBindingRow, toStateBinding } from './state-store.ts'
import { hashState } from './state.ts'

/**
 * What a waiting callback is bound to (its state's binding) and what became of it. `expired`
 * is the ticket's: ten minutes after the callback.
 */
export interface Completion extends ConsumedOAuthState {
  /** The code sealed under the ticket, until the completion is settled. */
  sealedCode?: Uint8Array
  /** `connected` or the error code given, once settled; every later attempt gets the same. */
  outcome?: string
}

/** Records a callback of the (consumed) `state`: its sealed code, under the ticket's hash. */
export async function saveCompletion(
  tx: Tx,
  record: { state: string; ticket: string; sealedCode: Uint8Array },
): Promise<void> {
  await tx`
    insert into private.oauth_completions (ticket_hash, state_hash, sealed_code)
    values (${await hashTicket(record.ticket)}, ${await hashState(record.state)},
            ${record.sealedCode})`
}

/**
 * The completion of `ticket`, or undefined for a ticket never issued or forgotten. With `lock`,
 * the row stays locked (`for update`) until `tx` ends, so of several callers with one ticket
 * one settles it and the others, waiting, then read its outcome.
 */
export async function findCompletion(
  tx: Tx,
  ticket: string,
  { lock }: { lock: boolean },
): Promise<Completion | undefined> {
  const [row] = await tx<
    (StateBindingRow & { sealed_code: Uint8Array | null; outcome: string | null })[]
  >`
    select s.user_id, s.business_id, s.integration_id, s.code_verifier, s.redirect_uri,
           s.redirect_to, s.request_token_secret, c.expires_at <= now() as expired, c.sealed_code, c.outcome
      from private.oauth_completions c
      join private.oauth_states s on s.state_hash = c.state_hash
     where c.ticket_hash = ${await hashTicket(ticket)}
     ${lock ? tx`for update of c` : tx``}`
  if (!row) return undefined
  return {
    ...toStateBinding(row),
    sealedCode: row.sealed_code ?? undefined,
    outcome: row.outcome ?? undefined,
  }
}

/** Settles a completion once: records the outcome and who caused it, and drops the sealed code. */
export async function settleCompletion(
  tx: Tx,
  ticket: string,
  settled: { outcome: string; userId: string },
): Promise<void> {
  await tx`
    update private.oauth_completions
       set outcome = ${settled.outcome}, settled_by = ${settled.userId}, settled_at = now(),
           sealed_code = null
     where ticket_hash = ${await hashTicket(ticket)} and outcome is null`
}
