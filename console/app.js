// The console: a signed-in user's businesses, CRM integrations with their sync health, runs and
// events, the connect flow, "sync now", disconnect, and alert webhooks, all through the typed
// client. It is also the reference for embedding the connect flow in a frontend:
//   1. GET /authorize/salesforce?integration_id&redirect_to=<this page> → { url }
//   2. send the browser to url (the provider's consent page)
//   3. the browser comes back here with ?ticket= (or ?error=&message=)
//   4. POST /callback/complete { ticket } with the user's JWT finishes the connection.
import { createCrmSyncClient } from './client/crm-sync-client.js'

const tokenKey = 'crm-sync-console.access-token'
const businessKey = 'crm-sync-console.business'

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id))

const api = createCrmSyncClient({
  functionsUrl: new URL('/functions/v1', location.origin).href,
  accessToken: () => sessionStorage.getItem(tokenKey) ?? undefined,
})

/** An API error with the envelope's code and message. */
class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

/**
 * The data of an openapi-fetch answer, or an ApiError from the error envelope.
 * @template T
 * @param {Promise<{ data?: T, error?: any, response: Response }>} pending
 * @returns {Promise<T>}
 */
async function call(pending) {
  const { data, error, response } = await pending
  if (!response.ok) {
    const envelope = error?.error ?? {}
    throw new ApiError(
      response.status,
      envelope.code ?? 'http_error',
      envelope.message ?? response.statusText,
    )
  }
  return /** @type {T} */ (data)
}

// --- small DOM helpers: text only, never HTML from data ---

/**
 * @param {string} tag
 * @param {Record<string, string | boolean | ((event: Event) => void)>} [attributes]
 * @param {Array<Node | string | null | undefined | false>} children
 */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value)
    else if (value === true) element.setAttribute(name, '')
    else if (value !== false) element.setAttribute(name, value)
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) element.append(child)
  }
  return element
}

/** @param {string} message @param {'ok' | 'error' | ''} [kind] */
function announce(message, kind = 'ok') {
  const status = $('status')
  status.className = kind
  status.textContent = message
}

/** @param {unknown} error @param {string} what */
function announceError(error, what) {
  const text = error instanceof ApiError
    ? `${what} failed: ${error.message} (${error.code})`
    : `${what} failed: ${error instanceof Error ? error.message : String(error)}`
  announce(text, 'error')
}

/** @param {string | null | undefined} iso */
function when(iso) {
  return iso ? new Date(iso).toLocaleString() : 'never'
}

