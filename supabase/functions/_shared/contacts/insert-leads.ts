// Inserts a batch of campaign leads in one statement, skipping those the campaign already has.
import type { Tx } from '../db/client.ts'
import type { LeadSource } from '../providers/types.ts'

export interface LeadBatch {
  businessId: string
  campaignId: string
  integrationId: string
  /** leads.source_type: the integration's provider id. */
  sourceType: string
  leads: LeadSource[]
}

/**
 * One `insert ... select from jsonb_to_recordset` for the whole batch; `on conflict do nothing`
 * on (campaign_id, source_type, source_id) makes a repeated import add nothing. `tx` must come
 * from `asUser`: the leads policy (members only) and the campaign trigger both apply.
 *
 * @returns how many leads were new.
 */
export async function insertLeads(tx: Tx, batch: LeadBatch): Promise<number> {
  if (batch.leads.length === 0) return 0
  const result = await tx`
    insert into public.leads (business_id, campaign_id, integration_id, source_type, source_id,
                              first_name, last_name, email, phone, company, title)
    select ${batch.businessId}::uuid, ${batch.campaignId}::uuid, ${batch.integrationId}::uuid,
           ${batch.sourceType}, r.source_id, r.first_name, r.last_name, r.email, r.phone, r.company,
           r.title
    from jsonb_to_recordset(${tx.json(batch.leads)}) as r(
      source_id text, first_name text, last_name text, email text, phone text, company text,
      title text)
    on conflict (campaign_id, source_type, source_id) do nothing`
  return result.count
}
