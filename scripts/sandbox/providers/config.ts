// The simulator's own quirk list: how each provider's OAuth and small API behave, written from
// /work/shared/facts/providers.md, hubspot.md, pipedrive.md and the providers' docs, never from
// supabase/functions (so a mistake in our registry shows up as a failing test, not as agreement).
// Where the facts are silent the choice is marked "guess" and listed in the README.

import type {
  ApiErrorContext,
  IssuedTokens,
  OAuthErrorCode,
  ProviderQuirks,
  Reply,
  TokenErrorContext,
} from './quirks.ts'
import type { Account, ItemRecord } from './world.ts'

const iso = (ms: number) => new Date(ms).toISOString()
const epoch = (ms: number) => Math.floor(ms / 1000)
const [firstName, lastName] = [
  (i: ItemRecord) => i.name.split(' ')[0],
  (i: ItemRecord) => i.name.split(' ').slice(1).join(' '),
]
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null)
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {}
/** A stable UUID-shaped id for a record, for providers whose ids are UUIDs. */
const uuidOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
const hex24 = (n: number) => n.toString(16).padStart(24, '0')

/** The RFC 6749 token response most providers send. */
function rfcTokens(t: IssuedTokens, separator = ' ', tokenType = 'Bearer') {
  return {
    access_token: t.accessToken,
    token_type: tokenType,
    ...(t.expiresIn !== null ? { expires_in: t.expiresIn } : {}),
    ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}),
    scope: t.scopes.join(separator),
  }
}

/** RFC 6749 §5.2 errors: 401 for client authentication, 400 otherwise. */
export function rfcTokenError(code: OAuthErrorCode, ctx: TokenErrorContext): Reply {
  const error = code === 'redirect_uri_mismatch' ? 'invalid_grant' : code
  return {
    status: code === 'invalid_client' ? 401 : 400,
    body: { error, error_description: ctx.description },
  }
}

const retryAfter = (c: ApiErrorContext) => ({ 'retry-after': String(c.retryAfterSeconds) })
const scopeHas = (scopes: string[], s: string) => scopes.includes(s)

// --- HubSpot (facts: hubspot.md §1, §7, §8) -------------------------------------------------

const hubspotContact = (i: ItemRecord) => ({
  id: String(i.id),
  properties: {
    createdate: iso(i.createdAt),
    email: i.email,
    firstname: firstName(i),
    lastname: lastName(i),
    hs_object_id: String(i.id),
    lastmodifieddate: iso(i.createdAt),
  },
  createdAt: iso(i.createdAt),
  updatedAt: iso(i.createdAt),
  archived: false,
})

const hubspot: ProviderQuirks = {
  id: 'hubspot',
  displayName: 'HubSpot',
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
    tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
    pkce: 'S256',
    clientAuth: 'body',
    tokenFormat: 'form',
    scopeSeparator: ' ',
    tokenPrefix: { access: 'CO', refresh: 'na1-' },
    accessTtl: () => 1800,
    // Refresh tokens never rotate and don't age out (facts §1.2).
    refresh: 'static',
    tokenResponse: (t) => ({
      token_type: 'bearer',
      refresh_token: t.refreshToken,
      access_token: t.accessToken,
      expires_in: t.expiresIn,
      hub_id: t.account.number,
      scopes: t.scopes,
    }),
    tokenError: (code, ctx) => {
      const status = code === 'invalid_grant'
        ? (ctx.grantType === 'refresh_token' ? 'BAD_REFRESH_TOKEN' : 'BAD_AUTH_CODE')
        : code === 'invalid_client'
        ? 'BAD_CLIENT_ID'
        : code === 'redirect_uri_mismatch'
        ? 'BAD_REDIRECT_URI'
        : 'BAD_REQUEST'
      const description = status === 'BAD_REFRESH_TOKEN'
        ? 'refresh token is invalid, expired or revoked'
        : ctx.description
      return {
        status: 400,
        body: {
          status,
          message: description,
          correlationId: uuidOf(1),
          error: code === 'redirect_uri_mismatch' ? 'invalid_grant' : code,
          error_description: description,
        },
      }
    },
    // Revoking deletes the refresh token; issued access tokens live out their 30 minutes.
    revoke: {
      method: 'DELETE',
      url: 'https://api.hubapi.com/oauth/v1/refresh-tokens/{token}',
      token: 'path',
      clientAuth: 'none',
      reply: { status: 204, body: null },
      keepAccessTokens: true,
    },
  },
  api: {
    base: 'https://api.hubapi.com',
    credentials: ['bearer'],
    me: {
      method: 'GET',
      path: '/account-info/v3/details',
      handle: ({ account }) => ({
        body: {
          portalId: account.number,
          accountType: 'STANDARD',
          timeZone: 'US/Eastern',
          companyCurrency: 'USD',
          additionalCurrencies: [],
          utcOffset: '-05:00',
          utcOffsetMilliseconds: -18000000,
          uiDomain: 'app.hubspot.com',
          dataHostingLocation: 'na1',
        },
      }),
    },
    routes: [{
      // Access-token metadata: the token is in the path, no Authorization header.
      method: 'GET',
      path: '/oauth/v1/access-tokens/{token}',
      tokenIn: { path: 'token' },
      handle: ({ account, grant, world, token, now }) => {
        const expiresAt = world.accessTokens.get(token ?? '')?.expiresAt ?? now
        return {
          body: {
            token,
            user: account.userEmail,
            hub_domain: `${account.key}.hubspot.com`,
            scopes: grant?.scopes ?? [],
            hub_id: account.number,
            app_id: 1000001,
            expires_in: Math.max(0, epoch(expiresAt - now)),
            user_id: account.number + 1,
            token_type: 'access',
          },
        }
      },
    }],
    list: {
      method: 'GET',
      path: '/crm/v3/objects/contacts',
      limitParam: 'limit',
      defaultLimit: 10,
      maxLimit: 100,
      positionParam: 'after',
      position: 'offset',
      render: (p) => ({
        body: {
          results: p.items.map(hubspotContact),
          ...(p.next ? { paging: { next: { after: p.next, link: p.nextUrl } } } : {}),
        },
      }),
    },
    create: {
      method: 'POST',
      path: '/crm/v3/objects/contacts',
      name: (b) => {
        const p = obj(b.properties)
        return str([p.firstname, p.lastname].filter(Boolean).join(' ')) ?? str(p.email)
      },
      render: (i) => ({ status: 201, body: hubspotContact(i) }),
    },
    error: (kind, c): Reply => {
      const base = { status: 'error', correlationId: uuidOf(2) }
      switch (kind) {
        case 'expired':
          return {
            status: 401,
            body: {
              ...base,
              message: 'The OAuth token used to make this call expired 1 second(s) ago.',
              category: 'EXPIRED_AUTHENTICATION',
            },
          }
        case 'invalid':
          return {
            status: 401,
            body: {
              ...base,
              message:
                'Authentication credentials not found. This API supports OAuth 2.0 authentication.',
              category: 'INVALID_AUTHENTICATION',
            },
          }
        case 'rate-limited':
          // HubSpot does not always send Retry-After; clients key on Remaining = 0 (facts §7).
          return {
            status: 429,
            headers: {
              'x-hubspot-ratelimit-interval-milliseconds': '10000',
              'x-hubspot-ratelimit-max': '110',
              'x-hubspot-ratelimit-remaining': '0',
            },
            body: {
              ...base,
              message: 'You have reached your ten_secondly_rolling limit.',
              errorType: 'RATE_LIMIT',
              policyName: 'TEN_SECONDLY_ROLLING',
              groupName: 'publicapi:oauth',
            },
          }
        case 'unavailable':
          return { status: 503, headers: retryAfter(c), body: { ...base, message: 'Unavailable' } }
        case 'not-found':
          return {
            status: 404,
            body: { ...base, message: c.message ?? 'Not found', category: 'OBJECT_NOT_FOUND' },
          }
        default:
          return {
            status: 400,
            body: { ...base, message: c.message ?? 'Invalid input', category: 'VALIDATION_ERROR' },
          }
      }
    },
  },
}

