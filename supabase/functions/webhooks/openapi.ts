// What the webhooks route answers, for the OpenAPI document (and the typed client).
import { z } from 'zod'
import { describeRoute } from '../_shared/http/openapi/route-docs.ts'

const receipt = z.object({
  received: z.number().int(),
  duplicates: z.number().int(),
  objects_marked: z.number().int(),
  unknown_accounts: z.number().int(),
})

export const docs = {
  receive: describeRoute({
    summary: "A provider's change notifications (no JWT; the provider's signature)",
    description: 'HubSpot (`/webhooks/hubspot`): a JSON array of webhook events signed with ' +
      '`X-HubSpot-Signature-v3` over the public URL (WEBHOOKS_PUBLIC_BASE_URL) and ' +
      "`X-HubSpot-Request-Timestamp` within 5 minutes. Each new event makes its portal's " +
      'contact or account sync due now; retried events (same key) and events for portals no ' +
      'integration is connected to change nothing and still answer 200.',
    security: 'none',
    responses: {
      200: { description: 'Received (also for duplicates and unknown accounts)', body: receipt },
    },
    errors: [
      'bad_request',
      'signature_invalid',
      'timestamp_invalid',
      'not_found',
      'webhooks_unsupported',
      'payload_too_large',
      'webhook_not_configured',
    ],
  }),
}
