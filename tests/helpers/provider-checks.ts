// What one registry provider does on the wire, without a server: the authorization URL it
// builds, the token requests it sends (recorded from a stubbed fetch), how it reads a recorded
// token response, and how it classifies recorded API and token-endpoint answers.
import { classifyResponse } from '../../supabase/functions/_shared/connections/authorized-fetch.ts'
import {
  authorizationUrl,
  exchangeCode,
  isDeadGrant,
  readGrant,
  refreshTokens,
} from '../../supabase/functions/_shared/connections/oauth2.ts'
import { revokeGrantOf } from '../../supabase/functions/_shared/connections/revoke.ts'
import { OAuthTokenError } from '../../supabase/functions/_shared/oauth/token-client.ts'
import { getProvider } from '../../supabase/functions/_shared/providers/registry.ts'
import type {
  ErrorClass,
  Provider,
  ProviderGrant,
  StoredTokens,
} from '../../supabase/functions/_shared/providers/types.ts'
import { oauthUrls } from '../../supabase/functions/_shared/providers/urls.ts'
import { setEnv } from './env.ts'
import { memoryConnection } from './provider-fixtures.ts'

export const client = { clientId: 'cid', clientSecret: 'csecret' }
export const state = 'S'.repeat(43)
export const challenge = 'C'.repeat(43)
export const verifier = 'v'.repeat(43)
export const redirectUri = (id: string) => `https://fn.example/functions/v1/callback/${id}`
/** A fixed clock for expires_at. */
export const now = 1_800_000_000_000

/** Runs `run` with the real provider hosts (no simulator rewrite). */
export async function realHosts<T>(run: () => T | Promise<T>): Promise<T> {
  const restore = setEnv({ PROVIDER_SIMULATOR_URL: undefined })
  try {
    return await run()
  } finally {
    restore()
  }
}

/** The authorization URL of `id` for `config`: its endpoint and every query parameter. */
export function authorizeRequest(id: string, config: Record<string, string> = {}) {
  const provider = getProvider(id)
  const { authorizeUrl } = oauthUrls(provider, config)
  const url = new URL(
    authorizationUrl(provider.spec, authorizeUrl!, {
      clientId: client.clientId,
      redirectUri: redirectUri(id),
      state,
      codeChallenge: challenge,
    }),
  )
  return {
    endpoint: url.origin + url.pathname,
    params: Object.fromEntries(url.searchParams),
    raw: url.href,
  }
}

/** One request a stubbed fetch saw. */
export interface SeenRequest {
  method: string
  url: string
  headers: Record<string, string>
  contentType: string | null
  /** The body read as its content type says: a form or JSON object, or the raw text. */
  body: Record<string, unknown> | string
}

async function record(request: Request): Promise<SeenRequest> {
  const text = await request.text()
  const contentType = request.headers.get('content-type')
  let body: Record<string, unknown> | string = text
  if (contentType?.startsWith('application/json')) body = JSON.parse(text)
  else if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    body = Object.fromEntries(new URLSearchParams(text))
  }
  return {
    method: request.method,
    url: request.url,
    headers: Object.fromEntries(request.headers),
    contentType,
    body,
  }
}

/**
 * Replaces the global fetch while `run` runs: every request is recorded and answered by
 * `respond` (called with the request's URL).
 */
export async function withStubbedFetch<T>(
  respond: (url: string, request: SeenRequest) => Response,
  run: (seen: SeenRequest[]) => Promise<T>,
): Promise<T> {
  const seen: SeenRequest[] = []
  const original = globalThis.fetch
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = await record(new Request(input, init))
    seen.push(request)
    return respond(request.url, request)
  }
  try {
    return await run(seen)
  } finally {
    globalThis.fetch = original
  }
}

/** The code exchange `id` sends, answered with the recorded `answer`. */
export async function codeExchange(
  id: string,
  answer: Response,
  config: Record<string, string> = {},
) {
  const provider = getProvider(id)
  const tokenUrl = oauthUrls(provider, config).tokenUrl!
  return await withStubbedFetch(() => answer, async (seen) => {
    const response = await exchangeCode(provider, {
      tokenUrl,
      client,
      code: 'the-code',
      redirectUri: redirectUri(id),
      codeVerifier: verifier,
    })
    return { request: seen[0], response }
  })
}

/** The refresh `id` sends, answered with the recorded `answer`. */
export async function refreshRequest(
  id: string,
  answer: Response,
  config: Record<string, string> = {},
) {
  const provider = getProvider(id)
  const tokenUrl = oauthUrls(provider, config).tokenUrl!
  return await withStubbedFetch(() => answer, async (seen) => {
    const response = await refreshTokens(provider, { tokenUrl, client, refreshToken: 'the-rt' })
    return { request: seen[0], response }
  })
}

/** The grant `id` reads from a recorded token response (a refresh when `previous` is given). */
export async function grantOf(
  id: string,
  body: Record<string, unknown>,
  options: { config?: Record<string, string>; previous?: StoredTokens } = {},
): Promise<ProviderGrant> {
  const provider = getProvider(id)
  const config = options.config ?? {}
  const tokenUrl = oauthUrls(provider, config).tokenUrl ?? ''
  const response = await withStubbedFetch(
    () => Response.json(body),
    async () =>
      options.previous
        ? await refreshTokens(provider, { tokenUrl, client, refreshToken: 'the-rt' })
        : await exchangeCode(provider, {
          tokenUrl,
          client,
          code: 'c',
          redirectUri: redirectUri(id),
          codeVerifier: verifier,
        }),
  )
  return await readGrant(provider, response, {
    spec: provider.spec,
    config,
    tokenUrl,
    clientSecret: client.clientSecret,
    previous: options.previous,
    now,
  })
}

/**
 * Whether `id` calls a recorded refresh refusal a dead grant: the refusal is read by the real
 * token client, so a 200-with-error (Slack) or a 403 (Atlassian) counts as the provider sends it.
 */
export async function refusalIsDeadGrant(id: string, answer: Response): Promise<boolean> {
  const provider = getProvider(id)
  try {
    await refreshRequest(id, answer, { subdomain: 'acme' })
  } catch (error) {
    if (error instanceof OAuthTokenError) return isDeadGrant(provider.spec, error)
    throw error
  }
  throw new Error(`${id} took the refusal for tokens`)
}

/** What the connections layer makes of a recorded API answer for a connection of `id`. */
export async function classify(
  id: string,
  answer: Response,
  tokens: StoredTokens = { access_token: 'at', refresh_token: 'rt' },
  config: Record<string, string> = {},
): Promise<ErrorClass | undefined> {
  const provider: Provider = getProvider(id)
  return await classifyResponse(memoryConnection(provider, tokens, config), answer)
}

/** The revocation `id` performs for `tokens`, against a recorded answer. */
export async function revokeWith(
  id: string,
  tokens: StoredTokens,
  answer: () => Response,
  config: Record<string, string> = {},
) {
  const provider = getProvider(id)
  const connection = { ...memoryConnection(provider, tokens, config), client }
  return await withStubbedFetch(answer, async (seen) => {
    const outcome = await revokeGrantOf(connection)
    return { outcome, seen }
  })
}
