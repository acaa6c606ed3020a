-- A run says how many records it stored with values cleaned. Postgres text and jsonb cannot hold
-- U+0000; a Salesforce value containing it used to fail the page, and with it every run of the
-- integration until someone edited the record. The sync now removes the character and stores the
-- record, counts it here, and logs which records (by source id) with the run's id.

alter table public.sync_runs
  add column records_cleaned integer not null default 0 check (records_cleaned >= 0);
comment on column public.sync_runs.records_cleaned is
  'Records this run stored with values cleaned (U+0000 removed, which Postgres cannot store); their source ids are in the function log under the run id.';