// --- Pipedrive (facts: pipedrive.md §0, §1, §4) ---------------------------------------------

const pipedrivePerson = (i: ItemRecord) => ({
  id: i.id,
  name: i.name,
  emails: [{ value: i.email, primary: true, label: 'work' }],
  add_time: iso(i.createdAt),
  update_time: iso(i.createdAt),
  visible_to: 3,
  custom_fields: {},
})

const pipedrive: ProviderQuirks = {
  id: 'pipedrive',
  displayName: 'Pipedrive',
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://oauth.pipedrive.com/oauth/authorize',
    tokenUrl: 'https://oauth.pipedrive.com/oauth/token',
    pkce: 'none',
    clientAuth: 'basic',
    tokenFormat: 'form',
    scopeSeparator: ' ',
    tokenPrefix: { access: 'v1u:', refresh: '1:' },
    accessTtl: () => 3599,
    // Guess: the refresh response repeats the refresh token (facts: "treat as potentially rotating").
    refresh: 'static',
    tokenResponse: (t) => ({
      ...rfcTokens(t),
      // Scopes live on the app; the token reports them.
      scope: t.scopes.length ? t.scopes.join(' ') : 'base contacts:full',
      // The real company host: a client derives its API base from it (and rewrites that to the
      // simulator like any other provider URL).
      api_domain: `https://${t.account.key}.pipedrive.com`,
    }),
    revoke: {
      method: 'POST',
      url: 'https://oauth.pipedrive.com/oauth/revoke',
      token: { field: 'token' },
      clientAuth: 'basic',
      reply: { status: 200, body: '' },
    },
  },
  api: {
    base: 'https://{company}.pipedrive.com/api',
    credentials: ['bearer', 'query-api-token'],
    me: {
      method: 'GET',
      path: '/v1/users/me',
      handle: ({ account }) => ({
        body: {
          success: true,
          data: {
            id: account.number,
            name: account.userName,
            email: account.userEmail,
            company_id: account.number + 7,
            company_name: account.name,
            company_domain: account.key,
            is_admin: 1,
          },
        },
      }),
    },
    list: {
      method: 'GET',
      path: '/v2/persons',
      limitParam: 'limit',
      defaultLimit: 100,
      maxLimit: 500,
      positionParam: 'cursor',
      position: 'cursor',
      render: (p) => ({
        body: {
          success: true,
          data: p.items.map(pipedrivePerson),
          additional_data: { next_cursor: p.next },
        },
      }),
    },
    create: {
      method: 'POST',
      path: '/v2/persons',
      name: (b) => str(b.name),
      // Guess: v2 answers 200 with the new person.
      render: (i) => ({ status: 200, body: { success: true, data: pipedrivePerson(i) } }),
    },
    error: (kind, c): Reply => {
      const fail = (status: number, error: string) => ({
        status,
        body: {
          success: false,
          error,
          errorCode: status,
          error_info: 'Please check developers.pipedrive.com',
        },
      })
      switch (kind) {
        case 'expired':
        case 'invalid':
          return fail(401, 'unauthorized access')
        case 'rate-limited':
          // x-ratelimit-reset is seconds until the window resets, not an epoch (facts §4).
          return {
            ...fail(429, 'Request over limit'),
            headers: {
              'x-ratelimit-limit': '80',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': String(c.retryAfterSeconds),
            },
          }
        case 'unavailable':
          return { ...fail(503, 'Service unavailable'), headers: retryAfter(c) }
        case 'not-found':
          return fail(404, c.message ?? 'Not found')
        default:
          return fail(400, c.message ?? 'Bad request')
      }
    },
  },
}

// --- Microsoft 365 / Graph (facts: providers.md "microsoft") --------------------------------

const graphContact = (i: ItemRecord) => ({
  id: `AAMk${hex24(i.id)}`,
  displayName: i.name,
  givenName: firstName(i),
  surname: lastName(i),
  emailAddresses: [{ address: i.email, name: i.name }],
  createdDateTime: iso(i.createdAt),
})

const aadsts: Record<OAuthErrorCode, number> = {
  invalid_request: 900144,
  invalid_client: 7000215,
  invalid_grant: 70000,
  unsupported_grant_type: 70003,
  invalid_scope: 70011,
  redirect_uri_mismatch: 50011,
}

const microsoft365: ProviderQuirks = {
  id: 'microsoft365',
  displayName: 'Microsoft 365',
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    authorizeRequires: { response_type: 'code' },
    pkce: 'none',
    clientAuth: 'body',
    tokenFormat: 'form',
    scopeSeparator: ' ',
    tokenPrefix: { access: 'eyJ0eXAiOiJKV1QiLCJub25jZSI6.', refresh: '0.AXEA' },
    accessTtl: () => 3599,
    // Each refresh returns a new refresh token; the old one keeps working until it ages out.
    refresh: 'reissued',
    issuesRefreshToken: ({ grant }) => scopeHas(grant.scopes, 'offline_access'),
    tokenResponse: (t) => ({
      token_type: 'Bearer',
      scope: t.scopes.filter((s) => s !== 'offline_access').join(' '),
      expires_in: t.expiresIn,
      ext_expires_in: t.expiresIn,
      access_token: t.accessToken,
      ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}),
    }),
    tokenError: (code, ctx) => {
      const n = aadsts[code]
      return {
        status: code === 'invalid_client' ? 401 : 400,
        body: {
          error: code === 'redirect_uri_mismatch' ? 'invalid_request' : code,
          error_description: `AADSTS${n}: ${ctx.description} Trace ID: ${uuidOf(3)}`,
          error_codes: [n],
          timestamp: '2026-01-01 00:00:00Z',
          trace_id: uuidOf(3),
          correlation_id: uuidOf(4),
        },
      }
    },
  },
  api: {
    base: 'https://graph.microsoft.com/v1.0',
    credentials: ['bearer'],
    me: {
      method: 'GET',
      path: '/me',
      handle: ({ account }) => ({
        body: {
          '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
          id: account.uuid,
          displayName: account.userName,
          givenName: account.userName.split(' ')[0],
          surname: account.userName.split(' ').slice(1).join(' '),
          mail: account.userEmail,
          userPrincipalName: account.userEmail,
        },
      }),
    },
    list: {
      method: 'GET',
      path: '/me/contacts',
      limitParam: '$top',
      defaultLimit: 10,
      maxLimit: 999,
      positionParam: '$skiptoken',
      position: 'cursor',
      render: (p) => ({
        body: {
          '@odata.context': "https://graph.microsoft.com/v1.0/$metadata#users('me')/contacts",
          value: p.items.map(graphContact),
          ...(p.nextUrl ? { '@odata.nextLink': p.nextUrl } : {}),
        },
      }),
    },
    create: {
      method: 'POST',
      path: '/me/contacts',
      name: (b) => str(b.displayName) ?? str([b.givenName, b.surname].filter(Boolean).join(' ')),
      render: (i) => ({ status: 201, body: graphContact(i) }),
    },
    error: (kind, c): Reply => {
      const err = (status: number, code: string, message: string, headers = {}) => ({
        status,
        headers,
        body: {
          error: {
            code,
            message,
            innerError: { date: iso(c.now).slice(0, 19), 'request-id': uuidOf(5) },
          },
        },
      })
      const challenge = {
        'www-authenticate':
          'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
      }
      switch (kind) {
        case 'expired':
          return err(
            401,
            'InvalidAuthenticationToken',
            'Lifetime validation failed, the token is expired.',
            challenge,
          )
        case 'invalid':
          return err(
            401,
            'InvalidAuthenticationToken',
            'Access token validation failure.',
            challenge,
          )
        case 'rate-limited':
          return err(429, 'TooManyRequests', 'Too many requests.', retryAfter(c))
        case 'unavailable':
          return err(503, 'serviceNotAvailable', 'Service unavailable.', retryAfter(c))
        case 'not-found':
          return err(404, 'ResourceNotFound', c.message ?? 'Resource not found.')
        default:
          return err(400, 'BadRequest', c.message ?? 'Bad request.')
      }
    },
  },
}

