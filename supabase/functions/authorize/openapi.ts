// What the authorize route answers, for the OpenAPI document (and the typed client).
import { z } from 'zod'
import { describeRoute } from '../_shared/http/openapi/route-docs.ts'

export const docs = {
  authorize: describeRoute({
    summary: "The provider's consent URL for an integration (owners, admins)",
    description: 'Send the browser to `url`. It carries a single-use state valid ten minutes, ' +
      'bound to the caller, the integration and a PKCE verifier; the callback ends the flow.',
    responses: {
      200: {
        description: 'Where to send the browser (Cache-Control: no-store)',
        body: z.object({ url: z.url() }),
      },
    },
    errors: [
      'not_found',
      'forbidden',
      'redirect_not_allowed',
      'auth_mode_unsupported',
      'client_not_configured',
    ],
  }),
}
