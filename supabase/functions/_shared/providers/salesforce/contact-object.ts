// Salesforce Contacts as the contacts routes read them live: a picker page by SOQL keyset, and
// Contacts by id in as few queries as the URI limit allows. The sync reads them as contactSync
// (contact-sync-mapping.ts) describes.
import type { ContactObject, LeadSource, RemoteContact } from '../types.ts'
import { type SalesforceApi, salesforceApi } from './api.ts'
import { planIdBatches, queryPath } from './contact-batches.ts'
import { toLeadSource, toRemoteContact } from './contact-records.ts'
import { contactsByIdSoql, remotePageSoql } from './contact-soql.ts'
import { toContactId18 } from './ids.ts'
import { nextQueryPage } from './next-page.ts'
import { containsSearch, searchNeedsRecheck } from './soql.ts'
import { contactSync } from './contact-sync-mapping.ts'
import { salesforceSObjectSource } from './sync-source.ts'

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

/** The requested Contacts of one batch, following the locator if Salesforce pages the answer. */
async function fetchLeadSources(api: SalesforceApi, ids: string[]): Promise<LeadSource[]> {
  let page = await api.query<unknown>(contactsByIdSoql(ids))
  const leads = page.records.map(toLeadSource)
  while (!page.done) {
    page = await nextQueryPage(api, page)
    leads.push(...page.records.map(toLeadSource))
  }
  return leads
}

export const salesforceContacts: ContactObject = {
  // Called through a function: contact-sync reaches the registry (via connections), so the
  // binding is read at sync time, not while the modules are still loading.
  sync: (integrationId, options) => salesforceSObjectSource(contactSync, integrationId, options),
  canonicalId: toContactId18,
  /**
   * One row more than `limit` is asked for, so the last page is known without an extra call.
   * An expired session is refreshed inside the API client; the caller never sees it.
   */
  async browse(scope, { limit, afterId, search }) {
    const api = salesforceApi(scope.integrationId)
    let page = await api.query<unknown>(remotePageSoql({ limit: limit + 1, afterId, search }))
    const records = [...page.records]
    // Salesforce may send fewer rows than asked (facts §2.1): follow the locator until enough.
    while (!page.done && records.length <= limit) {
      page = await nextQueryPage(api, page)
      records.push(...page.records)
    }
    const scanned = records.slice(0, limit).map(toRemoteContact)
    const last = scanned.at(-1)
    return {
      contacts: honestMatches(scanned, search),
      nextAfter: records.length > limit && last ? last.id : null,
    }
  },
  /** One batch after another: a few calls, and the org's concurrency allowance is left to others. */
  async fetchByIds(scope, ids) {
    const api = salesforceApi(scope.integrationId)
    const path = queryPath(scope.instanceUrl, scope.apiVersion)
    const leads: LeadSource[] = []
    for (const batch of planIdBatches([...ids], path)) {
      leads.push(...await fetchLeadSources(api, batch))
    }
    return leads
  },
}
