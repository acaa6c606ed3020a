// What the proxy route answers, for the OpenAPI document (and the typed client).
import { describeRoute } from '../_shared/http/openapi/route-docs.ts'

export const docs = {
  call: describeRoute({
    summary: "Call the connected provider's API with the integration's credentials",
    description: '`<path>` and the query go to the provider under its API base, unchanged. ' +
      'Members may GET (and HEAD); owners and admins may also POST, PUT, PATCH and DELETE, and ' +
      "each such write is recorded as a `proxy_write` integration event. The caller's " +
      "Authorization, cookies, apikey and hop-by-hop headers are not forwarded; the provider's " +
      'Set-Cookie is not returned, and our credentials never appear in what comes back. Every ' +
      'answer of the provider, errors included, carries `x-proxy-source: provider`; answers ' +
      'without it are ours, as the error envelope.',
    responses: {
      default: {
        description: "The provider's answer: its status, headers and body, streamed",
        headers: { 'x-proxy-source': "`provider`: this answer is the provider's own" },
      },
    },
    errors: [
      'path_not_allowed',
      'not_found',
      'forbidden',
      'rate_limited',
      // What authorizedFetch may answer instead of the provider (dead grant, refresh failures).
      'reauth_required',
      'not_connected',
      'client_not_configured',
      'token_request_refused',
      'token_response_invalid',
      'provider_unreachable',
      'provider_error',
      'connection_config_missing',
      'connection_config_invalid',
      'credentials_incomplete',
    ],
  }),
}
