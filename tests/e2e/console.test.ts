// The console in a real browser (Debian's chromium driven by playwright-core): a signed-in owner
// connects through the sandbox's consent page, sees the first sync's counts, syncs now, sees an
// injected Salesforce failure as an error with its message, and disconnects. Screenshots of each
// state go to <STATE_DIR>/test-logs/console/.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { setEnv } from '../helpers/env.ts'
import { repoRoot, startTestGateway } from '../helpers/gateway.ts'
import { captureLogs } from '../helpers/logs.ts'
import { createOrg, salesforceEnv, startSandbox } from '../helpers/salesforce-sandbox.ts'
import {
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from '../helpers/test-db.ts'

const chromiumPath = '/usr/bin/chromium'
const screenshotDir = join(
  Deno.env.get('STATE_DIR') ?? join(repoRoot, '.local'),
  'test-logs',
  'console',
)
const cronSecret = `cron-${crypto.randomUUID()}`
const contactCount = 12

/** Chromium as the brief fixes it: headless, no network of its own, a fresh profile. */
async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await Deno.makeTempDir({ prefix: 'console-chromium-' })
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1100, height: 1000 },
  })
  return {
    context,
    close: async () => {
      await context.close()
      await Deno.remove(profile, { recursive: true })
    },
  }
}

async function statusText(page: Page): Promise<string> {
  return (await page.getByRole('status').textContent()) ?? ''
}

/** Waits until the live region announces something containing `text`. */
async function waitForStatus(page: Page, text: string): Promise<string> {
  await page.getByRole('status').filter({ hasText: text }).waitFor()
  return await statusText(page)
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true })
}

