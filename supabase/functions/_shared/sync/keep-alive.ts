// Keeps the edge worker alive until a piece of work settles, even if the caller hangs up:
// pg_net gives up on sync-cron after 5 seconds, long before a tick ends.

/** The edge runtime's global, absent under plain Deno (tests, the local gateway). */
declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void } | undefined

/**
 * Registers `work` with `EdgeRuntime.waitUntil` where it exists (Supabase's documented way to
 * run past the response or a disconnect) and returns it, so the caller still awaits it and can
 * answer with its result when the client is still there.
 */
export function keepAlive<T>(work: Promise<T>): Promise<T> {
  if (typeof EdgeRuntime !== 'undefined') EdgeRuntime.waitUntil(work.catch(() => {}))
  return work
}
