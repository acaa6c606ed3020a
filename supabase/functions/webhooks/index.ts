// Entry point of the webhooks function: wiring only.
import { assertConfig } from '../_shared/config.ts'
import { app } from './app.ts'
import { listProviders } from '../_shared/providers/registry.ts'

// Fail at boot, naming every missing variable, rather than on the first delivery.
assertConfig('log', 'http', 'db', 'webhooks')

// Every provider spec parses, or the function does not start.
listProviders()

Deno.serve(app.fetch)
