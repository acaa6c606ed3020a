// Transactions that run as the caller (RLS applies, as through PostgREST) or as the service.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { getSql, type Tx } from './client.ts'

/**
 * Runs `work` in a transaction that sees the database exactly as a PostgREST request of this user
 * does: role `authenticated` and `request.jwt.claims` set for this transaction only, so every RLS
 * policy (and auth.uid()/auth.jwt()) applies. Both settings go in one round trip;
 * `set_config('role', ..., true)` is `set local role`, and is what PostgREST itself runs.
 *
 * @example const rows = await asUser(c.var.claims, (tx) => listCallerBusinesses(tx))
 */
export async function asUser<T>(claims: UserClaims, work: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await getSql().begin(async (tx) => {
    await tx`
      select set_config('role', 'authenticated', true),
             set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)
    `
    return await work(tx)
  })
  return result as T
}

/**
 * Runs `work` in a transaction as `service_role`, for service work: the sync, and the private
 * SECURITY DEFINER functions that hold credentials and OAuth state, which are executable by
 * service_role only. service_role bypasses RLS but has only the privileges the migrations grant
 * it, so service code cannot do what the schema does not allow it (unlike the connection's own
 * role, which owns everything). Never use it to act on behalf of a user: that is `asUser`.
 */
export async function asService<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await getSql().begin(async (tx) => {
    await tx`select set_config('role', 'service_role', true)`
    return await work(tx)
  })
  return result as T
}
