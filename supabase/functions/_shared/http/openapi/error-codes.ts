// Every error code a route may answer, with its HTTP status and what it means: the OpenAPI
// document lists per route the codes its middleware and its description name, from here.

/** A code's status and the sentence the document shows for it. */
export interface ErrorCodeInfo {
  status: number
  description: string
}

export const errorCodes = {
  bad_request: {
    status: 400,
    description: 'The request is malformed (e.g. a body that is not JSON)',
  },
  validation_failed: {
    status: 400,
    description: 'Input failed its schema; details lists the issues',
  },
  auth_mode_unsupported: {
    status: 400,
    description: 'The provider does not connect this way (API key providers take credentials)',
  },
  path_not_allowed: {
    status: 400,
    description: 'The proxied path could leave the API base (dot segments, //, URLs, \\)',
  },
  redirect_not_allowed: {
    status: 400,
    description: 'redirect_to is not on APP_REDIRECT_ALLOWLIST',
  },
  state_invalid: { status: 400, description: 'The connection attempt is unknown or already used' },
  field_mapping_invalid: {
    status: 400,
    description:
      'A mapped field is unknown or unreadable (field-level security), compound, of a type we cannot store, or maps onto a column; details name each field',
  },
  object_required: { status: 400, description: 'The contact object cannot be disabled' },
  object_not_syncable: {
    status: 400,
    description: 'The provider does not let the object be synced',
  },
  unauthorized: {
    status: 401,
    description: 'No valid credentials (missing, malformed or expired)',
  },
  signature_invalid: {
    status: 401,
    description: 'The webhook signature is missing or does not match the delivery',
  },
  timestamp_invalid: {
    status: 401,
    description: 'The webhook timestamp is missing or more than 5 minutes off (a replay)',
  },
  forbidden: { status: 403, description: 'Known caller, but only owners and admins may do this' },
  not_found: { status: 404, description: 'No such thing, or not yours (never told apart)' },
  contacts_unsupported: {
    status: 404,
    description: "The integration's provider has no CRM contacts to read",
  },
  objects_unsupported: {
    status: 404,
    description: "The integration's provider cannot list its objects",
  },
  object_not_found: {
    status: 404,
    description: 'The connected account has no such object, or the integration does not sync it',
  },
  webhooks_unsupported: { status: 404, description: 'The provider sends no webhooks here' },
  conflict: { status: 409, description: 'The request conflicts with the current state' },
  integration_exists: { status: 409, description: 'The business has an integration of that name' },
  integration_connected: {
    status: 409,
    description: 'Disconnect before changing the org or connected app of an active integration',
  },
  reauth_required: { status: 409, description: 'The grant is dead: connect the integration again' },
  not_connected: { status: 409, description: 'The integration is not connected' },
  client_not_configured: { status: 409, description: 'No connected app is configured for it' },
  sync_in_progress: { status: 409, description: 'Another sync of the integration is running' },
  sync_paused: { status: 409, description: 'The sync of the integration is paused' },
  ticket_invalid: { status: 404, description: 'The completion ticket is unknown or cancelled' },
  ticket_not_yours: {
    status: 403,
    description: 'Another user started this connection; it was cancelled',
  },
  access_denied: { status: 409, description: 'The user denied access at the provider' },
  state_expired: { status: 409, description: 'The connection attempt expired; start again' },
  connection_cancelled: { status: 409, description: 'The connection attempt was cancelled' },
  token_exchange_failed: {
    status: 502,
    description: 'The provider did not complete the connection',
  },
  invalid_client_id: { status: 502, description: 'The provider does not know the connected app' },
  redirect_uri_mismatch: {
    status: 502,
    description: "The provider refused the app's callback URL",
  },
  payload_too_large: { status: 413, description: 'The request body is larger than 1 MiB' },
  rate_limited: { status: 429, description: 'Too many requests; see Retry-After' },
  salesforce_limit_exceeded: {
    status: 429,
    description: "The org's Salesforce API limit is spent; see Retry-After",
  },
  internal_error: { status: 500, description: 'Unexpected; the logs hold the request id' },
  provider_error: {
    status: 502,
    description: 'The provider failed or answered something unusable',
  },
  salesforce_error: { status: 502, description: 'Salesforce refused the request' },
  salesforce_unreachable: { status: 502, description: 'Salesforce could not be reached' },
  salesforce_invalid_response: { status: 502, description: 'Salesforce answered an unusable body' },
  salesforce_path_invalid: {
    status: 502,
    description: 'Salesforce gave a locator we do not follow',
  },
  hubspot_limit_exceeded: {
    status: 429,
    description: "The HubSpot account's daily API limit is spent; see Retry-After",
  },
  hubspot_error: { status: 502, description: 'HubSpot refused the request' },
  hubspot_unreachable: { status: 502, description: 'HubSpot could not be reached' },
  hubspot_path_invalid: { status: 502, description: 'A HubSpot path outside the API was refused' },
  token_request_refused: { status: 502, description: 'The token endpoint refused the request' },
  token_response_invalid: {
    status: 502,
    description: 'The token endpoint answered an unusable body',
  },
  provider_unreachable: { status: 502, description: 'The provider could not be reached' },
  post_connect_failed: {
    status: 502,
    description: "The provider's identity lookup after connecting failed",
  },
  revoke_failed: {
    status: 502,
    description: 'The provider refused the revocation; the grant may still be alive',
  },
  connection_config_missing: {
    status: 502,
    description: 'The connection lacks a setting its provider needs; connect it again',
  },
  connection_config_invalid: {
    status: 502,
    description: 'A setting the provider gave is unusable; connect it again',
  },
  credentials_incomplete: {
    status: 502,
    description: 'The stored credentials are incomplete; connect it again',
  },
  webhook_not_configured: {
    status: 503,
    description: "The server lacks the provider app's secret to verify webhooks with",
  },
  service_unavailable: { status: 503, description: 'A dependency (e.g. the JWKS) is unavailable' },
} satisfies Record<string, ErrorCodeInfo>

export type ErrorCode = keyof typeof errorCodes

/**
 * What any call to a provider's API may add: a dead or missing grant, the org's limit, and the
 * provider failing (including a token refresh on the way).
 */
export const providerCallErrors: ErrorCode[] = [
  'reauth_required',
  'not_connected',
  'client_not_configured',
  'salesforce_limit_exceeded',
  'provider_error',
  'salesforce_error',
  'salesforce_unreachable',
  'salesforce_invalid_response',
  'salesforce_path_invalid',
  'hubspot_limit_exceeded',
  'hubspot_error',
  'hubspot_unreachable',
  'hubspot_path_invalid',
  'token_request_refused',
  'token_response_invalid',
  'provider_unreachable',
  'connection_config_missing',
  'connection_config_invalid',
  'credentials_incomplete',
]
