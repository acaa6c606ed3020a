// GitHub (OAuth App) as data: PKCE, user tokens that never expire, rate limits told by
// `x-ratelimit-remaining` and a reset epoch, revocation of the whole grant by the app.
import type { ProviderSpecInput } from '../types.ts'

/**
 * GitHub OAuth Apps (facts: "github"; docs topics "Authorizing OAuth apps", "Rate limits for the
 * REST API"). The token endpoint answers form-encoded unless asked for JSON (we always ask), and
 * answers a refusal with HTTP 200 and an `error` field. OAuth App tokens do not expire and come
 * without a refresh token, so a 401 means the user revoked the app: a dead grant. A primary rate
 * limit is a 403 (or 429) with `x-ratelimit-remaining: 0` and the reset epoch in
 * `x-ratelimit-reset`; a 403 with remaining calls is a permission refusal and is not retried.
 * Revocation deletes the app's grant (hooks.ts).
 */
export const githubSpec = {
  id: 'github',
  displayName: 'GitHub',
  authMode: 'oauth2',
  authorizeUrl: 'https://github.com/login/oauth/authorize',
  tokenUrl: 'https://github.com/login/oauth/access_token',
  pkce: true,
  clientAuth: 'body',
  tokenRequestFormat: 'form',
  scopes: { default: ['read:user'], separator: ' ' },
  expiry: { source: 'none', refreshMarginSeconds: 0 },
  requiresRefreshToken: false,
  deadGrant: { oauthErrors: ['invalid_grant', 'bad_refresh_token'], apiStatuses: [] },
  apiBaseUrl: 'https://api.github.com',
  apiHeaders: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
  retry: { after: 'retry-after', at: 'x-ratelimit-reset', remaining: 'x-ratelimit-remaining' },
  pagination: { type: 'link', linkPath: 'header', limitParam: 'per_page' },
  envClient: { clientId: 'GITHUB_CLIENT_ID', clientSecret: 'GITHUB_CLIENT_SECRET' },
} satisfies ProviderSpecInput