// --- Slack (facts: providers.md "slack") ----------------------------------------------------

const slackChannel = (i: ItemRecord) => ({
  id: `C0${i.id.toString(36).toUpperCase().padStart(8, '0')}`,
  name: i.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
  is_channel: true,
  is_private: false,
  created: epoch(i.createdAt),
  is_archived: false,
})
const slackTeam = (a: Account) => `T${a.number.toString(36).toUpperCase()}`
const slackUser = (a: Account) => `U${(a.number + 1).toString(36).toUpperCase()}`

/** Slack's Web API answers most failures with HTTP 200 and `{ok:false, error}`. */
const slackError = (error: string, status = 200, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: { ok: false, error },
})

const slack: ProviderQuirks = {
  id: 'slack',
  displayName: 'Slack',
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://slack.com/oauth/v2/authorize',
    tokenUrl: 'https://slack.com/api/oauth.v2.access',
    grantTypeOptional: true,
    redirectUriOptional: true,
    pkce: 'none',
    clientAuth: 'either',
    tokenFormat: 'form',
    scopeSeparator: ',',
    tokenPrefix: { access: 'xoxb-', refresh: 'xoxe-1-', user: 'xoxp-' },
    // Tokens never expire unless the app opted into token rotation (12 hours then).
    accessTtl: ({ client }) => (client.tokenRotation ? 43200 : null),
    refresh: 'rotating',
    issuesRefreshToken: ({ client }) => client.tokenRotation,
    tokenResponse: (t) => {
      const bot = t.scopes.length > 0
      const tokenPart = (token: string) => ({
        access_token: token,
        ...(t.expiresIn !== null ? { expires_in: t.expiresIn } : {}),
        ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}),
      })
      if (t.grantType === 'refresh_token') {
        return {
          ok: true,
          ...tokenPart(t.accessToken),
          token_type: bot ? 'bot' : 'user',
          scope: (bot ? t.scopes : t.userScopes).join(','),
          team: { id: slackTeam(t.account), name: t.account.name },
        }
      }
      return {
        ok: true,
        app_id: 'A0SIMULATOR',
        authed_user: {
          id: slackUser(t.account),
          ...(t.userScopes.length
            ? {
              scope: t.userScopes.join(','),
              token_type: 'user',
              ...tokenPart(bot ? t.userAccessToken! : t.accessToken),
            }
            : {}),
        },
        ...(bot
          ? {
            scope: t.scopes.join(','),
            token_type: 'bot',
            ...tokenPart(t.accessToken),
            bot_user_id: `U0BOT${t.account.number.toString(36).toUpperCase()}`,
          }
          : {}),
        team: { id: slackTeam(t.account), name: t.account.name },
        enterprise: null,
        is_enterprise_install: false,
      }
    },
    tokenError: (code, ctx) =>
      slackError(
        code === 'invalid_grant'
          ? (ctx.grantType === 'refresh_token' ? 'invalid_refresh_token' : 'invalid_code')
          : code === 'invalid_client'
          ? 'invalid_client_id'
          : code === 'redirect_uri_mismatch'
          ? 'bad_redirect_uri'
          : code === 'unsupported_grant_type'
          ? 'invalid_grant_type'
          : 'invalid_arguments',
      ),
    revoke: {
      method: 'POST',
      url: 'https://slack.com/api/auth.revoke',
      token: { field: 'token' },
      clientAuth: 'none',
      reply: { status: 200, body: { ok: true, revoked: true } },
    },
  },
  api: {
    base: 'https://slack.com/api',
    credentials: ['bearer'],
    me: {
      method: 'ANY',
      path: '/auth.test',
      handle: ({ account }) => ({
        body: {
          ok: true,
          url: `https://${account.key}.slack.com/`,
          team: account.name,
          user: account.userName.toLowerCase().replace(' ', '.'),
          team_id: slackTeam(account),
          user_id: slackUser(account),
        },
      }),
    },
    list: {
      method: 'GET',
      path: '/conversations.list',
      limitParam: 'limit',
      defaultLimit: 100,
      maxLimit: 1000,
      positionParam: 'cursor',
      position: 'cursor',
      render: (p) => ({
        body: {
          ok: true,
          channels: p.items.map(slackChannel),
          response_metadata: { next_cursor: p.next ?? '' },
        },
      }),
    },
    create: {
      method: 'POST',
      path: '/chat.postMessage',
      name: (b) => (str(b.channel) ? str(b.text) : null),
      render: (i, ctx) => {
        const ts = `${epoch(i.createdAt)}.${String(i.id).padStart(6, '0')}`
        return {
          body: {
            ok: true,
            channel: String(ctx.body.channel),
            ts,
            message: { type: 'message', text: i.name, ts },
          },
        }
      },
    },
    error: (kind, c): Reply => {
      switch (kind) {
        case 'expired':
          return slackError('token_expired')
        case 'invalid':
          return slackError('invalid_auth')
        case 'rate-limited':
          return slackError('ratelimited', 429, retryAfter(c))
        case 'unavailable':
          return slackError('service_unavailable', 503, retryAfter(c))
        case 'not-found':
          return slackError('unknown_method', 404)
        default:
          return slackError(c.message ?? 'invalid_arguments')
      }
    },
    revoked: () => slackError('token_revoked'),
  },
}

// --- Asana (facts: providers.md "asana") ----------------------------------------------------

const asanaError = (status: number, message: string, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: { errors: [{ message, help: 'For more information on API status codes see the docs.' }] },
})

const asana: ProviderQuirks = {
  id: 'asana',
  displayName: 'Asana',
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://app.asana.com/-/oauth_authorize',
    tokenUrl: 'https://app.asana.com/-/oauth_token',
    authorizeRequires: { response_type: 'code' },
    pkce: 'S256',
    clientAuth: 'body',
    tokenFormat: 'form',
    scopeSeparator: ' ',
    tokenPrefix: { access: '2/', refresh: '2/r' },
    accessTtl: () => 3600,
    refresh: 'static',
    tokenResponse: (t) => ({
      access_token: t.accessToken,
      expires_in: t.expiresIn,
      token_type: 'bearer',
      // A refresh answers without refresh_token: the first one stays valid.
      ...(t.grantType === 'authorization_code' ? { refresh_token: t.refreshToken } : {}),
      data: {
        id: t.account.number,
        gid: String(t.account.number),
        name: t.account.userName,
        email: t.account.userEmail,
      },
    }),
    revoke: {
      method: 'POST',
      url: 'https://app.asana.com/-/oauth_revoke',
      token: { field: 'token' },
      clientAuth: 'body',
      reply: { status: 200, body: '' },
    },
  },
  api: {
    base: 'https://app.asana.com/api/1.0',
    credentials: ['bearer'],
    me: {
      method: 'GET',
      path: '/users/me',
      handle: ({ account }) => ({
        body: {
          data: {
            gid: String(account.number),
            email: account.userEmail,
            name: account.userName,
            resource_type: 'user',
            workspaces: [{
              gid: String(account.number + 5),
              name: account.name,
              resource_type: 'workspace',
            }],
          },
        },
      }),
    },
    list: {
      method: 'GET',
      path: '/projects',
      limitParam: 'limit',
      defaultLimit: 20,
      maxLimit: 100,
      positionParam: 'offset',
      position: 'cursor',
      render: (p) => ({
        body: {
          data: p.items.map((i) => ({ gid: String(i.id), name: i.name, resource_type: 'project' })),
          next_page: p.next && p.nextUrl
            ? {
              offset: p.next,
              path: new URL(p.nextRealUrl!).pathname.replace('/api/1.0', '') +
                new URL(p.nextRealUrl!).search,
              uri: p.nextUrl,
            }
            : null,
        },
      }),
    },
    create: {
      method: 'POST',
      path: '/tasks',
      name: (b) => str(obj(b.data).name),
      render: (i) => ({
        status: 201,
        body: {
          data: {
            gid: String(i.id),
            name: i.name,
            resource_type: 'task',
            created_at: iso(i.createdAt),
          },
        },
      }),
    },
    error: (kind, c): Reply => {
      switch (kind) {
        case 'expired':
        case 'invalid':
          return asanaError(401, 'Not Authorized')
        case 'rate-limited':
          return asanaError(
            429,
            'You have made too many requests recently. Please, be chill.',
            retryAfter(c),
          )
        case 'unavailable':
          return asanaError(503, 'Service unavailable', retryAfter(c))
        case 'not-found':
          return asanaError(404, c.message ?? 'Unknown object')
        default:
          return asanaError(400, c.message ?? 'Bad request')
      }
    },
  },
}

