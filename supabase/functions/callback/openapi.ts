// What the callback route answers, for the OpenAPI document.
import { describeRoute } from '../_shared/http/openapi/route-docs.ts'

export const docs = {
  callback: describeRoute({
    summary: 'Where the provider sends the browser back after consent (no JWT)',
    description: 'The single-use state authenticates the request. Answers a redirect to the ' +
      "app's `redirect_to` with `status=connected&integration_id=` or `error=` and `message=`; " +
      'an unknown state has no trusted target and is a 400.',
    security: 'none',
    responses: {
      302: {
        description: "To the app's redirect_to, with the outcome in the query",
        headers: { Location: "The app's URL with status= or error=" },
      },
    },
    errors: ['state_invalid', 'not_found'],
  }),
}
