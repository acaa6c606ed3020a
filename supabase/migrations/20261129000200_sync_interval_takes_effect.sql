-- A changed sync interval takes effect at once. After a complete run the sync sets next_sync_at
-- to now + interval_minutes (15 by default), so an owner who shortens the interval to 5 minutes
-- through the Data API would otherwise still wait out the 15 minutes already scheduled. A
-- shorter interval now pulls the next sync in to <last run + new interval> (due at once when that
-- is past); a longer one leaves the sync already scheduled and applies from the run after it. A
-- failing integration keeps its backoff: the failure policy, not the interval, schedules it.

create or replace function app.apply_sync_interval() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.consecutive_failures = 0 and new.last_run_at is not null then
    new.next_sync_at := least(
      new.next_sync_at,
      new.last_run_at + make_interval(mins => new.interval_minutes)
    );
  end if;
  return new;
end
$$;
comment on function app.apply_sync_interval() is
  'Trigger on integration_sync_state: a shortened interval moves the next sync in. Invoker rights: it only changes the row being updated.';
revoke all on function app.apply_sync_interval() from public;

create trigger integration_sync_state_apply_interval
  before update of interval_minutes on public.integration_sync_state
  for each row when (new.interval_minutes is distinct from old.interval_minutes)
  execute function app.apply_sync_interval();
