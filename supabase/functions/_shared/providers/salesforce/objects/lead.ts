// The Lead as the sync reads it into public.crm_leads (the CRM's leads, not campaign leads): its
// query's fields and their kinds, and the page SQL that maps them.
import { crmLeadsTable } from '../../../sync/tables.ts'
import {
  isoUtc,
  keptRecordSql,
  mappedFieldsSql,
  newestFirst,
  ofKind,
  pageRecordsSql,
  readFields,
  type SObjectSync,
} from '../sync-page.ts'

const fields = readFields([
  ...ofKind('text', 'FirstName', 'LastName', 'Email', 'Phone', 'MobilePhone', 'Title', 'Company'),
  ...ofKind('text', 'Status', 'LeadSource', 'Industry', 'Rating', 'OwnerId', 'MasterRecordId'),
  ...ofKind('text', 'ConvertedAccountId', 'ConvertedContactId'),
  ['IsConverted', 'flag'],
  ...ofKind('datetime', 'CreatedDate', 'LastModifiedDate'),
])

export const leadSync: SObjectSync = {
  sobject: 'Lead',
  select: fields.select,
  checks: fields.checks,
  mapping: {
    name: 'salesforce_lead',
    table: crmLeadsTable,
    pageSql: `
      select distinct on (r."Id") r."Id" as source_id, r."SystemModstamp" as source_modstamp,
             r."IsDeleted" as deleted, r."FirstName" as first_name, r."LastName" as last_name,
             r."Email" as email, coalesce(r."Phone", r."MobilePhone") as phone,
             r."Company" as company, r."Title" as title, r."Status" as status,
             r."LeadSource" as lead_source, r."Industry" as industry, r."Rating" as rating,
             coalesce(r."IsConverted", false) as is_converted,
             r."ConvertedAccountId" as converted_account_source_id,
             r."ConvertedContactId" as converted_contact_source_id,
             jsonb_strip_nulls(jsonb_build_object(
               'owner_id', r."OwnerId",
               'mobile_phone', r."MobilePhone",
               'master_record_id', r."MasterRecordId",
               'created_date', ${isoUtc('CreatedDate')},
               'last_modified_date', ${isoUtc('LastModifiedDate')}
             )) || ${keptRecordSql} as source_metadata,
             ${mappedFieldsSql} as custom_fields
        from ${pageRecordsSql(fields.columns)}
       ${newestFirst}`,
  },
}