// --- Notion (facts: providers.md "notion") --------------------------------------------------

const notionError = (status: number, code: string, message: string, headers = {}) => ({
  status,
  headers,
  body: { object: 'error', status, code, message, request_id: uuidOf(6) },
})
const notionUser = (i: ItemRecord) => ({
  object: 'user',
  id: uuidOf(i.id),
  type: 'person',
  name: i.name,
  avatar_url: null,
  person: { email: i.email },
})

const notion: ProviderQuirks = {
  id: 'notion',
  displayName: 'Notion',
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://api.notion.com/v1/oauth/authorize',
    tokenUrl: 'https://api.notion.com/v1/oauth/token',
    authorizeRequires: { response_type: 'code', owner: 'user' },
    pkce: 'S256',
    // Client credentials in a Basic header, the body is JSON (facts: "notion").
    clientAuth: 'basic',
    tokenFormat: 'json',
    scopeSeparator: ' ',
    tokenPrefix: { access: 'ntn_', refresh: 'nrt_' },
    // Integration tokens do not expire and there is no refresh grant.
    accessTtl: () => null,
    refresh: 'none',
    tokenResponse: (t) => ({
      access_token: t.accessToken,
      token_type: 'bearer',
      bot_id: uuidOf(t.account.number),
      workspace_name: t.account.name,
      workspace_icon: null,
      workspace_id: t.account.uuid,
      owner: {
        type: 'user',
        user: {
          object: 'user',
          id: uuidOf(t.account.number + 1),
          name: t.account.userName,
          avatar_url: null,
          type: 'person',
          person: { email: t.account.userEmail },
        },
      },
      duplicated_template_id: null,
      request_id: uuidOf(7),
    }),
  },
  api: {
    base: 'https://api.notion.com/v1',
    credentials: ['bearer'],
    requiredHeaders: { 'notion-version': /^\d{4}-\d{2}-\d{2}$/ },
    me: {
      method: 'GET',
      path: '/users/me',
      handle: ({ account }) => ({
        body: {
          object: 'user',
          id: uuidOf(account.number),
          name: 'CRM Sync',
          avatar_url: null,
          type: 'bot',
          bot: { owner: { type: 'workspace', workspace: true }, workspace_name: account.name },
        },
      }),
    },
    list: {
      method: 'GET',
      path: '/users',
      limitParam: 'page_size',
      defaultLimit: 100,
      maxLimit: 100,
      positionParam: 'start_cursor',
      position: 'cursor',
      render: (p) => ({
        body: {
          object: 'list',
          results: p.items.map(notionUser),
          next_cursor: p.next,
          has_more: p.next !== null,
          type: 'user',
          user: {},
        },
      }),
    },
    create: {
      method: 'POST',
      path: '/pages',
      name: (b) => {
        const props = obj(b.properties)
        const title = obj(props.title ?? props.Name).title
        const first = Array.isArray(title) ? obj(obj(title[0]).text).content : undefined
        return Object.keys(obj(b.parent)).length ? str(first) : null
      },
      render: (i) => ({
        body: {
          object: 'page',
          id: uuidOf(i.id),
          created_time: iso(i.createdAt),
          last_edited_time: iso(i.createdAt),
          archived: false,
          properties: { title: { id: 'title', type: 'title', title: [{ plain_text: i.name }] } },
        },
      }),
    },
    error: (kind, c): Reply => {
      switch (kind) {
        case 'expired':
        case 'invalid':
          return notionError(401, 'unauthorized', 'API token is invalid.')
        case 'rate-limited':
          return notionError(
            429,
            'rate_limited',
            'You have been rate limited. Please try again in a few minutes.',
            retryAfter(c),
          )
        case 'unavailable':
          return notionError(503, 'service_unavailable', 'Notion is unavailable.', retryAfter(c))
        case 'not-found':
          return notionError(404, 'object_not_found', c.message ?? 'Could not find object.')
        default:
          return notionError(
            400,
            /^notion-version/i.test(c.message ?? '') ? 'missing_version' : 'validation_error',
            c.message ?? 'Invalid request.',
          )
      }
    },
  },
}

// --- Google (facts: providers.md "google") --------------------------------------------------

const googleError = (
  status: number,
  message: string,
  reason: string,
  statusText: string,
  headers = {},
) => ({
  status,
  headers,
  body: {
    error: {
      code: status,
      message,
      errors: [{ message, domain: status === 429 ? 'usageLimits' : 'global', reason }],
      status: statusText,
    },
  },
})

const google: ProviderQuirks = {
  id: 'google',
  displayName: 'Google',
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    authorizeRequires: { response_type: 'code' },
    pkce: 'S256',
    clientAuth: 'either',
    tokenFormat: 'form',
    scopeSeparator: ' ',
    tokenPrefix: { access: 'ya29.', refresh: '1//0' },
    accessTtl: () => 3599,
    refresh: 'static',
    // A refresh token only with access_type=offline, and only on the first consent unless
    // prompt=consent asks again (facts: "google").
    issuesRefreshToken: ({ grant, firstGrant }) =>
      grant.authorizeParams.access_type === 'offline' &&
      (firstGrant || (grant.authorizeParams.prompt ?? '').split(' ').includes('consent')),
    tokenResponse: (t) => ({
      access_token: t.accessToken,
      expires_in: t.expiresIn,
      ...(t.grantType === 'authorization_code' && t.refreshToken
        ? { refresh_token: t.refreshToken }
        : {}),
      scope: t.scopes.join(' '),
      token_type: 'Bearer',
    }),
    tokenError: (code, ctx) => ({
      status: code === 'invalid_client' ? 401 : 400,
      body: {
        error: code === 'redirect_uri_mismatch' ? 'redirect_uri_mismatch' : code,
        error_description: code === 'invalid_grant' && ctx.grantType === 'refresh_token'
          ? 'Token has been expired or revoked.'
          : ctx.description,
      },
    }),
    revoke: {
      method: 'POST',
      url: 'https://oauth2.googleapis.com/revoke',
      token: { field: 'token' },
      clientAuth: 'none',
      reply: { status: 200, body: {} },
    },
  },
  api: {
    base: 'https://www.googleapis.com',
    credentials: ['bearer'],
    me: {
      method: 'GET',
      path: '/oauth2/v2/userinfo',
      handle: ({ account }) => ({
        body: {
          id: String(account.number * 1000 + 7),
          email: account.userEmail,
          verified_email: true,
          name: account.userName,
          given_name: account.userName.split(' ')[0],
          family_name: account.userName.split(' ').slice(1).join(' '),
          hd: `${account.key}.example.com`,
        },
      }),
    },
    list: {
      method: 'GET',
      path: '/calendar/v3/users/me/calendarList',
      limitParam: 'maxResults',
      defaultLimit: 100,
      maxLimit: 250,
      positionParam: 'pageToken',
      position: 'cursor',
      render: (p) => ({
        body: {
          kind: 'calendar#calendarList',
          etag: '"p33c9"',
          ...(p.next ? { nextPageToken: p.next } : {}),
          items: p.items.map((i) => ({
            kind: 'calendar#calendarListEntry',
            id: `c${i.id}@group.calendar.google.com`,
            summary: i.name,
            accessRole: 'owner',
          })),
        },
      }),
    },
    create: {
      method: 'POST',
      path: '/calendar/v3/calendars',
      name: (b) => str(b.summary),
      render: (i) => ({
        body: {
          kind: 'calendar#calendar',
          id: `c${i.id}@group.calendar.google.com`,
          summary: i.name,
          timeZone: 'UTC',
        },
      }),
    },
    error: (kind, c): Reply => {
      switch (kind) {
        case 'expired':
        case 'invalid':
          return googleError(
            401,
            'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
            'authError',
            'UNAUTHENTICATED',
            {
              'www-authenticate':
                'Bearer realm="https://accounts.google.com/", error="invalid_token"',
            },
          )
        case 'rate-limited':
          // No Retry-After header: the wait is in the message (facts: "google").
          return googleError(
            429,
            `User-rate limit exceeded. Retry after ${iso(c.resetAt * 1000)}`,
            'userRateLimitExceeded',
            'RESOURCE_EXHAUSTED',
          )
        case 'unavailable':
          return googleError(
            503,
            'The service is currently unavailable.',
            'backendError',
            'UNAVAILABLE',
            retryAfter(c),
          )
        case 'not-found':
          return googleError(404, c.message ?? 'Not Found', 'notFound', 'NOT_FOUND')
        default:
          return googleError(400, c.message ?? 'Bad Request', 'badRequest', 'INVALID_ARGUMENT')
      }
    },
  },
}

