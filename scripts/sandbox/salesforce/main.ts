// `npm run sandbox`: serves a seeded Salesforce sandbox and prints its URLs and credentials.

import { intEnv } from './env.ts'
import { startSalesforceSandbox } from './server.ts'

/** Whether this process may keep its state in `path` (`npm run sandbox` may lack the permission). */
function canReadAndWrite(path: string): boolean {
  const dir = path.slice(0, path.lastIndexOf('/')) || '.'
  return Deno.permissions.querySync({ name: 'read', path: dir }).state === 'granted' &&
    Deno.permissions.querySync({ name: 'write', path: dir }).state === 'granted'
}

const port = intEnv('SANDBOX_PORT', 54330)
const contacts = intEnv('SANDBOX_CONTACTS', 500)
const seed = intEnv('SANDBOX_SEED', 42)
const gateway = intEnv('GATEWAY_PORT', 54321)
// The project's callback is <PUBLIC_FUNCTIONS_URL>/callback/salesforce; both loopback spellings
// are registered because Salesforce matches callback URLs exactly.
const callbacks = (Deno.env.get('SANDBOX_CALLBACK_URLS') ??
  `http://localhost:${gateway}/functions/v1/callback/salesforce,http://127.0.0.1:${gateway}/functions/v1/callback/salesforce`)
  .split(',').map((u) => u.trim()).filter(Boolean)

// Set by the local stack (STATE_DIR/sandbox/salesforce.json): the world outlives a restart.
const wantedStateFile = Deno.env.get('SANDBOX_STATE_FILE') || undefined
const stateFile = wantedStateFile && canReadAndWrite(wantedStateFile) ? wantedStateFile : undefined
if (wantedStateFile && !stateFile) {
  console.warn(`SANDBOX_STATE_FILE ignored: no read/write permission for ${wantedStateFile}`)
}
const restored = stateFile !== undefined && (await Deno.stat(stateFile).catch(() => null)) !== null

const running = await startSalesforceSandbox({
  stateFile,
  port,
  hostname: Deno.env.get('SANDBOX_HOST') ?? '127.0.0.1',
  baseUrl: Deno.env.get('SANDBOX_PUBLIC_URL') || undefined,
  seed,
  autoApprove: Deno.env.get('SANDBOX_AUTO_APPROVE') === '1',
  orgs: [
    {
      name: 'Acme Corp',
      myDomain: 'acme',
      contacts,
      seed,
      // One connected app serves every org, as a real (packaged) connected app does.
      app: {
        name: 'CRM Sync (local)',
        clientId: Deno.env.get('SANDBOX_CLIENT_ID') || '3MVG9sandboxLocalCrmSyncClientId',
        clientSecret: Deno.env.get('SANDBOX_CLIENT_SECRET') || 'sandbox-local-crm-sync-secret',
        callbackUrls: callbacks,
      },
    },
    {
      name: 'Globex',
      kind: 'sandbox',
      myDomain: 'globex--uat',
      contacts: Math.ceil(contacts / 5),
      seed: seed + 1,
      app: false,
    },
  ],
})

const c = running.control
const [app] = c.listOrgs().flatMap((o) => o.apps).map((id) => c.getApp(id))
console.log(
  `Salesforce sandbox listening on ${running.url}  (control API: ${running.url}/__sandbox/)`,
)
if (stateFile) {
  console.log(
    restored
      ? `State restored from ${stateFile} (delete it, or npm run stack -- reset, to re-seed)`
      : `State kept in ${stateFile}`,
  )
}
console.log('\nFor the project (.env):')
console.log(`  SALESFORCE_LOGIN_URL=${c.loginUrl('production')}`)
console.log(`  SALESFORCE_SANDBOX_LOGIN_URL=${c.loginUrl('sandbox')}`)
console.log(`  SALESFORCE_CLIENT_ID=${app.clientId}`)
console.log(`  SALESFORCE_CLIENT_SECRET=${app.clientSecret}`)
console.log(`  callback URLs registered: ${app.callbackUrls.join(' ')}`)
for (const org of c.listOrgs()) {
  console.log(`\nOrg "${org.name}" (${org.kind}) ${org.orgId}`)
  console.log(`  login URL:    ${org.loginUrl}`)
  console.log(`  instance_url: ${org.instanceUrl}`)
  console.log(`  users:        ${org.users.map((u) => u.username).join(', ')}`)
  console.log(`  records:      ${org.counts.Contact} contacts, ${org.counts.Account} accounts`)
}
console.log(
  `\nApproval: ${
    Deno.env.get('SANDBOX_AUTO_APPROVE') === '1' ? 'automatic' : 'a page with Allow / Deny'
  } (SANDBOX_AUTO_APPROVE=1 to skip it). Ctrl-C stops.`,
)

const stop = async () => {
  await running.close()
  Deno.exit(0)
}
Deno.addSignalListener('SIGINT', stop)
Deno.addSignalListener('SIGTERM', stop)
