// A webhook POST as HubSpot sends it, signed by the HubSpot sandbox's own signer (not the code
// under test), for tests that call the webhooks function directly.
import { signatureV3 } from '../../scripts/sandbox/hubspot/webhooks.ts'

export interface SignedWebhook {
  method: 'POST'
  headers: Record<string, string>
  body: string
}

/** `body` POSTed to `url` (the URL HubSpot calls, which it signs) at `timestamp` (ms). */
export async function signedHubSpotWebhook(
  secret: string,
  url: string,
  body: string,
  timestamp = Date.now(),
): Promise<SignedWebhook> {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': String(timestamp),
      'x-hubspot-signature-v3': await signatureV3(secret, 'POST', url, body, timestamp),
    },
    body,
  }
}
