// supabase-js for end-to-end tests: the client a frontend holds, pointed at the in-process gateway
// and signed in as a test user, so tests call the functions through `functions.invoke` as an
// app does (its headers, its preflight-relevant headers, its error types).
import assert from 'node:assert/strict'
import {
  createClient,
  FunctionsHttpError,
  FunctionsRelayError,
  type SupabaseClient,
} from '@supabase/supabase-js'
import type { TestGateway } from './gateway.ts'
import { documentCheckedFetch } from './openapi-check.ts'

/**
 * The project key a frontend passes to createClient. The gateway, like the platform's for
 * functions, does not authorise on it; its `sb_publishable_` form makes supabase-js send it in
 * `apikey` only, never as a bearer token, so a client with no user is anonymous.
 */
export const testPublishableKey = 'sb_publishable_local_e2e_tests'

/**
 * A supabase-js client for `baseUrl` (the gateway's URL, as SUPABASE_URL is the project's) acting
 * with `accessToken` (a user's JWT), or anonymously without one. No session storage, no refresh
 * timer: the token is the test's, as `global.headers.Authorization` passes a server-held token.
 */
export function supabaseClient(baseUrl: string, accessToken?: string): SupabaseClient {
  return createClient(baseUrl, testPublishableKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: {
      // Answers of our functions are checked against openapi.json on the way.
      fetch: documentCheckedFetch(),
      ...(accessToken ? { headers: { Authorization: `Bearer ${accessToken}` } } : {}),
    },
  })
}

/** A client signed in as `userId` on `gateway` (a fresh token minted by the gateway's key). */
export async function supabaseAs(gateway: TestGateway, userId: string): Promise<SupabaseClient> {
  return supabaseClient(gateway.url, await gateway.mint({ sub: userId }))
}

export interface InvokeOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** An object is sent as JSON; a string as is (with the content-type given in `headers`). */
  body?: Record<string, unknown> | string
  headers?: Record<string, string>
}

/**
 * `client.functions.invoke(path)` (`path` is `<function>/<route>?<query>`), answered as a
 * Response either way: supabase-js hands a 2xx back parsed in `data` and anything else as a
 * FunctionsHttpError whose `context` is the response. Network and relay errors are thrown.
 */
export async function invoke(
  client: SupabaseClient,
  path: string,
  { method = 'GET', body, headers }: InvokeOptions = {},
): Promise<Response> {
  const { data, error, response } = await client.functions.invoke(path, { method, body, headers })
  if (error instanceof FunctionsHttpError || error instanceof FunctionsRelayError) {
    return error.context as Response
  }
  if (error) throw error
  if (!response) throw new Error(`supabase-js returned no response for ${method} ${path}`)
  // The body was read into `data` (JSON for our functions): hand it back unread.
  const text = typeof data === 'string' ? data : JSON.stringify(data)
  return new Response(response.status === 204 ? null : text, {
    status: response.status,
    headers: response.headers,
  })
}

/** The JSON body of `response`, once its status is `status` (the body says why when not). */
export async function expectJson(response: Response, status: number) {
  const body = await response.json()
  assert.equal(response.status, status, JSON.stringify(body))
  return body
}
