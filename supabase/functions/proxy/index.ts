// Entry point of the proxy function: wiring only.
import { assertConfig } from '../_shared/config.ts'
import { app } from './app.ts'

// Fail at boot, naming every missing or invalid variable, rather than on the first request.
assertConfig('log', 'http', 'auth', 'db', 'rateLimit', 'proxy')

Deno.serve(app.fetch)
