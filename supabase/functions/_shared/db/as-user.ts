// Transactions that run as the caller (RLS applies, as through PostgREST) or as the service.
import type { UserClaims } from "../auth/verify-jwt.ts";
import { getSql, type Tx } from "./client.ts";

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
    `;
    return await work(tx);
  });
  return result as T;
}

/**
 * Runs `work` in a transaction as the connection's own role (postgres), for service work that
 * goes through private SECURITY DEFINER functions. Never use it to read tenant data on behalf of
 * a user: that is what `asUser` is for.
 */
export async function asService<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await getSql().begin((tx) => work(tx));
  return result as T;
}
