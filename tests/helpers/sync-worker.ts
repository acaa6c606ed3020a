// A syncing process of its own, for tests that kill one mid-run: `deno run -A sync-worker.ts
// <integration id> '<settings json>'` runs one sync of the integration (with SUPABASE_DB_URL and
// the SALESFORCE_* environment) and prints the run summary as JSON.
import { closeSql } from '../../supabase/functions/_shared/db/client.ts'
import type { SyncSettings } from '../../supabase/functions/_shared/sync/settings.ts'
import { syncOnce } from './sync-world.ts'

if (import.meta.main) {
  const [integrationId, settingsJson] = Deno.args
  const summary = await syncOnce(integrationId, JSON.parse(settingsJson) as SyncSettings)
  console.log(JSON.stringify(summary))
  await closeSql()
}
