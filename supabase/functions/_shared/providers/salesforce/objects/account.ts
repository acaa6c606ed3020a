// The Account as the sync reads it into public.accounts: its query's fields and their kinds, and
// the page SQL that maps them. Writing accounts also moves their names into the contacts that
// belong to them (accountsTable in sync/tables.ts).
import { accountsTable } from '../../../sync/tables.ts'
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
  ...ofKind('text', 'Name', 'Type', 'ParentId', 'Phone', 'Website', 'Industry'),
  ...ofKind('text', 'BillingCity', 'BillingState', 'BillingCountry', 'OwnerId', 'MasterRecordId'),
  ['AnnualRevenue', 'number'],
  ['NumberOfEmployees', 'number', 'integer'],
  ...ofKind('datetime', 'CreatedDate', 'LastModifiedDate'),
])

export const accountSync: SObjectSync = {
  sobject: 'Account',
  select: fields.select,
  checks: fields.checks,
  mapping: {
    name: 'salesforce_account',
    table: accountsTable,
    pageSql: `
      select distinct on (r."Id") r."Id" as source_id, r."SystemModstamp" as source_modstamp,
             r."IsDeleted" as deleted, r."Name" as name, r."Website" as website,
             r."Phone" as phone, r."Industry" as industry, r."Type" as account_type,
             r."AnnualRevenue" as annual_revenue, r."NumberOfEmployees" as number_of_employees,
             r."BillingCity" as billing_city, r."BillingState" as billing_state,
             r."BillingCountry" as billing_country, r."ParentId" as parent_source_id,
             jsonb_strip_nulls(jsonb_build_object(
               'owner_id', r."OwnerId",
               'master_record_id', r."MasterRecordId",
               'created_date', ${isoUtc('CreatedDate')},
               'last_modified_date', ${isoUtc('LastModifiedDate')}
             )) || ${keptRecordSql} as source_metadata,
             ${mappedFieldsSql} as custom_fields
        from ${pageRecordsSql(fields.columns)}
       ${newestFirst}`,
  },
}
