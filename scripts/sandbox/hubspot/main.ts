// `npm start` (and `deno run -A scripts/sandbox/hubspot/main.ts`): serves a seeded HubSpot sandbox
// with two portals and one app, and prints its URLs and credentials.

import { intEnv } from '../salesforce/env.ts'
import { startHubSpotSandbox } from './server.ts'

const port = intEnv('HUBSPOT_SANDBOX_PORT', 54332)
const contacts = intEnv('HUBSPOT_SANDBOX_CONTACTS', 500)
const seed = intEnv('SANDBOX_SEED', 42)
const gateway = intEnv('GATEWAY_PORT', 54321)
// Both loopback spellings: redirect URLs are matched exactly.
const redirectUris = (Deno.env.get('HUBSPOT_SANDBOX_REDIRECT_URIS') ??
  `http://localhost:${gateway}/functions/v1/callback/hubspot,http://127.0.0.1:${gateway}/functions/v1/callback/hubspot`)
  .split(',').map((u) => u.trim()).filter(Boolean)

const running = await startHubSpotSandbox({
  port,
  hostname: Deno.env.get('HUBSPOT_SANDBOX_HOST') ?? '127.0.0.1',
  seed,
  autoApprove: Deno.env.get('SANDBOX_AUTO_APPROVE') === '1',
  webhookIntervalMs: 1_000,
  portals: [
    {
      name: 'Acme HubSpot',
      contacts,
      companies: Math.ceil(contacts / 10),
      seed,
      app: {
        name: 'CRM Sync (local)',
        clientId: Deno.env.get('HUBSPOT_SANDBOX_CLIENT_ID') || 'hubspot-sandbox-local-client-id',
        clientSecret: Deno.env.get('HUBSPOT_SANDBOX_CLIENT_SECRET') ||
          'hubspot-sandbox-local-client-secret',
        redirectUris,
        webhookUrl: Deno.env.get('HUBSPOT_SANDBOX_WEBHOOK_URL') || null,
      },
    },
    { name: 'Globex HubSpot', contacts: Math.ceil(contacts / 5), companies: 10, seed: seed + 1 },
  ],
})

const c = running.control
const [portal] = c.listPortals()
const app = c.getApp(Deno.env.get('HUBSPOT_SANDBOX_CLIENT_ID') || 'hubspot-sandbox-local-client-id')
console.log(
  `HubSpot sandbox listening on ${running.url}  (control API: ${running.url}/__sandbox/)`,
)
console.log(`  app.hubspot.com → ${c.urls.app}    api.hubapi.com → ${c.urls.api}`)
console.log(`  install URL:  ${app.authorizeUrl}?client_id=${app.clientId}&scope=...`)
console.log(`  token URL:    ${app.tokenUrl}`)
console.log(
  `  client id:    ${app.clientId} (secret: HUBSPOT_SANDBOX_CLIENT_SECRET or the default)`,
)
console.log(`  scopes:       ${app.scopes.join(' ')}`)
console.log(`  redirect URLs: ${app.redirectUris.join(' ')}`)
console.log(`  webhooks:     ${app.webhookUrl ?? 'off (set HUBSPOT_SANDBOX_WEBHOOK_URL)'}`)
for (const p of c.listPortals()) {
  console.log(
    `  portal ${p.portalId} "${p.name}": ${p.counts.contacts} contacts, ${p.counts.companies} companies`,
  )
}
console.log(`Installs go to portal ${portal.portalId} unless the consent page picks another.`)

const stop = async () => {
  await running.close()
  Deno.exit(0)
}
Deno.addSignalListener('SIGINT', stop)
Deno.addSignalListener('SIGTERM', stop)
