// `npm run sandbox`: serves a seeded Salesforce sandbox and prints its URLs and credentials.

import { startSalesforceSandbox } from './server.ts'

function intEnv(name: string, fallback: number): number {
  const raw = Deno.env.get(name)
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${name} must be a non-negative integer, got '${raw}'`)
  }
  return n
}

const port = intEnv('SANDBOX_PORT', 54330)
const contacts = intEnv('SANDBOX_CONTACTS', 500)
const seed = intEnv('SANDBOX_SEED', 42)
const callback = Deno.env.get('SANDBOX_CALLBACK_URL') ??
  'http://localhost:54321/functions/v1/callback'
const autoApprove = Deno.env.get('SANDBOX_AUTO_APPROVE') === '1'

const running = await startSalesforceSandbox({
  port,
  hostname: Deno.env.get('SANDBOX_HOST') ?? '127.0.0.1',
  baseUrl: Deno.env.get('SANDBOX_PUBLIC_URL') || undefined,
  seed,
  autoApprove,
  orgs: [
    {
      name: 'Acme Corp',
      myDomain: 'acme',
      contacts,
      seed,
      app: {
        name: 'CRM Sync (local)',
        clientId: Deno.env.get('SANDBOX_CLIENT_ID') || '3MVG9sandboxLocalAcmeClientId',
        clientSecret: Deno.env.get('SANDBOX_CLIENT_SECRET') || 'sandbox-local-acme-secret',
        callbackUrls: callback.split(','),
      },
    },
    {
      name: 'Globex',
      kind: 'sandbox',
      myDomain: 'globex--uat',
      contacts: Math.ceil(contacts / 5),
      seed: seed + 1,
      app: {
        name: 'CRM Sync (local, sandbox org)',
        clientId: '3MVG9sandboxLocalGlobexClientId',
        clientSecret: 'sandbox-local-globex-secret',
        callbackUrls: callback.split(','),
      },
    },
  ],
})

const c = running.control
console.log(`Salesforce sandbox listening on ${running.url}`)
console.log(`  production login URL: ${c.loginUrl('production')}`)
console.log(`  sandbox login URL:    ${c.loginUrl('sandbox')}`)
console.log(`  control API:          ${running.url}/__sandbox/`)
for (const org of c.listOrgs()) {
  console.log(`\nOrg ${org.name} (${org.kind}) ${org.orgId}`)
  console.log(`  instance_url: ${org.instanceUrl}`)
  console.log(`  login URL:    ${org.loginUrl}`)
  console.log(`  users:        ${org.users.map((u) => u.username).join(', ')}`)
  console.log(`  records:      ${org.counts.Contact} contacts, ${org.counts.Account} accounts`)
  for (const clientId of org.apps) {
    const app = c.getApp(clientId)
    console.log(`  client_id:     ${app.clientId}`)
    console.log(`  client_secret: ${app.clientSecret}`)
    console.log(`  callback URLs: ${app.callbackUrls.join(', ')}`)
  }
}

const stop = async () => {
  await running.close()
  Deno.exit(0)
}
Deno.addSignalListener('SIGINT', stop)
Deno.addSignalListener('SIGTERM', stop)