Deno.test({
  name:
    'console: connect in the browser, first sync counts, sync now, a failure with its message, disconnect',
  // playwright-core keeps a pipe to chromium and timers of its own between steps.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await Deno.mkdir(screenshotDir, { recursive: true })
    const sql = adminSql(requireTestDbUrl())
    const logs = captureLogs()
    const sandbox = startSandbox()
    const org = createOrg(sandbox, { autoApprove: false, contacts: contactCount })
    const tag = crypto.randomUUID().slice(0, 8)
    const owner = await createUser(sql, `owner-${tag}@example.test`)
    const businessId = await createBusiness(sql, { name: `Console ${tag}`, ownerId: owner })
    const gateway = await startTestGateway({
      dbUrl: requireTestDbUrl(),
      env: {
        ...salesforceEnv(sandbox, org.app),
        SYNC_CRON_SECRET: cronSecret,
        // One failed run, no retries: the injected failure shows at once, as status error.
        SYNC_RETRY_ATTEMPTS: '1',
        SYNC_FAILURE_THRESHOLD: '1',
      },
    })
    const consoleUrl = `${gateway.url}/console/`
    const restoreEnv = setEnv({
      PUBLIC_FUNCTIONS_URL: `${gateway.url}/functions/v1`,
      APP_REDIRECT_ALLOWLIST: consoleUrl,
    })
    sandbox.control.updateApp(org.app.clientId, {
      callbackUrls: [`${gateway.url}/functions/v1/callback/salesforce`],
    })
    const browser = await launchBrowser()
    try {
      const page = await browser.context.newPage()
      page.on('dialog', (dialog) => dialog.accept())
      // The page's own errors and failed loads go to the test log, for whoever reads a failure.
      page.on('pageerror', (error) => console.error('page error:', error.message))
      page.on('console', (message) => {
        if (message.type() === 'error') console.error('page console:', message.text())
      })
      const token = await gateway.mint({ sub: owner, email: `owner-${tag}@example.test` })

      // Signed in through the URL fragment, as npm start prints it; the token leaves the URL.
      await page.goto(`${consoleUrl}#access_token=${token}`)
      await page.getByText(`Signed in as owner-${tag}@example.test`).waitFor()
      assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address bar')
      await page.getByText('No integration yet').waitFor()

      // Add an integration with the keyboard: label → field, Enter submits.
      await page.getByLabel('New integration name').fill('Acme CRM')
      await page.getByLabel('New integration name').press('Enter')
      assert.match(await waitForStatus(page, 'Added Acme CRM'), /Connect it next/)
      await shot(page, '1-integration-added')

      // Connect: our authorize URL → the sandbox's consent page → Allow → back to the console.
      await page.getByRole('button', { name: 'Connect Acme CRM' }).click()
      await page.getByRole('button', { name: 'Allow' }).waitFor()
      assert.ok(page.url().startsWith(sandbox.url), 'the browser is on the provider consent page')
      await shot(page, '2-consent-page')
      await page.getByRole('button', { name: 'Allow' }).click()
      await page.waitForURL((url) => url.href.startsWith(consoleUrl))
      await waitForStatus(page, 'Connected')
      assert.equal(new URL(page.url()).search, '', 'the outcome is taken out of the address bar')
      await page.getByRole('button', { name: 'Sync Acme CRM now' }).waitFor()

      // pg_cron's tick syncs it; a refresh shows the counts.
      const tick = await gateway.request('/functions/v1/sync-cron', {
        method: 'POST',
        token: cronSecret,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      assert.equal(tick.status, 200)
      await tick.body?.cancel()
      await page.getByRole('button', { name: 'Refresh' }).click()
      await waitForStatus(page, 'Up to date')
      const card = page.getByRole('article', { name: /Acme CRM/ })
      assert.equal(
        (await card.getByTestId('contacts-active').textContent())?.trim(),
        String(contactCount),
        'the first sync counts every contact',
      )
      await card.getByRole('table', { name: 'Recent runs of Acme CRM' }).getByText('cron').waitFor()
      await shot(page, '3-first-sync')

      // Sync now succeeds and says what it did.
      await page.getByRole('button', { name: 'Sync Acme CRM now' }).click()
      assert.match(await waitForStatus(page, 'Sync of Acme CRM succeeded'), /upserted/)

      // Salesforce fails: the run, the card and the live region show it, with its message.
      sandbox.control.injectFault({ kind: '500', count: 20 })
      await page.getByRole('button', { name: 'Sync Acme CRM now' }).click()
      const failure = await waitForStatus(page, 'Sync of Acme CRM failed')
      assert.match(failure, /salesforce_/)
      assert.equal(await page.getByRole('status').getAttribute('class'), 'error')
      // The failed run, its code and message, at the top of the recent runs.
      const failedRun = card.getByRole('table', { name: 'Recent runs of Acme CRM' })
        .getByRole('row').nth(1)
      assert.match((await failedRun.textContent()) ?? '', /failed/)
      const runError = (await failedRun.getByRole('cell').last().textContent()) ?? ''
      assert.match(runError, /^salesforce_\w+: .{10,}/, 'the run shows its error code and message')
      assert.equal(
        (await card.getByTestId('error-streak').textContent())?.trim(),
        '1',
        'the error streak counts it',
      )
      await card.getByText(/^Last error: .{10,}/).waitFor()
      await shot(page, '4-sync-failed')

      // Disconnect (confirmed in the dialog).
      await page.getByRole('button', { name: 'Disconnect Acme CRM' }).click()
      await waitForStatus(page, 'Disconnected Acme CRM')
      await page.getByRole('button', { name: 'Connect Acme CRM' }).waitFor()
      assert.match((await card.locator('h3').textContent()) ?? '', /disconnected/)
      await shot(page, '5-disconnected')

      const [row] =
        await sql`select status from public.integrations where business_id = ${businessId}`
      assert.equal(row.status, 'disconnected')
      for (const line of logs.lines) assert.ok(!line.includes(token), 'no log line holds the JWT')
    } finally {
      await browser.close()
      await gateway.close()
      restoreEnv()
      await sandbox.close()
      await deleteFixtures(sql, { businessIds: [businessId], userIds: [owner] })
      await sql.end()
      logs.restore()
    }
  },
})