/** @param {number | null | undefined} seconds */
function duration(seconds) {
  if (seconds === null || seconds === undefined) return 'n/a'
  if (seconds < 90) return `${Math.round(seconds)} s`
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`
  return `${Math.round(seconds / 3600)} h`
}

// --- sign-in ---

/** A token in the URL fragment (#access_token=…, as npm start prints it) is kept for the tab. */
function takeTokenFromFragment() {
  const fragment = new URLSearchParams(location.hash.slice(1))
  const token = fragment.get('access_token')
  if (!token) return
  sessionStorage.setItem(tokenKey, token)
  history.replaceState(null, '', location.pathname + location.search)
}

/** The signed-in user's email, read from the token (display only; the server verifies it). */
function signedInAs() {
  const token = sessionStorage.getItem(tokenKey)
  if (!token) return undefined
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')))
    return payload.email ?? payload.sub
  } catch {
    return 'unknown user'
  }
}

// --- coming back from the provider ---

/** Finishes a connect flow the browser just came back from; cleans the address bar first. */
async function finishConnect() {
  const params = new URLSearchParams(location.search)
  if (!params.has('ticket') && !params.has('status') && !params.has('error')) return
  // The ticket is single-use, but it should not linger in history or be bookmarked.
  history.replaceState(null, '', location.pathname)
  const ticket = params.get('ticket')
  try {
    if (ticket) {
      const done = await call(
        api.POST(/** @type {any} */ ('/callback/complete'), {
          body: /** @type {any} */ ({ ticket }),
        }),
      )
      announce(`Connected ${done.integration?.name ?? 'the integration'}.`)
    } else if (params.get('status') === 'connected') {
      announce('Connected.')
    } else {
      const message = params.get('message') ?? 'The provider did not connect'
      announce(`Connecting failed: ${message} (${params.get('error')})`, 'error')
    }
  } catch (error) {
    announceError(error, 'Connecting')
  }
}

// --- businesses and integrations ---

/** @type {Array<{ id: string, name: string, role: string }>} */
let businesses = []

function selectedBusiness() {
  return businesses.find((b) => b.id === /** @type {HTMLSelectElement} */ ($('business')).value)
}

async function loadBusinesses() {
  const data = await call(api.GET('/integrations/businesses'))
  businesses = data.businesses
  const select = /** @type {HTMLSelectElement} */ ($('business'))
  select.replaceChildren(
    ...businesses.map((b) => h('option', { value: b.id }, `${b.name} (${b.role})`)),
  )
  const remembered = sessionStorage.getItem(businessKey)
  if (remembered && businesses.some((b) => b.id === remembered)) select.value = remembered
}

/** @param {string} id */
async function readHealth(id) {
  const { data } = await api.GET('/integrations/{id}/health', { params: { path: { id } } })
  return data?.health
}

/** @param {string} id */
async function readRuns(id) {
  const { data } = await api.GET('/integrations/{id}/runs', {
    params: { path: { id }, query: { limit: 5 } },
  })
  return data?.runs
}

/** @param {string} id */
async function readEvents(id) {
  const data = await call(
    api.GET('/integrations/{id}/events', { params: { path: { id }, query: { limit: 5 } } }),
  )
  return data.events
}

/** @param {any} health */
function healthList(health) {
  if (!health) return h('p', {}, 'Health is not available.')
  return h(
    'dl',
    { 'aria-label': 'Sync health' },
    h('dt', {}, 'Last success'),
    h('dd', {}, when(health.last_success_at)),
    h('dt', {}, 'Lag'),
    h('dd', {}, duration(health.lag_seconds)),
    h('dt', {}, 'Error streak'),
    h('dd', { 'data-testid': 'error-streak' }, String(health.error_streak ?? 0)),
    h('dt', {}, 'Contacts synced'),
    h('dd', { 'data-testid': 'contacts-active' }, String(health.contacts_active)),
    h('dt', {}, 'Contacts deleted'),
    h('dd', {}, String(health.contacts_deleted)),
    h('dt', {}, 'Last run'),
    h(
      'dd',
      {},
      health.last_run_status
        ? `${health.last_run_status}${
          health.last_run_error_code ? ` (${health.last_run_error_code})` : ''
        } at ${when(health.last_run_finished_at)}`
        : 'none yet',
    ),
    h('dt', {}, 'Next sync'),
    h('dd', {}, when(health.next_sync_at)),
  )
}

/** @param {any[] | undefined} runs @param {string} name */
function runsTable(runs, name) {
  if (!runs) return h('p', {}, 'Run history is not available.')
  if (runs.length === 0) return h('p', {}, 'No runs yet.')
  return h(
    'table',
    {},
    h('caption', {}, `Recent runs of ${name}`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Started', 'Trigger', 'Status', 'Upserted', 'Deleted', 'Error'].map((label) =>
          h('th', { scope: 'col' }, label)
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...runs.map((run) =>
        h(
          'tr',
          {},
          h('td', {}, when(run.started_at)),
          h('td', {}, run.trigger),
          h('td', {}, h('span', { class: `badge ${run.status}` }, run.status)),
          h('td', {}, String(run.records_upserted)),
          h('td', {}, String(run.records_deleted)),
          h(
            'td',
            { class: run.error_code ? 'run-error' : '' },
            run.error_code ? `${run.error_code}: ${run.error ?? ''}` : '',
          ),
        )
      ),
    ),
  )
}

/** @param {any[]} events */
function eventsList(events) {
  if (events.length === 0) return h('p', {}, 'No events yet.')
  return h(
    'ul',
    { 'aria-label': 'Recent events' },
    ...events.map((event) => h('li', {}, `${when(event.created_at)}: ${event.type}`)),
  )
}

/** @param {any} integration */
async function integrationCard(integration) {
  const [health, runs, events] = await Promise.all([
    readHealth(integration.id),
    readRuns(integration.id),
    readEvents(integration.id),
  ])
  const name = integration.name
  const connected = integration.status === 'active' || integration.status === 'error'
  const titleId = `integration-${integration.id}`
  return h(
    'article',
    { class: `card ${integration.status}`, 'aria-labelledby': titleId },
    h(
      'h3',
      { id: titleId },
      `${name} `,
      h('span', { class: `badge ${integration.status}` }, integration.status),
    ),
    integration.last_error
      ? h('p', { class: 'run-error' }, `Last error: ${integration.last_error}`)
      : null,
    healthList(health),
    h(
      'div',
      { class: 'row' },
      h('button', {
        type: 'button',
        'aria-label': `${connected ? 'Reconnect' : 'Connect'} ${name}`,
        onclick: () => connect(integration.id),
      }, connected ? 'Reconnect' : 'Connect'),
      connected &&
        h('button', {
          type: 'button',
          'aria-label': `Sync ${name} now`,
          onclick: () => syncNow(integration.id, name),
        }, 'Sync now'),
      connected &&
        h('button', {
          type: 'button',
          'aria-label': `Disconnect ${name}`,
          onclick: () => disconnect(integration.id, name),
        }, 'Disconnect'),
    ),
    runsTable(runs, name),
    h('h4', {}, 'Events'),
    eventsList(events),
  )
}

async function renderIntegrations() {
  const business = selectedBusiness()
  const container = $('integrations')
  if (!business) {
    container.replaceChildren(h('p', {}, 'You belong to no business.'))
    return
  }
  sessionStorage.setItem(businessKey, business.id)
  const data = await call(
    api.GET('/integrations', { params: { query: { business_id: business.id } } }),
  )
  const cards = await Promise.all(data.integrations.map(integrationCard))
  container.replaceChildren(
    ...(cards.length > 0 ? cards : [h('p', {}, 'No integration yet: add one above.')]),
  )
}

/** @param {string} integrationId */
async function connect(integrationId) {
  announce('Opening the consent page…', '')
  try {
    const redirectTo = new URL(location.pathname, location.origin).href
    const { url } = await call(
      api.GET('/authorize/{provider}', {
        params: {
          path: { provider: 'salesforce' },
          query: { integration_id: integrationId, redirect_to: redirectTo },
        },
      }),
    )
    location.assign(url)
  } catch (error) {
    announceError(error, 'Connecting')
  }
}

/** @param {string} integrationId @param {string} name */
async function syncNow(integrationId, name) {
  announce(`Syncing ${name}…`, '')
  try {
    const { run } = await call(
      api.POST('/sync-cron/integrations/{id}', { params: { path: { id: integrationId } } }),
    )
    await renderIntegrations()
    if (run.error_code) {
      announce(`Sync of ${name} ${run.status}: ${run.error_code}. See its recent runs.`, 'error')
    } else {
      announce(
        `Sync of ${name} ${run.status}: ${run.records_upserted} upserted, ${run.records_deleted} deleted.`,
      )
    }
  } catch (error) {
    announceError(error, `Sync of ${name}`)
  }
}

/** @param {string} integrationId @param {string} name */
async function disconnect(integrationId, name) {
  if (!confirm(`Disconnect ${name}? Its tokens are revoked; synced contacts stay.`)) return
  try {
    await call(
      api.DELETE('/integrations/{id}', { params: { path: { id: integrationId }, query: {} } }),
    )
    await renderIntegrations()
    announce(`Disconnected ${name}.`)
  } catch (error) {
    announceError(error, `Disconnecting ${name}`)
  }
}

// --- alert webhooks ---

async function renderWebhooks() {
  const business = selectedBusiness()
  const container = $('webhooks')
  if (!business) return container.replaceChildren()
  if (business.role === 'member') {
    container.replaceChildren(h('p', {}, 'Only owners and admins manage alert webhooks.'))
    return
  }
  const { webhooks } = await call(
    api.GET('/alerts/webhooks', { params: { query: { business_id: business.id } } }),
  )
  container.replaceChildren(
    webhooks.length === 0 ? h('p', {}, 'No webhook yet.') : h(
      'ul',
      { 'aria-label': 'Alert webhooks' },
      ...webhooks.map((webhook) =>
        h(
          'li',
          {},
          `${webhook.url} (${webhook.enabled ? 'enabled' : 'disabled'}) `,
          h('button', {
            type: 'button',
            'aria-label': `Send a test event to ${webhook.url}`,
            onclick: () => testWebhook(webhook.id),
          }, 'Send test'),
          ' ',
          h('button', {
            type: 'button',
            'aria-label': `Delete webhook ${webhook.url}`,
            onclick: () => deleteWebhook(webhook.id),
          }, 'Delete'),
        )
      ),
    ),
  )
}

/** @param {string} id */
async function testWebhook(id) {
  try {
    const { delivery } = await call(
      api.POST('/alerts/webhooks/{id}/test', { params: { path: { id } } }),
    )
    announce(
      `Test event ${delivery.status}${
        delivery.last_status_code ? ` (HTTP ${delivery.last_status_code})` : ''
      }${delivery.last_error ? `: ${delivery.last_error}` : ''}.`,
      delivery.status === 'delivered' ? 'ok' : 'error',
    )
  } catch (error) {
    announceError(error, 'The test event')
  }
}

/** @param {string} id */
async function deleteWebhook(id) {
  try {
    await call(api.DELETE('/alerts/webhooks/{id}', { params: { path: { id } } }))
    await renderWebhooks()
    announce('Webhook deleted.')
  } catch (error) {
    announceError(error, 'Deleting the webhook')
  }
}

// --- wiring ---

async function renderBusiness() {
  try {
    await Promise.all([renderIntegrations(), renderWebhooks()])
  } catch (error) {
    announceError(error, 'Loading')
  }
}

async function start() {
  takeTokenFromFragment()
  const user = signedInAs()
  if (!user) {
    $('sign-in').hidden = false
    return
  }
  $('who').textContent = `Signed in as ${user}`
  $('workspace').hidden = false
  await finishConnect()
  try {
    await loadBusinesses()
  } catch (error) {
    announceError(error, 'Loading your businesses')
    return
  }
  await renderBusiness()
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const token = /** @type {HTMLTextAreaElement} */ ($('token')).value.trim()
  if (!token) return
  sessionStorage.setItem(tokenKey, token)
  location.reload()
})

$('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(tokenKey)
  location.reload()
})

$('business').addEventListener('change', renderBusiness)
$('refresh').addEventListener('click', async () => {
  await renderBusiness()
  if (!$('status').classList.contains('error')) announce('Up to date.')
})

$('new-integration').addEventListener('submit', async (event) => {
  event.preventDefault()
  const form = /** @type {HTMLFormElement} */ (event.target)
  const business = selectedBusiness()
  if (!business) return
  const name = /** @type {HTMLInputElement} */ (form.elements.namedItem('name')).value.trim()
  const environment = /** @type {'production' | 'sandbox'} */ (
    /** @type {HTMLSelectElement} */ (form.elements.namedItem('environment')).value
  )
  try {
    await call(api.POST('/integrations', { body: { business_id: business.id, name, environment } }))
    await renderIntegrations()
    announce(`Added ${name}. Connect it next.`)
  } catch (error) {
    announceError(error, 'Adding the integration')
  }
})

$('new-webhook').addEventListener('submit', async (event) => {
  event.preventDefault()
  const business = selectedBusiness()
  if (!business) return
  const input = /** @type {HTMLInputElement} */ ($('webhook-url'))
  try {
    const { secret } = await call(
      api.POST('/alerts/webhooks', { body: { business_id: business.id, url: input.value } }),
    )
    input.value = ''
    await renderWebhooks()
    announce(`Webhook added. Its signing secret, shown once: ${secret}`)
  } catch (error) {
    announceError(error, 'Adding the webhook')
  }
})

start()
