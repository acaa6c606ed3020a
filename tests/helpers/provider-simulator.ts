// The provider simulator for our tests: an in-process server, clients registered per provider,
// the environment that points the functions at it, and scripted browser steps (authorize,
// consent, OAuth 1.0a signing) for fixtures.
import type { RegisterClientOptions } from '../../scripts/sandbox/providers/control.ts'
import {
  type RunningProviderSimulator,
  startProviderSimulator,
} from '../../scripts/sandbox/providers/server.ts'
import type { ProviderSimulatorOptions } from '../../scripts/sandbox/providers/simulator.ts'

export type { RunningProviderSimulator }

/** The callback fixtures use when no function is involved. */
export const simulatorCallback = (provider: string) => `http://127.0.0.1:9/callback/${provider}`

/** Starts the simulator on a free loopback port, auto-approving. Close it in a `finally`. */
export function startSimulator(
  opts: ProviderSimulatorOptions = {},
): Promise<RunningProviderSimulator> {
  return startProviderSimulator({ autoApprove: true, now: '2026-03-02T10:00:00Z', ...opts })
}

/** Runs `fn` with a started simulator and always closes it. */
export async function withSimulator(
  fn: (sim: RunningProviderSimulator) => Promise<void>,
  opts: ProviderSimulatorOptions = {},
): Promise<void> {
  const sim = await startSimulator(opts)
  try {
    await fn(sim)
  } finally {
    await sim.close()
  }
}

/** Registers a client for `provider` whose redirect URI is `simulatorCallback(provider)`. */
export function registerClient(
  sim: RunningProviderSimulator,
  provider: string,
  opts: RegisterClientOptions = {},
) {
  return sim.control.registerClient(provider, {
    redirectUris: [simulatorCallback(provider)],
    ...opts,
  })
}

/** The environment that makes our functions call the simulator instead of the real hosts. */
export function simulatorEnv(sim: RunningProviderSimulator): Record<string, string> {
  return { PROVIDER_SIMULATOR_URL: sim.url }
}

/** `https://slack.com/oauth/v2/authorize?...` → the same URL on the simulator. */
export function viaSimulator(sim: RunningProviderSimulator, realUrl: string | URL): string {
  return sim.control.simulatorUrl(String(realUrl))
}

/**
 * Opens an authorize URL as a browser would and returns where the provider redirected to. With
 * an auto-approving client that is the first response; otherwise the consent page is answered
 * with `decision` for `account` (default: the preselected one).
 */
export async function authorizeInBrowser(
  sim: RunningProviderSimulator,
  realAuthorizeUrl: string | URL,
  decision: 'allow' | 'deny' = 'allow',
  account?: string,
): Promise<URL> {
  const first = await fetch(viaSimulator(sim, realAuthorizeUrl), { redirect: 'manual' })
  if (first.status === 302) {
    await first.body?.cancel()
    return new URL(first.headers.get('location')!)
  }
  const page = await first.text()
  const requestId = /name="request_id" value="([^"]+)"/.exec(page)?.[1]
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1]
  const selected = /<option value="([^"]+)" selected>/.exec(page)?.[1]
  if (!requestId || !action) {
    throw new Error(`no consent page (status ${first.status}): ${page.slice(0, 300)}`)
  }
  const answer = await fetch(`${sim.url}${action}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      request_id: requestId,
      account: account ?? selected ?? '',
      decision,
    }),
  })
  await answer.body?.cancel()
  const location = answer.headers.get('location')
  if (!location) throw new Error(`consent answered ${answer.status} without a redirect`)
  return new URL(location)
}

export function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(
    /=+$/,
    '',
  )
}

/** A PKCE verifier and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(48)))
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return { verifier, challenge: base64url(new Uint8Array(digest)) }
}

const encode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/**
 * An OAuth 1.0a `Authorization` header signed with HMAC-SHA1 over `signedUrl` (RFC 5849 §3.4),
 * written here independently of the simulator's verifier so the two check each other.
 */
export async function oauth1Header(opts: {
  method: string
  signedUrl: string
  consumerKey: string
  consumerSecret: string
  token?: string
  tokenSecret?: string
  extra?: Record<string, string>
  formBody?: Record<string, string>
}): Promise<string> {
  const oauth: Record<string, string> = {
    oauth_consumer_key: opts.consumerKey,
    oauth_nonce: base64url(crypto.getRandomValues(new Uint8Array(12))),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(Math.floor(Date.now() / 1000)),
    oauth_version: '1.0',
    ...(opts.token ? { oauth_token: opts.token } : {}),
    ...opts.extra,
  }
  const url = new URL(opts.signedUrl)
  const pairs = [
    ...Object.entries(oauth),
    ...url.searchParams,
    ...Object.entries(opts.formBody ?? {}),
  ].map(([k, v]) => [encode(k), encode(v)])
    .sort(([ak, av], [bk, bv]) => ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0)
    .map(([k, v]) => `${k}=${v}`)
  const base = [
    opts.method.toUpperCase(),
    encode(`${url.protocol}//${url.host}${url.pathname}`),
    encode(pairs.join('&')),
  ].join('&')
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(`${encode(opts.consumerSecret)}&${encode(opts.tokenSecret ?? '')}`),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  )
  const sig = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(base)),
  )
  oauth.oauth_signature = btoa(String.fromCharCode(...sig))
  return 'OAuth ' +
    Object.entries(oauth).map(([k, v]) => `${encode(k)}="${encode(v)}"`).join(', ')
}
