// `npm run simulator` (and `npm start`): serves the provider simulator and prints its URL, the
// default clients' credentials and the seeded accounts.

import { startProviderSimulator } from './server.ts'

function intEnv(name: string, fallback: number): number {
  const raw = Deno.env.get(name)
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${name} must be a non-negative integer, got '${raw}'`)
  }
  return n
}

const port = intEnv('PROVIDER_SIMULATOR_PORT', 54331)
const gateway = intEnv('GATEWAY_PORT', 54321)
// Where the functions' OAuth callbacks live locally; `{provider}` is replaced by the id.
// Both loopback spellings are registered because providers match redirect URIs exactly.
const callbackTemplates = (Deno.env.get('PROVIDER_SIMULATOR_CALLBACK_URLS') ??
  `http://localhost:${gateway}/functions/v1/callback/{provider},http://127.0.0.1:${gateway}/functions/v1/callback/{provider}`)
  .split(',').map((u) => u.trim()).filter(Boolean)

const running = await startProviderSimulator({
  port,
  hostname: Deno.env.get('PROVIDER_SIMULATOR_HOST') ?? '127.0.0.1',
  baseUrl: Deno.env.get('PROVIDER_SIMULATOR_PUBLIC_URL') || undefined,
  seed: intEnv('PROVIDER_SIMULATOR_SEED', 7),
  autoApprove: Deno.env.get('PROVIDER_SIMULATOR_AUTO_APPROVE') === '1',
  callbackUrls: (provider) => callbackTemplates.map((t) => t.replaceAll('{provider}', provider)),
})

const c = running.control
console.log(
  `Provider simulator listening on ${running.url}  (control API: ${running.url}/__simulator/)`,
)
console.log(`\nFor the project (.env):\n  PROVIDER_SIMULATOR_URL=${running.url}`)
for (const p of c.providers()) {
  const env = p.id.toUpperCase()
  const client = p.clients[0]
  console.log(`\n${p.displayName} (${p.id}, ${p.auth})`)
  for (const [name, u] of Object.entries(p.urls)) console.log(`  ${name.padEnd(14)} ${u.real}`)
  if (client) {
    const secret = c.client(client.clientId).clientSecret
    console.log(`  ${env}_CLIENT_ID=${client.clientId}  ${env}_CLIENT_SECRET=${secret}`)
  }
  const accounts = p.accounts.map((a) =>
    p.id === 'workday' ? `${a.key} (ISU ${a.isu.username} / ${a.isu.password})` : a.key
  )
  console.log(`  accounts: ${accounts.join(', ')}`)
}
console.log(`\ncallback URLs registered: ${callbackTemplates.join(' ')}`)
console.log(
  `Approval: ${
    Deno.env.get('PROVIDER_SIMULATOR_AUTO_APPROVE') === '1' ? 'automatic' : 'a consent page'
  } (PROVIDER_SIMULATOR_AUTO_APPROVE=1 to skip it). Ctrl-C stops.`,
)

const stop = async () => {
  await running.close()
  Deno.exit(0)
}
Deno.addSignalListener('SIGINT', stop)
Deno.addSignalListener('SIGTERM', stop)
