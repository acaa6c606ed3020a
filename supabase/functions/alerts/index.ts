// Entry point of the alerts function: wiring only.
import { assertConfig } from '../_shared/config.ts'
import { app } from './app.ts'

// Fail at boot, naming every missing or invalid variable, rather than on the first request.
assertConfig('log', 'http', 'auth', 'db', 'rateLimit', 'alerts')

Deno.serve(app.fetch)
