-- Deletes the Recycle Bin no longer shows. queryAll returns a deleted record only until it is
-- purged (the bin emptied, a hard delete); after that only the provider's delete log knows
-- (Salesforce getDeleted, 15 days), and when the log cannot cover the time since we last
-- asked, only a full scan of the ids that still exist can tell. Per integration: how far the
-- delete log has been read, and the progress of an id scan, so that it resumes across runs.
-- Written by the sync only (the service); members read them with the rest of the sync state.

alter table public.integration_sync_state
  add column deletes_covered_until timestamptz,
  add column id_scan_pending boolean not null default false,
  add column id_scan_after text,
  add column id_scan_started_at timestamptz;
comment on column public.integration_sync_state.deletes_covered_until is
  'Provider time up to which the delete log has been applied; the next delete-log read starts here.';
comment on column public.integration_sync_state.id_scan_pending is
  'The delete log could not cover a gap: a full id scan is due or under way.';
comment on column public.integration_sync_state.id_scan_after is
  'Id scan progress: every held id up to this one (in id order) has been checked.';
comment on column public.integration_sync_state.id_scan_started_at is
  'Provider time of the id scan''s first page; the delete log takes over from there when the scan ends.';

-- The id scan compares each page of existing ids (in id order, which is code-unit order) with
-- the live rows the integration holds in the same id range: this index serves that range
-- query, in the "C" collation whatever the database's default, live rows only.
create index contacts_integration_live_source_id_idx
  on public.contacts (integration_id, source_id collate "C")
  where deleted_at is null;
