// Slack as data: OAuth v2 with comma-separated bot scopes, no PKCE, tokens that expire (and
// refresh tokens that rotate) only when the app turned token rotation on.
import type { ProviderSpecInput } from '../types.ts'

/**
 * Slack OAuth v2 (facts: "slack"; docs topics "Installing with OAuth", "Token rotation").
 * `scope` is comma-separated bot scopes; user scopes would go in `user_scope` and come back
 * under `authed_user` (read by hooks.ts, with the team). Without token rotation the bot token
 * never expires and no refresh token is issued; with it, tokens live 12 hours and each refresh
 * answers a new refresh token. Slack answers most failures with HTTP 200 and `ok: false`
 * (token endpoint included), classified in hooks.ts. `auth.revoke` takes the token alone.
 */
export const slackSpec = {
  id: 'slack',
  displayName: 'Slack',
  authMode: 'oauth2',
  authorizeUrl: 'https://slack.com/oauth/v2/authorize',
  tokenUrl: 'https://slack.com/api/oauth.v2.access',
  revokeUrl: 'https://slack.com/api/auth.revoke',
  revokeClientAuth: 'none',
  pkce: false,
  clientAuth: 'body',
  tokenRequestFormat: 'form',
  scopes: { default: ['channels:read', 'chat:write'], separator: ',' },
  tokenResponseMetadata: {
    'team.id': 'team_id',
    bot_user_id: 'bot_user_id',
    'authed_user.id': 'authed_user_id',
  },
  expiry: { source: 'expires_in', refreshMarginSeconds: 900 },
  requiresRefreshToken: false,
  rotatesRefreshToken: true,
  deadGrant: { oauthErrors: ['invalid_refresh_token', 'invalid_grant'], apiStatuses: [] },
  apiBaseUrl: 'https://slack.com/api',
  retry: { after: 'retry-after' },
  pagination: {
    type: 'cursor',
    cursorPath: 'response_metadata.next_cursor',
    cursorParam: 'cursor',
    limitParam: 'limit',
  },
  envClient: { clientId: 'SLACK_CLIENT_ID', clientSecret: 'SLACK_CLIENT_SECRET' },
} satisfies ProviderSpecInput
