// Notion as data: `owner=user`, the client in a Basic header with a JSON token request, tokens
// that never expire (no refresh), the workspace kept as connection config, a version header.
import type { ProviderSpecInput } from '../types.ts'

/**
 * Notion public integrations (facts: "notion"; docs topic "Authorization" in Notion's developer
 * docs). The token response names the workspace (`workspace_id`, `workspace_name`) and the bot
 * (`bot_id`); we keep them as connection config. Without a refresh token, a 401 means the user
 * removed the integration: the grant is dead (the connections layer's rule for tokens that
 * cannot be refreshed). Notion has no revocation endpoint. Every call needs `Notion-Version`.
 */
export const notionSpec = {
  id: 'notion',
  displayName: 'Notion',
  authMode: 'oauth2',
  authorizeUrl: 'https://api.notion.com/v1/oauth/authorize',
  tokenUrl: 'https://api.notion.com/v1/oauth/token',
  pkce: true,
  clientAuth: 'basic',
  tokenRequestFormat: 'json',
  scopes: { default: [], separator: ' ' },
  authorizeParams: { owner: 'user' },
  tokenResponseMetadata: {
    workspace_id: 'workspace_id',
    workspace_name: 'workspace_name',
    bot_id: 'bot_id',
  },
  expiry: { source: 'none', refreshMarginSeconds: 0 },
  requiresRefreshToken: false,
  deadGrant: { oauthErrors: ['invalid_grant'], apiStatuses: [] },
  apiBaseUrl: 'https://api.notion.com',
  apiHeaders: { 'notion-version': '2022-06-28' },
  retry: { after: 'retry-after' },
  pagination: {
    type: 'cursor',
    cursorPath: 'next_cursor',
    cursorParam: 'start_cursor',
    limitParam: 'page_size',
    resultsPath: 'results',
  },
  envClient: { clientId: 'NOTION_CLIENT_ID', clientSecret: 'NOTION_CLIENT_SECRET' },
} satisfies ProviderSpecInput
