// One page of an integration's CRM contacts, read live for a picker, with a keyset cursor.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { asUser } from '../db/as-user.ts'
import type { RemoteContact } from '../providers/types.ts'
import { requireCallerIntegration } from './caller-scope.ts'
import { contactObjectOf } from './contact-object.ts'
import { encodeCursor } from './cursor.ts'
import type { RemoteQuery } from './schemas.ts'

export interface RemotePage {
  contacts: RemoteContact[]
  /** Pass back as `cursor` for the next page; null on the last page. */
  next_cursor: string | null
}

/**
 * The page after `query.cursor`: the caller must be a member of the integration's business
 * (checked through RLS before the provider is called). The provider's contact object reads the
 * page; an expired session is refreshed inside it, the caller never sees it.
 *
 * @throws {NotFoundError} when the integration is not the caller's.
 * @throws {ValidationError} when the cursor's id is not one of the provider's contact ids.
 * @throws the API client's typed errors (409 reauth/not connected, 429 org limit, 502).
 */
export async function browseRemoteContacts(
  claims: UserClaims,
  integrationId: string,
  query: RemoteQuery,
): Promise<RemotePage> {
  const integration = await asUser(claims, (tx) => requireCallerIntegration(tx, integrationId))
  const contacts = contactObjectOf(integration.provider)
  const afterId = query.cursor?.a
  const page = await contacts.browse({
    integrationId: integration.id,
    instanceUrl: integration.instance_url,
    apiVersion: integration.api_version,
  }, { limit: query.limit, afterId, search: query.search })
  return {
    contacts: page.contacts,
    next_cursor: page.nextAfter ? encodeCursor({ a: page.nextAfter }) : null,
  }
}
