// HubSpot contacts as the sync reads them: which properties, the modified date contacts have
// (`lastmodifieddate`, facts hubspot.md trap 4), and their mapping onto the contacts columns,
// done by Postgres over the search answer's JSON as Salesforce's is.
import type { SourceFactory } from '../../sync/source.ts'
import { accountCompanySql, contactsTable } from '../../sync/tables.ts'
import type { RecordMapping } from '../../sync/upsert.ts'
import { isoProp, prop, resultsFrom } from './crm-page.ts'
import { hubspotObjectSource, type HubSpotObjectSync } from './object-sync.ts'

/** Properties the contact sync asks for (search returns only the defaults otherwise, trap 10). */
export const contactSyncProperties = [
  'firstname',
  'lastname',
  'email',
  'phone',
  'mobilephone',
  'company',
  'jobtitle',
  'address',
  'city',
  'state',
  'zip',
  'country',
  'lifecyclestage',
  'hubspot_owner_id',
  'associatedcompanyid',
  'hs_merged_object_ids',
  'createdate',
  'lastmodifieddate',
] as const

/**
 * A contact onto the contacts columns: the phone column takes the phone, else the mobile; the
 * company is the name of the contact's primary company when that company is synced (the
 * contacts table's company invariant, tables.ts), else the contact's own company text; the rest
 * goes to source_metadata (unset ones left out). Field mapping is not offered for HubSpot yet:
 * custom_fields gets nothing (merged, so the team's own keys stay). Search never returns archived contacts, so no row of a page is deleted: deletes come
 * from object-deletes.ts.
 */
export const hubspotContactMapping: RecordMapping = {
  name: 'hubspot_contact',
  table: contactsTable,
  pageSql: `
      select distinct on (r.id) r.id as source_id,
             (${prop('lastmodifieddate')})::timestamptz as source_modstamp,
             false as deleted,
             ${prop('firstname')} as first_name, ${prop('lastname')} as last_name,
             ${prop('email')} as email,
             coalesce(${prop('phone')}, ${prop('mobilephone')}) as phone,
             case when a.id is null then ${prop('company')} else ${accountCompanySql} end
               as company,
             ${prop('jobtitle')} as title,
             jsonb_strip_nulls(jsonb_build_object(
               'mobile_phone', ${prop('mobilephone')},
               'address', ${prop('address')},
               'city', ${prop('city')},
               'state', ${prop('state')},
               'postal_code', ${prop('zip')},
               'country', ${prop('country')},
               'lifecycle_stage', ${prop('lifecyclestage')},
               'owner_id', ${prop('hubspot_owner_id')},
               'company_id', ${prop('associatedcompanyid')},
               'merged_object_ids', ${prop('hs_merged_object_ids')},
               'created_date', ${isoProp('createdate')},
               'last_modified_date', ${isoProp('lastmodifieddate')}
             )) as source_metadata,
             a.id as account_id, ${prop('associatedcompanyid')} as account_source_id,
             '{}'::jsonb as custom_fields
        from ${resultsFrom}
        left join public.accounts a
          on a.business_id = $2::uuid and a.source_type = $4::text
         and a.source_id = ${prop('associatedcompanyid')}
       order by r.id, (${prop('lastmodifieddate')})::timestamptz desc, r.n desc`,
}

export const hubspotContacts: HubSpotObjectSync = {
  objectType: 'contacts',
  modifiedProperty: 'lastmodifieddate',
  properties: contactSyncProperties,
  sourceType: 'hubspot',
  mapping: hubspotContactMapping,
}

/** One integration's HubSpot contacts, read for one sync run into public.contacts. */
export const hubspotContactSource: SourceFactory = (integrationId, options) =>
  hubspotObjectSource(hubspotContacts, integrationId, options)