// --- GitHub (facts: providers.md "github") --------------------------------------------------

const githubRepo = (i: ItemRecord, a: Account) => ({
  id: i.id,
  node_id: `R_${hex24(i.id)}`,
  name: i.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
  full_name: `${a.key}-dev/${i.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
  private: true,
  owner: { login: `${a.key}-dev`, id: a.number, type: 'User' },
  created_at: iso(i.createdAt),
})
const githubDocs = 'https://docs.github.com/rest'
const githubCodes: Record<OAuthErrorCode, string> = {
  invalid_request: 'invalid_request',
  invalid_client: 'incorrect_client_credentials',
  invalid_grant: 'bad_verification_code',
  unsupported_grant_type: 'unsupported_grant_type',
  invalid_scope: 'invalid_scope',
  redirect_uri_mismatch: 'redirect_uri_mismatch',
}

const github: ProviderQuirks = {
  id: 'github',
  displayName: 'GitHub',
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    grantTypeOptional: true,
    redirectUriOptional: true,
    pkce: 'S256',
    clientAuth: 'either',
    tokenFormat: 'either',
    scopeSeparator: ' ',
    tokenPrefix: { access: 'gho_', refresh: 'ghr_' },
    // OAuth App tokens do not expire and have no refresh token.
    accessTtl: () => null,
    refresh: 'none',
    formResponseUnlessAcceptJson: true,
    tokenResponse: (t) => ({
      access_token: t.accessToken,
      token_type: 'bearer',
      // The granted scopes come back comma-separated.
      scope: t.scopes.join(','),
    }),
    // GitHub answers token errors with 200 (facts: "github"; its troubleshooting docs).
    tokenError: (code, ctx) => ({
      status: 200,
      body: {
        error: githubCodes[code],
        error_description: ctx.description,
        error_uri:
          'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors',
      },
    }),
    revoke: {
      method: 'DELETE',
      url: 'https://api.github.com/applications/{client_id}/grant',
      token: { field: 'access_token' },
      clientAuth: 'basic',
      reply: { status: 204, body: null },
    },
  },
  api: {
    base: 'https://api.github.com',
    credentials: ['bearer'],
    headers: (now) => ({
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-used': '1',
      'x-ratelimit-reset': String(epoch(now) + 3600),
      'x-ratelimit-resource': 'core',
    }),
    me: {
      method: 'GET',
      path: '/user',
      handle: ({ account }) => ({
        body: {
          login: `${account.key}-dev`,
          id: account.number,
          node_id: `U_${hex24(account.number)}`,
          type: 'User',
          name: account.userName,
          email: account.userEmail,
        },
      }),
    },
    list: {
      method: 'GET',
      path: '/user/repos',
      limitParam: 'per_page',
      defaultLimit: 30,
      maxLimit: 100,
      positionParam: 'page',
      position: 'page',
      render: (p, ctx): Reply => ({
        body: p.items.map((i) => githubRepo(i, ctx.account)),
        headers: p.nextUrl ? { link: `<${p.nextUrl}>; rel="next"` } : {},
      }),
    },
    create: {
      method: 'POST',
      path: '/user/repos',
      name: (b) => str(b.name),
      render: (i, ctx) => ({ status: 201, body: githubRepo(i, ctx.account) }),
    },
    error: (kind, c): Reply => {
      switch (kind) {
        case 'expired':
        case 'invalid':
          return {
            status: 401,
            body: { message: 'Bad credentials', documentation_url: githubDocs, status: '401' },
          }
        case 'rate-limited':
          // Primary limit: 403 with remaining 0 and the reset epoch (facts: "github").
          return {
            status: 403,
            headers: {
              'x-ratelimit-limit': '5000',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-used': '5000',
              'x-ratelimit-reset': String(c.resetAt),
              'x-ratelimit-resource': 'core',
            },
            body: {
              message: 'API rate limit exceeded for user.',
              documentation_url: githubDocs,
              status: '403',
            },
          }
        case 'unavailable':
          return {
            status: 503,
            headers: retryAfter(c),
            body: { message: 'Service Unavailable', status: '503' },
          }
        case 'not-found':
          return {
            status: 404,
            body: { message: 'Not Found', documentation_url: githubDocs, status: '404' },
          }
        default:
          return {
            status: 422,
            body: {
              message: c.message ?? 'Validation Failed',
              documentation_url: githubDocs,
              status: '422',
            },
          }
      }
    },
  },
}

// --- GitLab (facts: providers.md "gitlab"; Doorkeeper error bodies) -------------------------

const gitlabProject = (i: ItemRecord, a: Account) => ({
  id: i.id,
  name: i.name,
  path_with_namespace: `${a.key}/${i.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
  created_at: iso(i.createdAt),
  web_url: `https://gitlab.com/${a.key}/${i.id}`,
})

const gitlab: ProviderQuirks = {
  id: 'gitlab',
  displayName: 'GitLab',
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://gitlab.com/oauth/authorize',
    tokenUrl: 'https://gitlab.com/oauth/token',
    authorizeRequires: { response_type: 'code' },
    pkce: 'S256',
    clientAuth: 'either',
    tokenFormat: 'either',
    scopeSeparator: ' ',
    tokenPrefix: { access: 'gloas-', refresh: 'glrt-' },
    accessTtl: () => 7200,
    // Doorkeeper revokes the previous refresh token when it issues a new one.
    refresh: 'rotating',
    tokenResponse: (t) => ({ ...rfcTokens(t), created_at: epoch(t.grant.createdAt) }),
    tokenError: (code, ctx) =>
      code === 'invalid_client'
        ? {
          status: 401,
          body: {
            error: 'invalid_client',
            error_description:
              'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
          },
        }
        : rfcTokenError(code, ctx),
    revoke: {
      method: 'POST',
      url: 'https://gitlab.com/oauth/revoke',
      token: { field: 'token' },
      clientAuth: 'body',
      reply: { status: 200, body: {} },
    },
  },
  api: {
    base: 'https://gitlab.com/api/v4',
    credentials: ['bearer', 'header-private-token'],
    me: {
      method: 'GET',
      path: '/user',
      handle: ({ account }) => ({
        body: {
          id: account.number,
          username: `${account.key}-dev`,
          name: account.userName,
          email: account.userEmail,
          state: 'active',
          web_url: `https://gitlab.com/${account.key}-dev`,
        },
      }),
    },
    list: {
      method: 'GET',
      path: '/projects',
      limitParam: 'per_page',
      defaultLimit: 20,
      maxLimit: 100,
      positionParam: 'page',
      position: 'page',
      render: (p, ctx) => {
        const page = Math.floor(p.offset / p.limit) + 1
        return {
          body: p.items.map((i) => gitlabProject(i, ctx.account)),
          headers: {
            'x-page': String(page),
            'x-per-page': String(p.limit),
            'x-next-page': p.next ?? '',
            'x-total': String(p.total),
            'x-total-pages': String(Math.max(1, Math.ceil(p.total / p.limit))),
            ...(p.nextUrl ? { link: `<${p.nextUrl}>; rel="next"` } : {}),
          },
        }
      },
    },
    create: {
      method: 'POST',
      path: '/projects',
      name: (b) => str(b.name),
      render: (i, ctx) => ({ status: 201, body: gitlabProject(i, ctx.account) }),
    },
    error: (kind, c): Reply => {
      switch (kind) {
        case 'expired':
          return {
            status: 401,
            headers: {
              'www-authenticate': 'Bearer realm="Protected by OAuth 2.0", error="invalid_token"',
            },
            body: {
              error: 'invalid_token',
              error_description:
                'Token is expired. You can either do re-authorization or token refresh.',
            },
          }
        case 'invalid':
          return { status: 401, body: { message: '401 Unauthorized' } }
        case 'rate-limited':
          return {
            status: 429,
            headers: {
              ...retryAfter(c),
              'ratelimit-limit': '2000',
              'ratelimit-remaining': '0',
              'ratelimit-reset': String(c.resetAt),
            },
            body: 'Retry later',
          }
        case 'unavailable':
          return {
            status: 503,
            headers: retryAfter(c),
            body: { message: '503 Service Unavailable' },
          }
        case 'not-found':
          return { status: 404, body: { message: '404 Not Found' } }
        default:
          return { status: 400, body: { message: c.message ?? '400 Bad request' } }
      }
    },
  },
}

