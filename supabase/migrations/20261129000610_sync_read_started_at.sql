-- When the current (or last) read of an integration's sync began, in the provider's own clock:
-- the server time at which the read's first query was answered. A read stores every record
-- visible when its first query ran; a record that becomes visible late carries a stamp at most
-- the lookback older than the moment it became visible. So after a read completes, every
-- record stamped before (read_started_at - lookback) is stored, however many runs, restarts
-- and backoffs the read took, and the next read starts there (see sync/engine.ts). Measuring
-- the lookback from the cursor instead loses late records whenever a read spans runs.
-- Written by the sync with the first page that marks a read in progress; kept while it is.

alter table public.integration_sync_state
  add column read_started_at timestamptz;
comment on column public.integration_sync_state.read_started_at is
  'Provider time at which the current or last read''s first query was answered; the next read re-reads from the lookback before it.';
