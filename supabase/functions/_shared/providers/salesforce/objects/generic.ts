// Any other sObject (a custom Foo__c, Event, Task, Opportunity) as the sync reads it into
// public.crm_records: Id, SystemModstamp and IsDeleted, plus the fields the team mapped, stored
// in `data` under the team's names.
import { crmRecordsTable } from '../../../sync/tables.ts'
import { soqlName } from '../sync-soql.ts'
import {
  mappedFieldsSql,
  newestFirst,
  pageRecordsSql,
  readFields,
  type SObjectSync,
  systemFields,
} from '../sync-page.ts'

const genericMapping = {
  name: 'salesforce_generic',
  table: crmRecordsTable,
  pageSql: `
      select distinct on (r."Id") r."Id" as source_id, r."SystemModstamp" as source_modstamp,
             r."IsDeleted" as deleted, ${mappedFieldsSql} as data
        from ${pageRecordsSql(readFields([]).columns)}
       ${newestFirst}`,
}

/**
 * How the sync reads `sobject` (its API name, checked: it is written into queries). Mapped
 * fields are added by the source and stored as the JSON values Salesforce sent.
 */
export function genericSync(sobject: string): SObjectSync {
  return { sobject: soqlName(sobject), select: systemFields, checks: [], mapping: genericMapping }
}