// --- Jira / Atlassian Cloud (facts: providers.md "jira"; Atlassian 3LO FAQ) -----------------

const jiraError = (status: number, message: string, headers = {}) => ({
  status,
  headers,
  body: { errorMessages: [message], errors: {} },
})

const jira: ProviderQuirks = {
  id: 'jira',
  displayName: 'Jira',
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://auth.atlassian.com/authorize',
    tokenUrl: 'https://auth.atlassian.com/oauth/token',
    authorizeRequires: { response_type: 'code', audience: 'api.atlassian.com', prompt: 'consent' },
    pkce: 'S256',
    clientAuth: 'body',
    tokenFormat: 'either',
    scopeSeparator: ' ',
    tokenPrefix: { access: 'eyJraWQiOiJhdGxhc3NpYW4.', refresh: 'eyJraWQiOiJyZWZyZXNo.' },
    accessTtl: () => 3600,
    // Rotating refresh tokens: each refresh returns a new one and the old one dies.
    refresh: 'rotating',
    issuesRefreshToken: ({ grant }) => scopeHas(grant.scopes, 'offline_access'),
    tokenResponse: (t) => rfcTokens(t),
    // A dead or reused refresh token is a 403 (Atlassian's 3LO FAQ).
    tokenError: (code, ctx) =>
      code === 'invalid_grant'
        ? {
          status: 403,
          body: {
            error: 'invalid_grant',
            error_description: ctx.grantType === 'refresh_token'
              ? 'Unknown or invalid refresh token.'
              : 'Invalid authorization code',
          },
        }
        : rfcTokenError(code, ctx),
  },
  api: {
    base: 'https://api.atlassian.com',
    credentials: ['bearer'],
    me: {
      method: 'GET',
      path: '/me',
      handle: ({ account }) => ({
        body: {
          account_id: `5b10ac8d82e05b22cc7d${hex24(account.number).slice(-4)}`,
          email: account.userEmail,
          name: account.userName,
          nickname: account.userName.split(' ')[0],
          account_status: 'active',
        },
      }),
    },
    routes: [{
      method: 'GET',
      path: '/oauth/token/accessible-resources',
      handle: ({ account, grant }) => ({
        body: [{
          id: account.uuid,
          url: `https://${account.key}.atlassian.net`,
          name: account.key,
          scopes: grant?.scopes.filter((s) => s !== 'offline_access') ?? [],
          avatarUrl:
            'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png',
        }],
      }),
    }],
    list: {
      method: 'GET',
      path: '/ex/jira/{cloudId}/rest/api/3/project/search',
      limitParam: 'maxResults',
      defaultLimit: 50,
      maxLimit: 100,
      positionParam: 'startAt',
      position: 'offset',
      render: (p, ctx) => ({
        body: {
          self: ctx.publicUrl(ctx.url.toString()),
          ...(p.nextUrl ? { nextPage: p.nextUrl } : {}),
          maxResults: p.limit,
          startAt: p.offset,
          total: p.total,
          isLast: p.next === null,
          values: p.items.map((i) => ({ id: String(i.id), key: `P${i.id}`, name: i.name })),
        },
      }),
    },
    create: {
      method: 'POST',
      path: '/ex/jira/{cloudId}/rest/api/3/issue',
      name: (b) => str(obj(b.fields).summary),
      render: (i, ctx) => ({
        status: 201,
        body: {
          id: String(i.id),
          key: `SIM-${i.id}`,
          self: `https://api.atlassian.com/ex/jira/${ctx.account.uuid}/rest/api/3/issue/${i.id}`,
        },
      }),
    },
    error: (kind, c): Reply => {
      switch (kind) {
        case 'expired':
        case 'invalid':
          return { status: 401, body: { code: 401, message: 'Unauthorized' } }
        case 'rate-limited':
          return {
            status: 429,
            headers: { ...retryAfter(c), 'x-ratelimit-reset': iso(c.resetAt * 1000) },
            body: { code: 429, message: 'Rate limit exceeded' },
          }
        case 'unavailable':
          return jiraError(503, 'Service unavailable', retryAfter(c))
        case 'not-found':
          return jiraError(404, c.message ?? 'Not found')
        default:
          return jiraError(400, c.message ?? 'Bad request')
      }
    },
  },
}

// --- Trello, OAuth 1.0a (facts: providers.md "trello") --------------------------------------

const trelloBoard = (i: ItemRecord) => ({
  id: hex24(i.id),
  name: i.name,
  desc: '',
  closed: false,
  url: `https://trello.com/b/${hex24(i.id).slice(-8)}`,
})

const trello: ProviderQuirks = {
  id: 'trello',
  displayName: 'Trello',
  auth: {
    kind: 'oauth1',
    requestTokenUrl: 'https://trello.com/1/OAuthGetRequestToken',
    authorizeUrl: 'https://trello.com/1/OAuthAuthorizeToken',
    accessTokenUrl: 'https://trello.com/1/OAuthGetAccessToken',
    scopeSeparator: ',',
    revoke: {
      method: 'DELETE',
      url: 'https://api.trello.com/1/tokens/{token}',
      token: 'path',
      clientAuth: 'none',
      reply: { status: 200, body: { _value: null } },
    },
  },
  api: {
    base: 'https://api.trello.com/1',
    credentials: ['oauth1', 'trello-key-token'],
    me: {
      method: 'GET',
      path: '/members/me',
      handle: ({ account }) => ({
        body: {
          id: hex24(account.number),
          username: `${account.key}dev`,
          fullName: account.userName,
          url: `https://trello.com/u/${account.key}dev`,
          idOrganizations: [hex24(account.number + 3)],
        },
      }),
    },
    list: {
      method: 'GET',
      path: '/members/me/boards',
      limitParam: 'limit',
      defaultLimit: 1000,
      maxLimit: 1000,
      positionParam: 'before',
      position: 'none',
      render: (p) => ({ body: p.items.map(trelloBoard) }),
    },
    create: {
      method: 'POST',
      path: '/boards',
      name: (b, q) => str(b.name) ?? str(q.get('name')),
      render: (i) => ({ body: trelloBoard(i) }),
    },
    // Trello answers auth failures in plain text.
    error: (kind, c): Reply => {
      switch (kind) {
        case 'expired':
          return { status: 401, body: 'expired token' }
        case 'invalid':
          return { status: 401, body: 'invalid token' }
        case 'rate-limited':
          return {
            status: 429,
            headers: retryAfter(c),
            body: { error: 'API_TOKEN_LIMIT_EXCEEDED', message: 'Rate limit exceeded' },
          }
        case 'unavailable':
          return { status: 503, headers: retryAfter(c), body: 'Service Unavailable' }
        case 'not-found':
          return { status: 404, body: 'The requested resource was not found.' }
        default:
          return { status: 400, body: c.message ?? 'invalid value' }
      }
    },
  },
}

