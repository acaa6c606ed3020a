// Entry point of the sync-cron function: wiring only.
import { assertConfig } from '../_shared/config.ts'
import { syncSettings } from '../_shared/sync/settings.ts'
import { app } from './app.ts'
import { listProviders } from '../_shared/providers/registry.ts'

// Fail at boot, naming every missing or inconsistent variable, rather than on the first tick.
assertConfig('log', 'http', 'auth', 'db', 'rateLimit', 'salesforce', 'sync', 'syncCron', 'alerts')
syncSettings()

// Every provider spec parses, or the function does not start.
listProviders()

Deno.serve(app.fetch)
