// Entry point of the callback function: wiring only.
import { assertConfig } from '../_shared/config.ts'
import { app } from './app.ts'

// Fail at boot, naming every missing variable, rather than on the first request.
assertConfig('log', 'http', 'auth', 'db', 'rateLimit', 'salesforce', 'oauth')

Deno.serve(app.fetch)
