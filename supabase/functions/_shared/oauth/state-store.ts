// Pending authorizations in private.oauth_states: created by authorize, consumed once by callback.
import type { Tx } from '../db/client.ts'
import { hashState } from './state.ts'

/** What a state is bound to when the authorization starts. */
export interface NewOAuthState {
  state: string
  userId: string
  businessId: string
  integrationId: string
  codeVerifier: string
  redirectUri: string
  redirectTo: string
  /**
   * OAuth 1.0a: the request token secret, kept for the access-token exchange. The row is then
   * keyed by the request token (as `state`), which is what the provider's callback carries.
   */
  requestTokenSecret?: string
}

/** What a consumed state was bound to; `expired` states are consumed but must not be used. */
export interface ConsumedOAuthState extends Omit<NewOAuthState, 'state'> {
  expired: boolean
}

/**
 * Stores a pending authorization under the hash of its state (ten-minute TTL by the table's
 * default) and prunes long-expired ones. `tx` must come from `asService`.
 */
export async function saveOAuthState(tx: Tx, state: NewOAuthState): Promise<void> {
  await tx`select private.prune_oauth_states()`
  await tx`
    insert into private.oauth_states
      (state_hash, user_id, business_id, integration_id, code_verifier, redirect_uri, redirect_to,
       request_token_secret)
    values (${await hashState(state.state)}, ${state.userId}, ${state.businessId},
            ${state.integrationId}, ${state.codeVerifier}, ${state.redirectUri}, ${state.redirectTo},
            ${state.requestTokenSecret ?? null})
  `
}

/** A state's binding as the database returns it. */
export interface StateBindingRow {
  user_id: string
  business_id: string
  integration_id: string
  code_verifier: string
  redirect_uri: string
  redirect_to: string
  /** Only where the query selects it (the completion's exchange). */
  request_token_secret?: string | null
  expired: boolean
}

/** The binding of `row` in our names. */
export function toStateBinding(row: StateBindingRow): ConsumedOAuthState {
  return {
    userId: row.user_id,
    businessId: row.business_id,
    integrationId: row.integration_id,
    codeVerifier: row.code_verifier,
    redirectUri: row.redirect_uri,
    redirectTo: row.redirect_to,
    ...(row.request_token_secret ? { requestTokenSecret: row.request_token_secret } : {}),
    expired: row.expired,
  }
}

/**
 * Marks the state used and returns its binding, or undefined when it is unknown or was used
 * already. Atomic in the database: of two racing callbacks with one state, one gets the row.
 */
export async function consumeOAuthState(
  tx: Tx,
  state: string,
): Promise<ConsumedOAuthState | undefined> {
  const [row] = await tx<StateBindingRow[]>`
    select * from private.consume_oauth_state(${await hashState(state)})`
  return row && toStateBinding(row)
}

/**
 * Forgets every pending authorization of an integration (disconnect): states not yet used, and
 * used ones whose completion still waits for its initiator. None may complete later.
 */
export async function deletePendingOAuthStates(tx: Tx, integrationId: string): Promise<void> {
  await tx`
    delete from private.oauth_states s
     where s.integration_id = ${integrationId}
       and (s.consumed_at is null or exists (
             select 1 from private.oauth_completions c
              where c.state_hash = s.state_hash and c.outcome is null))
  `
}
