// HubSpot contacts as the contacts routes read them live: a picker page by CRM search in id
// order (keyset on hs_object_id), and contacts by id with batch reads. The sync's source is
// contact-sync.ts.
import type { ContactObject, LeadSource, RemoteContact } from '../types.ts'
import { type HubSpotApi, hubspotApi } from './api.ts'
import { hubspotContactSource } from './contact-sync.ts'

/** Batch read takes at most 100 ids (facts hubspot.md §2). */
const batchReadSize = 100

const pickerProperties = [
  'firstname',
  'lastname',
  'email',
  'phone',
  'mobilephone',
  'jobtitle',
  'company',
  'associatedcompanyid',
]

interface HubSpotRecord {
  id: string
  properties: Record<string, string | null | undefined>
}

const text = (value: string | null | undefined) =>
  typeof value === 'string' && value !== '' ? value : null

function toRemoteContact(record: HubSpotRecord): RemoteContact {
  const p = record.properties
  const first = text(p.firstname)
  const last = text(p.lastname)
  return {
    id: record.id,
    first_name: first,
    last_name: last,
    name: [first, last].filter((part) => part !== null).join(' ') || null,
    email: text(p.email),
    phone: text(p.phone),
    mobile_phone: text(p.mobilephone),
    title: text(p.jobtitle),
    department: null,
    account_id: text(p.associatedcompanyid),
    account_name: text(p.company),
  }
}

function toLeadSource(record: HubSpotRecord): LeadSource {
  const p = record.properties
  return {
    source_id: record.id,
    first_name: text(p.firstname),
    last_name: text(p.lastname),
    email: text(p.email),
    phone: text(p.phone) ?? text(p.mobilephone),
    company: text(p.company),
    title: text(p.jobtitle),
  }
}

function records(data: unknown): HubSpotRecord[] {
  const results = (data as { results?: unknown } | null)?.results
  if (!Array.isArray(results)) return []
  return results.filter((record): record is HubSpotRecord =>
    typeof record?.id === 'string' && typeof record?.properties === 'object' &&
    record.properties !== null
  )
}

/** The picker's search: id order after `afterId`, matching `search` in a name or the email. */
export function pickerSearchBody(limit: number, afterId?: string, search?: string) {
  const after = afterId === undefined
    ? []
    : [{ propertyName: 'hs_object_id', operator: 'GT', value: afterId }]
  const token = search?.trim()
  const groups = token
    ? ['email', 'firstname', 'lastname'].map((propertyName) => ({
      filters: [...after, { propertyName, operator: 'CONTAINS_TOKEN', value: `*${token}*` }],
    }))
    : after.length > 0
    ? [{ filters: after }]
    : []
  return {
    filterGroups: groups,
    sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
    properties: pickerProperties,
    limit,
  }
}

async function batchRead(api: HubSpotApi, ids: string[]): Promise<HubSpotRecord[]> {
  const response = await api.request<unknown>({
    method: 'POST',
    path: '/crm/v3/objects/contacts/batch/read',
    body: { properties: pickerProperties, inputs: ids.map((id) => ({ id })) },
  })
  return records(response.data)
}

export const hubspotContactObject: ContactObject = {
  // Called through a function: the source reaches the registry (via connections), so the
  // binding is read at sync time, not while the modules are still loading.
  sync: (integrationId, options) => hubspotContactSource(integrationId, options),
  /** HubSpot ids are positive integers, written without leading zeros. */
  canonicalId: (id) => (/^[1-9][0-9]{0,18}$/.test(id) ? id : undefined),
  /** One row more than `limit` is asked for, so the last page is known without an extra call. */
  async browse(scope, { limit, afterId, search }) {
    const api = hubspotApi(scope.integrationId)
    const response = await api.request<unknown>({
      method: 'POST',
      path: '/crm/v3/objects/contacts/search',
      body: pickerSearchBody(Math.min(limit + 1, 200), afterId, search),
      search: true,
    })
    const found = records(response.data)
    const page = found.slice(0, limit).map(toRemoteContact)
    return {
      contacts: page,
      nextAfter: found.length > limit && page.length > 0 ? page.at(-1)!.id : null,
    }
  },
  /**
   * Batch reads of 100. A merged-away id answers with its survivor, which is another contact:
   * only the ids asked for are kept.
   */
  async fetchByIds(scope, ids) {
    const api = hubspotApi(scope.integrationId)
    const asked = new Set(ids)
    const leads: LeadSource[] = []
    for (let at = 0; at < ids.length; at += batchReadSize) {
      for (const record of await batchRead(api, ids.slice(at, at + batchReadSize))) {
        if (asked.has(record.id)) leads.push(toLeadSource(record))
      }
    }
    return leads
  },
}
