// Entry point of the callback function: wiring only.
import { assertConfig } from '../_shared/config.ts'
import { app } from './app.ts'
import { listProviders } from '../_shared/providers/registry.ts'

// Fail at boot, naming every missing variable, rather than on the first request.
assertConfig('log', 'http', 'auth', 'db', 'rateLimit', 'salesforce', 'oauth')

// Every provider spec parses, or the function does not start.
listProviders()

Deno.serve(app.fetch)
