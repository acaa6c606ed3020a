// HubSpot companies as the sync reads them: their modified date is `hs_lastmodifieddate` (facts
// hubspot.md trap 4), mapped by Postgres onto the columns of public.accounts: the engine's
// `account` object of a HubSpot integration.
import type { SourceFactory } from '../../sync/source.ts'
import { accountsTable } from '../../sync/tables.ts'
import type { RecordMapping } from '../../sync/upsert.ts'
import { isoProp, prop, resultsFrom } from './crm-page.ts'
import { hubspotObjectSource, type HubSpotObjectSync } from './object-sync.ts'

/** Properties the company sync asks for. */
export const companySyncProperties = [
  'name',
  'domain',
  'website',
  'phone',
  'industry',
  'type',
  'annualrevenue',
  'numberofemployees',
  'city',
  'state',
  'country',
  'hs_parent_company_id',
  'hubspot_owner_id',
  'lifecyclestage',
  'description',
  'hs_merged_object_ids',
  'createdate',
  'hs_lastmodifieddate',
] as const

/** A decimal property as numeric; a value that is not a plain number is left out, not fatal. */
const numericProp = (name: string) =>
  `case when ${prop(name)} ~ '^-?[0-9]+(\\.[0-9]+)?$' then (${prop(name)})::numeric end`

/** A whole-number property that fits an integer column (HubSpot may send "250.0"). */
const integerProp = (name: string) =>
  `case when ${prop(name)} ~ '^[0-9]{1,9}(\\.0+)?$' then (${prop(name)})::numeric::integer end`

/**
 * A company onto the accounts columns: the website is the `website` property, else the domain;
 * the parent is the parent company's id as HubSpot names it. Figures that are not plain numbers
 * stay out of the numeric columns (kept in source_metadata as sent).
 */
export const hubspotCompanyMapping: RecordMapping = {
  name: 'hubspot_company',
  table: accountsTable,
  pageSql: `
      select distinct on (r.id) r.id as source_id,
             (${prop('hs_lastmodifieddate')})::timestamptz as source_modstamp,
             false as deleted,
             ${prop('name')} as name,
             coalesce(${prop('website')}, ${prop('domain')}) as website,
             ${prop('phone')} as phone, ${prop('industry')} as industry,
             ${prop('type')} as account_type,
             ${numericProp('annualrevenue')} as annual_revenue,
             ${integerProp('numberofemployees')} as number_of_employees,
             ${prop('city')} as billing_city, ${prop('state')} as billing_state,
             ${prop('country')} as billing_country,
             ${prop('hs_parent_company_id')} as parent_source_id,
             jsonb_strip_nulls(jsonb_build_object(
               'domain', ${prop('domain')},
               'owner_id', ${prop('hubspot_owner_id')},
               'lifecycle_stage', ${prop('lifecyclestage')},
               'description', ${prop('description')},
               'annual_revenue', ${prop('annualrevenue')},
               'number_of_employees', ${prop('numberofemployees')},
               'merged_object_ids', ${prop('hs_merged_object_ids')},
               'created_date', ${isoProp('createdate')},
               'last_modified_date', ${isoProp('hs_lastmodifieddate')}
             )) as source_metadata,
             '{}'::jsonb as custom_fields
        from ${resultsFrom}
       order by r.id, (${prop('hs_lastmodifieddate')})::timestamptz desc, r.n desc`,
}

export const hubspotCompanies: HubSpotObjectSync = {
  objectType: 'companies',
  modifiedProperty: 'hs_lastmodifieddate',
  properties: companySyncProperties,
  sourceType: 'hubspot',
  mapping: hubspotCompanyMapping,
}

/** One integration's HubSpot companies, read for one sync run into public.accounts. */
export const hubspotCompanySync: SourceFactory = (integrationId, options) =>
  hubspotObjectSource(hubspotCompanies, integrationId, options)
