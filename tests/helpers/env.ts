// Sets environment variables for a test and restores them after, dropping memoized config.
import { resetConfig } from "../../supabase/functions/_shared/config.ts";

/**
 * Sets (or, with `undefined`, unsets) each variable and resets the config cache. Returns a
 * function that restores the previous values.
 */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(vars).map((key) => [key, Deno.env.get(key)]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) Deno.env.delete(key);
      else Deno.env.set(key, value);
    }
    resetConfig();
  };
  apply(vars);
  return () => apply(previous);
}
