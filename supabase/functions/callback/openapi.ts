// What the callback routes answer, for the OpenAPI document (and the typed client).
import { z } from 'zod'
import { describeRoute } from '../_shared/http/openapi/route-docs.ts'
import { integrationSchema } from '../_shared/integrations/integration-json.ts'

export const docs = {
  callback: describeRoute({
    summary: 'Where the provider sends the browser back after consent (no JWT)',
    description: 'The single-use state authenticates the request. Answers a redirect to the ' +
      "app's `redirect_to` with a one-time `ticket=` (finish with POST /callback/complete) or " +
      '`error=` and `message=`; an unknown state goes to APP_ERROR_REDIRECT_URL with ' +
      '`error=state_invalid`, or is a 400 when none is configured. OAuth 1.0a providers ' +
      '(Trello) come back with `oauth_token` and `oauth_verifier` instead of `state` and ' +
      '`code`; the request token keys the attempt. A refusal that names no request token ' +
      '(`oauth_problem=`) goes to APP_ERROR_REDIRECT_URL with `error=access_denied`, or is a ' +
      '400 when none is configured.',
    security: 'none',
    responses: {
      302: {
        description: "To the app's redirect_to, with the outcome in the query",
        headers: { Location: "The app's URL with ticket= or error=" },
      },
    },
    errors: ['state_invalid', ['access_denied', 400], 'not_found'],
  }),
  complete: describeRoute({
    summary: 'Finish a connection: trade the ticket the app got back for it (the same user)',
    description: "Send the `ticket` from the app's URL with the signed-in user's JWT. Failed " +
      'attempts answer their code (the same as the redirect carried as `error=`).',
    responses: {
      200: {
        description: 'Connected (Cache-Control: no-store)',
        body: z.object({ status: z.literal('connected'), integration: integrationSchema }),
      },
    },
    errors: [
      'ticket_invalid',
      'ticket_not_yours',
      'not_found',
      'forbidden',
      'access_denied',
      'state_expired',
      ['state_invalid', 409],
      'connection_cancelled',
      'token_exchange_failed',
      'invalid_client_id',
      'redirect_uri_mismatch',
    ],
  }),
}
