// Sets environment variables for a test and restores them after, dropping memoized config.
import { resetConfig } from '../../supabase/functions/_shared/config.ts'

function apply(values: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) Deno.env.delete(key)
    else Deno.env.set(key, value)
  }
  resetConfig()
}

/** Remembers the variables `names`; the returned function puts them back (and resets config). */
export function snapshotEnv(names: string[]): () => void {
  const previous = Object.fromEntries(names.map((name) => [name, Deno.env.get(name)]))
  return () => apply(previous)
}

/**
 * Sets (or, with `undefined`, unsets) each variable and resets the config cache. Returns a
 * function that restores the previous values.
 */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const restore = snapshotEnv(Object.keys(vars))
  apply(vars)
  return restore
}