// --- BambooHR (facts: providers.md "bamboohr"; its getting-started OAuth section) -----------

const bambooEmployee = (i: ItemRecord) => ({
  id: String(i.id),
  displayName: i.name,
  firstName: firstName(i),
  lastName: lastName(i),
  workEmail: i.email,
})
/** BambooHR errors carry no body: the reason is in a header. */
const bambooError = (status: number, message: string, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'x-bamboohr-error-message': message, ...headers },
  body: '',
})

const bamboohr: ProviderQuirks = {
  id: 'bamboohr',
  displayName: 'BambooHR',
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://{subdomain}.bamboohr.com/authorize.php',
    tokenUrl: 'https://{subdomain}.bamboohr.com/token.php',
    authorizeRequires: { request: 'authorize', response_type: 'code' },
    tokenRequires: { request: 'token' },
    pkce: 'S256',
    clientAuth: 'body',
    tokenFormat: 'either',
    scopeSeparator: ' ',
    tokenPrefix: { access: '', refresh: '' },
    accessTtl: () => 3600,
    // Guess: refresh tokens do not rotate (the docs do not say).
    refresh: 'static',
    // A refresh token only when offline_access was granted.
    issuesRefreshToken: ({ grant }) => scopeHas(grant.scopes, 'offline_access'),
    tokenResponse: (t) => ({ ...rfcTokens(t), companyDomain: t.account.key }),
  },
  api: {
    base: 'https://api.bamboohr.com/api/gateway.php/{subdomain}/v1',
    credentials: ['bearer', 'basic-api-key'],
    me: {
      method: 'GET',
      path: '/employees/0',
      handle: ({ account }) => ({
        body: {
          id: String(account.number % 1000),
          firstName: account.userName.split(' ')[0],
          lastName: account.userName.split(' ').slice(1).join(' '),
          workEmail: account.userEmail,
        },
      }),
    },
    list: {
      method: 'GET',
      path: '/employees/directory',
      limitParam: 'limit',
      defaultLimit: 10000,
      maxLimit: 10000,
      positionParam: 'offset',
      position: 'none',
      render: (p) => ({
        body: {
          fields: [
            { id: 'displayName', type: 'text', name: 'Display name' },
            { id: 'workEmail', type: 'email', name: 'Work Email' },
          ],
          employees: p.items.map(bambooEmployee),
        },
      }),
    },
    create: {
      method: 'POST',
      path: '/employees',
      name: (b) => str([b.firstName, b.lastName].filter(Boolean).join(' ')),
      render: (i, ctx) => ({
        status: 201,
        body: '',
        headers: { location: ctx.publicUrl(`${ctx.url.origin}${ctx.url.pathname}/${i.id}`) },
      }),
    },
    // BambooHR throttles with 503 + Retry-After.
    error: (kind, c): Reply => {
      switch (kind) {
        case 'expired':
        case 'invalid':
          return bambooError(401, 'Invalid or expired access token')
        case 'rate-limited':
        case 'unavailable':
          return bambooError(503, 'Service temporarily unavailable', retryAfter(c))
        case 'not-found':
          return bambooError(404, c.message ?? 'Not found')
        default:
          return bambooError(400, c.message ?? 'Bad request')
      }
    },
  },
}

// --- Workday (facts: providers.md "workday": ISU Basic; workday-oauth variant) -------------

const workdayWorker = (i: ItemRecord) => ({
  id: uuidOf(i.id).replaceAll('-', ''),
  descriptor: i.name,
  primaryWorkEmail: i.email,
})

const workday: ProviderQuirks = {
  id: 'workday',
  displayName: 'Workday',
  auth: { kind: 'basic' },
  oauthVariant: {
    kind: 'oauth2',
    authorizeUrl: 'https://{any}.workday.com/{tenant}/authorize',
    tokenUrl: 'https://{any}.workday.com/ccx/oauth2/{tenant}/token',
    authorizeRequires: { response_type: 'code' },
    pkce: 'none',
    clientAuth: 'basic',
    tokenFormat: 'form',
    scopeSeparator: ' ',
    tokenPrefix: { access: '', refresh: '' },
    accessTtl: () => 3600,
    refresh: 'static',
    tokenResponse: (t) => ({
      access_token: t.accessToken,
      token_type: 'Bearer',
      ...(t.grantType === 'authorization_code' ? { refresh_token: t.refreshToken } : {}),
      expires_in: t.expiresIn,
    }),
  },
  api: {
    base: 'https://{any}.workday.com/ccx/api/v1/{tenant}',
    credentials: ['basic-isu', 'bearer'],
    me: {
      method: 'GET',
      path: '/workers/me',
      handle: ({ account }) => ({
        body: { id: account.uuid.replaceAll('-', ''), descriptor: account.userName },
      }),
    },
    list: {
      method: 'GET',
      path: '/workers',
      limitParam: 'limit',
      defaultLimit: 20,
      maxLimit: 100,
      positionParam: 'offset',
      position: 'offset',
      render: (p) => ({ body: { total: p.total, data: p.items.map(workdayWorker) } }),
    },
    create: {
      method: 'POST',
      path: '/workers',
      name: (b) => str(b.descriptor),
      render: (i) => ({ status: 201, body: workdayWorker(i) }),
    },
    // Guess: Workday's REST error bodies are `{error, errors[]}`.
    error: (kind, c): Reply => {
      const fail = (status: number, error: string, headers = {}) => ({
        status,
        headers,
        body: { error, errors: [{ error }] },
      })
      switch (kind) {
        case 'expired':
          return fail(401, 'invalid_token')
        case 'invalid':
          return fail(401, 'Invalid user name or password')
        case 'rate-limited':
          return fail(429, 'Too many requests', retryAfter(c))
        case 'unavailable':
          return fail(503, 'Service unavailable', retryAfter(c))
        case 'not-found':
          return fail(404, c.message ?? 'Resource not found')
        default:
          return fail(400, c.message ?? 'Invalid request')
      }
    },
  },
}

// --- Dropbox (facts: providers.md "dropbox") ------------------------------------------------

const dropboxEntry = (i: ItemRecord) => ({
  '.tag': 'folder',
  name: i.name,
  id: `id:${hex24(i.id)}`,
  path_lower: `/${i.name.toLowerCase()}`,
  path_display: `/${i.name}`,
})
const dropboxError = (status: number, tag: string, extra = {}, headers = {}) => ({
  status,
  headers,
  body: { error_summary: `${tag}/..`, error: { '.tag': tag, ...extra } },
})

