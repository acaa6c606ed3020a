// Imports Salesforce Contacts as leads of a campaign: fetched in as few queries as the URI limit
// allows, inserted with one statement, idempotently.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { asUser } from '../db/as-user.ts'
import { type SalesforceApi, salesforceApi } from '../providers/salesforce/api.ts'
import { planIdBatches, queryPath } from '../providers/salesforce/contact-batches.ts'
import { toContactId18 } from '../providers/salesforce/ids.ts'
import { type LeadSource, toLeadSource } from '../providers/salesforce/contact-records.ts'
import { contactsByIdSoql } from '../providers/salesforce/contact-soql.ts'
import { requireCallerCampaign, requireCallerIntegration } from './caller-scope.ts'
import { insertLeads } from './insert-leads.ts'
import { nextQueryPage } from './next-page.ts'
import type { ImportBody } from './schemas.ts'

export interface ImportResult {
  /** Leads the campaign did not have before. */
  imported: number
  /** Contacts Salesforce returned that the campaign already had as leads. */
  already_present: number
  /** The ids (as given) Salesforce did not return: deleted, merged away, or never there. */
  not_found: string[]
}

/**
 * Canonical 18-character ids mapped to the first form the caller gave, so a 15- and an
 * 18-character spelling of one Contact (or two case variants of an 18) count once.
 */
export function canonicalSourceIds(given: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>()
  for (const id of given) {
    const id18 = toContactId18(id)
    if (!id18) throw new RangeError('source ids must be validated before import')
    if (!ids.has(id18)) ids.set(id18, id)
  }
  return ids
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

/**
 * Imports `body.source_ids` into the campaign. The caller must be a member of the integration's
 * business and the campaign must belong to that business (both read through RLS, 404
 * otherwise). Salesforce is read before any write and outside any transaction; the leads are
 * then inserted as the caller in one statement (the URI limit that splits the reads does not
 * bind a database write), so a failed fetch writes nothing and a repeated import adds nothing.
 *
 * @throws {NotFoundError} for an integration or campaign that is not the caller's.
 * @throws the API client's typed errors (409 reauth/not connected, 429 org limit, 502).
 */
export async function importLeads(claims: UserClaims, body: ImportBody): Promise<ImportResult> {
  const integration = await asUser(claims, async (tx) => {
    const found = await requireCallerIntegration(tx, body.integration_id)
    await requireCallerCampaign(tx, body.campaign_id, found.business_id)
    return found
  })
  const wanted = canonicalSourceIds(body.source_ids)
  const api = salesforceApi(integration.id)
  const path = queryPath(integration.instance_url, integration.api_version)
  const leads: LeadSource[] = []
  const seen = new Set<string>()
  // One batch after another: a few calls, and the org's concurrency allowance is left to others.
  for (const ids of planIdBatches([...wanted.keys()], path)) {
    for (const lead of await fetchLeadSources(api, ids)) {
      // Salesforce returns only what was asked; this keeps a stray or repeated row out anyway.
      if (!wanted.has(lead.source_id) || seen.has(lead.source_id)) continue
      seen.add(lead.source_id)
      leads.push(lead)
    }
  }
  const imported = await asUser(claims, (tx) =>
    insertLeads(tx, {
      businessId: integration.business_id,
      campaignId: body.campaign_id,
      integrationId: integration.id,
      leads,
    }))
  const notFound = [...wanted].filter(([id18]) => !seen.has(id18)).map(([, given]) => given)
  return { imported, already_present: seen.size - imported, not_found: notFound }
}
