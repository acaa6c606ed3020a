// One page of an integration's Salesforce Contacts, read live for a picker, with a keyset cursor.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { asUser } from '../db/as-user.ts'
import { salesforceApi } from '../providers/salesforce/api.ts'
import { type RemoteContact, toRemoteContact } from '../providers/salesforce/contact-records.ts'
import { remotePageSoql } from '../providers/salesforce/contact-soql.ts'
import { containsSearch, searchNeedsRecheck } from '../providers/salesforce/soql.ts'
import { requireCallerIntegration } from './caller-scope.ts'
import { encodeCursor } from './cursor.ts'
import { nextQueryPage } from './next-page.ts'
import type { RemoteCursor, RemoteQuery } from './schemas.ts'

export interface RemotePage {
  contacts: RemoteContact[]
  /** Pass back as `cursor` for the next page; null on the last page. */
  next_cursor: string | null
}

/**
 * The rows that really contain the search. Only a search with a backslash needs this (its
 * pattern matches any character there); such a page may then hold fewer than `limit` rows,
 * and the cursor still moves past every row Salesforce scanned.
 */
function honestMatches(contacts: RemoteContact[], search: string | undefined): RemoteContact[] {
  if (!search || !searchNeedsRecheck(search)) return contacts
  return contacts.filter((contact) =>
    containsSearch(contact.name, search) || containsSearch(contact.email, search)
  )
}

/**
 * The page after `query.cursor`: the caller must be a member of the integration's business
 * (checked through RLS before Salesforce is called). One row more than `limit` is asked for, so
 * the last page is known without an extra call. An expired session is refreshed inside the API
 * client; the caller never sees it.
 *
 * @throws {NotFoundError} when the integration is not the caller's.
 * @throws the API client's typed errors (409 reauth/not connected, 429 org limit, 502).
 */
export async function browseRemoteContacts(
  claims: UserClaims,
  integrationId: string,
  query: RemoteQuery,
): Promise<RemotePage> {
  await asUser(claims, (tx) => requireCallerIntegration(tx, integrationId))
  const api = salesforceApi(integrationId)
  const soql = remotePageSoql({
    limit: query.limit + 1,
    afterId: query.cursor?.a,
    search: query.search,
  })
  let page = await api.query<unknown>(soql)
  const records = [...page.records]
  // Salesforce may send fewer rows than asked (facts §2.1): follow the locator until enough.
  while (!page.done && records.length <= query.limit) {
    page = await nextQueryPage(api, page)
    records.push(...page.records)
  }
  const scanned = records.slice(0, query.limit).map(toRemoteContact)
  const more = records.length > query.limit
  const last = scanned.at(-1)
  const position: RemoteCursor | undefined = more && last ? { a: last.id } : undefined
  return {
    contacts: honestMatches(scanned, query.search),
    next_cursor: position ? encodeCursor(position) : null,
  }
}