const dropbox: ProviderQuirks = {
  id: 'dropbox',
  displayName: 'Dropbox',
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://www.dropbox.com/oauth2/authorize',
    tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
    authorizeRequires: { response_type: 'code' },
    pkce: 'S256',
    clientAuth: 'either',
    tokenFormat: 'form',
    scopeSeparator: ' ',
    tokenPrefix: { access: 'sl.', refresh: '' },
    accessTtl: () => 14400,
    refresh: 'static',
    // Without token_access_type=offline there is no refresh token (facts: "dropbox").
    issuesRefreshToken: ({ grant }) => grant.authorizeParams.token_access_type === 'offline',
    tokenResponse: (t) => ({
      access_token: t.accessToken,
      token_type: 'bearer',
      expires_in: t.expiresIn,
      ...(t.grantType === 'authorization_code'
        ? {
          ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}),
          scope: t.scopes.join(' '),
          uid: String(t.account.number),
          account_id: `dbid:AA${hex24(t.account.number)}`,
        }
        : {}),
    }),
    tokenError: (code, ctx) =>
      code === 'invalid_grant'
        ? {
          status: 400,
          body: {
            error: 'invalid_grant',
            error_description: ctx.grantType === 'refresh_token'
              ? 'refresh token is invalid or revoked'
              : "code doesn't exist or has expired",
          },
        }
        : rfcTokenError(code, ctx),
    revoke: {
      method: 'POST',
      url: 'https://api.dropboxapi.com/2/auth/token/revoke',
      token: 'bearer',
      clientAuth: 'none',
      reply: { status: 200, body: null },
    },
  },
  api: {
    base: 'https://api.dropboxapi.com/2',
    credentials: ['bearer'],
    me: {
      method: 'POST',
      path: '/users/get_current_account',
      handle: ({ account }) => ({
        body: {
          account_id: `dbid:AA${hex24(account.number)}`,
          name: {
            given_name: account.userName.split(' ')[0],
            surname: account.userName.split(' ').slice(1).join(' '),
            familiar_name: account.userName.split(' ')[0],
            display_name: account.userName,
          },
          email: account.userEmail,
          email_verified: true,
          disabled: false,
          country: 'US',
          locale: 'en',
          account_type: { '.tag': 'basic' },
        },
      }),
    },
    list: {
      method: 'POST',
      path: '/files/list_folder',
      continuePath: '/files/list_folder/continue',
      limitParam: 'limit',
      defaultLimit: 2000,
      maxLimit: 2000,
      positionParam: 'cursor',
      position: 'cursor',
      render: (p) => ({
        body: {
          entries: p.items.map(dropboxEntry),
          cursor: p.next ?? 'AAEND',
          has_more: p.next !== null,
        },
      }),
    },
    create: {
      method: 'POST',
      path: '/files/create_folder_v2',
      name: (b) => str(b.path)?.replace(/^\//, '') || null,
      render: (i) => ({ body: { metadata: dropboxEntry(i) } }),
    },
    error: (kind, c): Reply => {
      switch (kind) {
        case 'expired':
          return dropboxError(401, 'expired_access_token')
        case 'invalid':
          return dropboxError(401, 'invalid_access_token')
        case 'rate-limited':
          return {
            status: 429,
            headers: retryAfter(c),
            body: {
              error_summary: 'too_many_requests/..',
              error: { reason: { '.tag': 'too_many_requests' }, retry_after: c.retryAfterSeconds },
            },
          }
        case 'unavailable':
          return { status: 503, headers: retryAfter(c), body: 'Service unavailable' }
        case 'not-found':
          return dropboxError(409, 'path', { path: { '.tag': 'not_found' } })
        default:
          return {
            status: 400,
            body: `Error in call to API function: ${c.message ?? 'bad request'}`,
          }
      }
    },
  },
}

// --- Zendesk (facts: providers.md "zendesk"; Zendesk's refresh-token announcement) ----------

const zendeskUser = (i: ItemRecord, a: Account) => ({
  id: i.id,
  url: `https://${a.key}.zendesk.com/api/v2/users/${i.id}.json`,
  name: i.name,
  email: i.email,
  role: 'end-user',
  created_at: iso(i.createdAt).replace(/\.\d{3}Z$/, 'Z'),
})

const zendesk: ProviderQuirks = {
  id: 'zendesk',
  displayName: 'Zendesk',
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://{subdomain}.zendesk.com/oauth/authorizations/new',
    tokenUrl: 'https://{subdomain}.zendesk.com/oauth/tokens',
    authorizeRequires: { response_type: 'code' },
    pkce: 'S256',
    clientAuth: 'body',
    tokenFormat: 'either',
    scopeSeparator: ' ',
    tokenPrefix: { access: '', refresh: '' },
    // The token lives as long as `expires_in` asked (300 s to 2 days); a client that does not
    // ask gets a token that never expires and no refresh token (Zendesk's 2025 announcement).
    accessTtl: ({ params }) => {
      const asked = Number(params.get('expires_in'))
      return params.has('expires_in') && Number.isFinite(asked)
        ? Math.min(172800, Math.max(300, Math.floor(asked)))
        : null
    },
    // A refresh deletes the previous access and refresh tokens.
    refresh: 'rotating',
    issuesRefreshToken: ({ params }) => params.has('expires_in'),
    tokenResponse: (t) => ({
      ...rfcTokens(t, ' ', 'bearer'),
      ...(t.refreshToken ? { refresh_token_expires_in: 2592000 } : {}),
    }),
    revoke: {
      method: 'DELETE',
      url: 'https://{subdomain}.zendesk.com/api/v2/oauth/tokens/current.json',
      token: 'bearer',
      clientAuth: 'none',
      reply: { status: 204, body: null },
    },
  },
  api: {
    base: 'https://{subdomain}.zendesk.com/api/v2',
    credentials: ['bearer', 'basic-api-key'],
    me: {
      method: 'GET',
      path: '/users/me.json',
      handle: ({ account }) => ({
        body: {
          user: {
            id: account.number,
            url: `https://${account.key}.zendesk.com/api/v2/users/${account.number}.json`,
            name: account.userName,
            email: account.userEmail,
            role: 'admin',
          },
        },
      }),
    },
    list: {
      method: 'GET',
      path: '/users.json',
      limitParam: 'per_page',
      defaultLimit: 100,
      maxLimit: 100,
      positionParam: 'page',
      position: 'page',
      render: (p, ctx) => {
        const page = Math.floor(p.offset / p.limit) + 1
        const prev = new URL(ctx.url)
        prev.searchParams.set('page', String(page - 1))
        return {
          body: {
            users: p.items.map((i) => zendeskUser(i, ctx.account)),
            next_page: p.nextUrl,
            previous_page: page > 1 ? ctx.publicUrl(prev.toString()) : null,
            count: p.total,
          },
        }
      },
    },
    create: {
      method: 'POST',
      path: '/tickets.json',
      name: (b) => str(obj(b.ticket).subject),
      render: (i, ctx) => ({
        status: 201,
        body: {
          ticket: {
            id: i.id,
            url: `https://${ctx.account.key}.zendesk.com/api/v2/tickets/${i.id}.json`,
            subject: i.name,
            status: 'new',
            created_at: iso(i.createdAt).replace(/\.\d{3}Z$/, 'Z'),
          },
        },
      }),
    },
    error: (kind, c): Reply => {
      switch (kind) {
        case 'expired':
        case 'invalid':
          return {
            status: 401,
            body: {
              error: 'invalid_token',
              error_description:
                'The access token provided is expired, revoked, malformed or invalid for other reasons.',
            },
          }
        case 'rate-limited':
          return {
            status: 429,
            headers: retryAfter(c),
            body: {
              error: 'APIRateLimitExceeded',
              description: 'Number of allowed API requests per minute exceeded',
            },
          }
        case 'unavailable':
          return {
            status: 503,
            headers: retryAfter(c),
            body: { error: 'ServiceUnavailable', description: 'Unavailable' },
          }
        case 'not-found':
          return {
            status: 404,
            body: { error: 'RecordNotFound', description: c.message ?? 'Not found' },
          }
        default:
          return {
            status: 422,
            body: {
              error: 'RecordInvalid',
              description: c.message ?? 'Record validation errors',
              details: {},
            },
          }
      }
    },
  },
}

/** Every provider the simulator serves, in the order `npm start` prints them. */
export const PROVIDERS: readonly ProviderQuirks[] = [
  hubspot,
  pipedrive,
  microsoft365,
  slack,
  asana,
  notion,
  google,
  github,
  gitlab,
  jira,
  trello,
  bamboohr,
  workday,
  dropbox,
  zendesk,
]
