// CLI: prints a user access token signed with the local stack's key, for curl and manual tests.
// Usage: deno run -A scripts/local/mint-jwt.ts --sub <uuid> [--email e] [--expires-in 3600]
import { parseArgs } from 'node:util'
import { mintUserJwt } from './jwt.ts'

const usage =
  'usage: mint-jwt.ts --sub <uuid> [--email <email>] [--role authenticated] [--expires-in <seconds>]'

const { values } = parseArgs({
  args: Deno.args,
  options: {
    sub: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string' },
    'expires-in': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})

if (values.help) {
  console.log(usage)
  Deno.exit(0)
}
const expiresIn = values['expires-in'] === undefined ? undefined : Number(values['expires-in'])
if (!values.sub || (expiresIn !== undefined && !Number.isInteger(expiresIn))) {
  console.error(usage)
  Deno.exit(2)
}

console.log(
  await mintUserJwt({ sub: values.sub, email: values.email, role: values.role, expiresIn }),
)
