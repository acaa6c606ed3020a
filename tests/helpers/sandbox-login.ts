// Logs a given sandbox user in through a given connected app (PKCE web-server flow, approved
// without a page): a grant for any org from the one app the server uses, as a packaged app is.
import type { AppInfo } from '../../scripts/sandbox/salesforce/control.ts'
import { fixtureCallback, type SandboxTokenResponse } from './salesforce-sandbox.ts'

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_')
    .replace(/=+$/, '')
}

/**
 * The token response for `username` (picked with login_hint) on `loginUrl`, through `app`, which
 * must auto-approve and accept `fixtureCallback`.
 */
export async function loginAs(
  loginUrl: string,
  app: AppInfo,
  username: string,
): Promise<SandboxTokenResponse> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(48)))
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  )
  const authorize = new URL(`${loginUrl}/services/oauth2/authorize`)
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: fixtureCallback,
    scope: 'api refresh_token',
    code_challenge: challenge,
    login_hint: username,
  }).toString()
  const approved = await fetch(authorize, { redirect: 'manual' })
  await approved.body?.cancel()
  const code = new URL(approved.headers.get('location') ?? 'x:/').searchParams.get('code')
  if (!code) throw new Error(`the sandbox did not approve ${username} (${approved.status})`)
  const response = await fetch(`${loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      redirect_uri: fixtureCallback,
      code_verifier: verifier,
    }),
  })
  if (!response.ok) throw new Error(`token exchange failed: ${response.status}`)
  return await response.json()
}
