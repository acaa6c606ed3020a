-- A run says how many records it stored with values cleaned. Postgres text and jsonb cannot hold
-- U+0000 (nor, in jsonb, a lone UTF-16 surrogate); a Salesforce value containing one used to fail
-- the page, and with it every run of the integration until someone edited the record. The sync
-- now cleans the value and stores the record, counts it here, and logs which records (by source
-- id) with the run's id.

alter table public.sync_runs
  add column records_cleaned integer not null default 0 check (records_cleaned >= 0);
comment on column public.sync_runs.records_cleaned is
  'Records this run stored with values cleaned (U+0000 removed, lone surrogates replaced: Postgres cannot store them); their source ids are in the function log under the run id.';
