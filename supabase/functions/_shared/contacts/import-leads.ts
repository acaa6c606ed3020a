// Imports CRM contacts as leads of a campaign: fetched by the provider's contact object (for
// Salesforce, in as few queries as the URI limit allows), inserted with one statement,
// idempotently.
import type { UserClaims } from '../auth/verify-jwt.ts'
import { asUser } from '../db/as-user.ts'
import { ValidationError } from '../http/errors.ts'
import type { LeadSource } from '../providers/types.ts'
import { requireCallerCampaign, requireCallerIntegration } from './caller-scope.ts'
import { anyCanonicalContactId, contactObjectOf } from './contact-object.ts'
import { insertLeads } from './insert-leads.ts'
import type { ImportBody } from './schemas.ts'

export interface ImportResult {
  /** Leads the campaign did not have before. */
  imported: number
  /** Contacts the provider returned that the campaign already had as leads. */
  already_present: number
  /** The ids (as given) the provider did not return: deleted, merged away, or never there. */
  not_found: string[]
}

/**
 * Canonical ids mapped to the first form the caller gave, so two spellings of one contact
 * (Salesforce: a 15- and an 18-character id, or two case variants of an 18) count once.
 */
export function canonicalSourceIds(
  given: readonly string[],
  canonicalId: (id: string) => string | undefined = anyCanonicalContactId,
): Map<string, string> {
  const ids = new Map<string, string>()
  for (const id of given) {
    const canonical = canonicalId(id)
    if (!canonical) throw new RangeError('source ids must be validated before import')
    if (!ids.has(canonical)) ids.set(canonical, id)
  }
  return ids
}

/**
 * Imports `body.source_ids` into the campaign. The caller must be a member of the integration's
 * business and the campaign must belong to that business (both read through RLS, 404
 * otherwise). The provider is read before any write and outside any transaction; the leads are
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
  const contacts = contactObjectOf(integration.provider)
  // The schema knows the ids are some provider's; this integration's provider must agree.
  for (const [index, id] of body.source_ids.entries()) {
    if (contacts.canonicalId(id) === undefined) {
      throw new ValidationError(`source_ids.${index} is not a contact id of this integration`)
    }
  }
  const wanted = canonicalSourceIds(body.source_ids, contacts.canonicalId)
  const fetched = await contacts.fetchByIds({
    integrationId: integration.id,
    instanceUrl: integration.instance_url,
    apiVersion: integration.api_version,
  }, [...wanted.keys()])
  const leads: LeadSource[] = []
  const seen = new Set<string>()
  for (const lead of fetched) {
    // The provider returns only what was asked; this keeps a stray or repeated row out anyway.
    if (!wanted.has(lead.source_id) || seen.has(lead.source_id)) continue
    seen.add(lead.source_id)
    leads.push(lead)
  }
  const imported = await asUser(claims, (tx) =>
    insertLeads(tx, {
      businessId: integration.business_id,
      campaignId: body.campaign_id,
      integrationId: integration.id,
      sourceType: integration.provider,
      leads,
    }))
  const notFound = [...wanted].filter(([id18]) => !seen.has(id18)).map(([, given]) => given)
  return { imported, already_present: seen.size - imported, not_found: notFound }
}
