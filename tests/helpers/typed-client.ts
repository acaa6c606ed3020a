// The typed client (client/crm-sync-client.js) against a test gateway, with every answer checked
// against the committed OpenAPI document, as the gateway's own `request` does.
import { createCrmSyncClient } from '../../client/crm-sync-client.js'
import type { TestGateway } from './gateway.ts'
import { assertMatchesDocument } from './openapi-check.ts'

/** A client calling `gateway` with the token `accessToken` gives (e.g. a supabase-js session's). */
export function typedClient(
  gateway: Pick<TestGateway, 'url'>,
  accessToken: () => string | undefined | Promise<string | undefined>,
) {
  const functionsUrl = `${gateway.url}/functions/v1`
  const client = createCrmSyncClient({ functionsUrl, accessToken })
  client.use({
    async onResponse({ request, response }) {
      const path = new URL(request.url).pathname.slice('/functions/v1'.length)
      await assertMatchesDocument(request.method, path, response)
      return undefined
    },
  })
  return client
}
