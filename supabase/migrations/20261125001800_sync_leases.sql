-- Sync leases: how the sync-cron function takes integrations to work on. A claim is one
-- statement that picks due integrations with `for update skip locked` (so concurrent ticks
-- never take the same one) and writes a lease: an owner token and an expiry. Every page the
-- holder commits checks the owner (a fencing token) and renews the expiry, so a run that lost
-- its lease writes nothing; a killed run's lease simply expires, and the next claim marks that
-- run abandoned and resumes from the cursor it saved. Also: whether a read stopped part-way
-- (so the next run resumes exactly instead of re-reading the lookback window), and a reconnect
-- starting the failure streak afresh.

-- An incremental read starts a lookback window before the cursor (late-visible records). A
-- read cut short once it has moved the cursor (budget, a killed process) must resume exactly
-- at the cursor instead: re-reading the window at every resume could keep a large catch-up
-- (a mass update sharing one stamp) from ever getting past it. Written with the cursor, in the
-- page's transaction; cleared when a read reaches its end.
alter table public.integration_sync_state
  add column read_in_progress boolean not null default false;
comment on column public.integration_sync_state.read_in_progress is
  'A read moved the cursor and has not reached its end: the next run resumes exactly at the cursor, without the lookback.';

-- What a claim hands the sync: the integration, where its cursor stands and its schedule.
create type private.claimed_sync as (
  integration_id uuid,
  business_id uuid,
  provider text,
  lease_owner text,
  cursor jsonb,
  read_in_progress boolean,
  initial_sync_completed_at timestamptz,
  consecutive_failures integer,
  interval_minutes integer
);
comment on type private.claimed_sync is 'A leased integration, as claim_due_syncs and claim_sync return it.';

-- Integrations the sync may work: connected (active), or in `error` because the sync itself
-- kept failing (it keeps trying, backing off). Any other error (reauth_required, a failed
-- connect) waits for a person, as does a paused sync.
create or replace function private.sync_claimable(p_status text, p_last_error_code text)
returns boolean
language sql immutable
set search_path = ''
as $$
  select p_status = 'active' or (p_status = 'error' and p_last_error_code = 'sync_failing')
$$;
comment on function private.sync_claimable(text, text) is
  'Whether an integration in this status may be synced: active, or failing because of the sync itself.';

-- Runs left `running` by a holder whose lease expired died (or lost the lease): close them.
create or replace function private.abandon_stale_runs(p_integration_id uuid) returns void
language sql volatile security definer
set search_path = ''
as $$
  update public.sync_runs
     set status = 'abandoned', finished_at = now(),
         duration_ms = (extract(epoch from now() - started_at) * 1000)::integer,
         error_code = coalesce(error_code, 'lease_expired')
   where integration_id = p_integration_id and status = 'running'
$$;
comment on function private.abandon_stale_runs(uuid) is
  'Service only: closes the runs of an integration whose holder died, called when it is claimed again.';

-- Claims up to p_limit due integrations, oldest due first, skipping any another transaction
-- has locked and any whose lease is still alive.
create or replace function private.claim_due_syncs(
  p_owner text, p_limit integer, p_lease_seconds integer
) returns setof private.claimed_sync
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  claimed private.claimed_sync;
begin
  for claimed in
    with due as (
      select s.integration_id
        from public.integration_sync_state s
        join public.integrations i on i.id = s.integration_id
       where s.sync_enabled
         and s.paused_reason is null
         and s.next_sync_at <= now()
         and (s.lease_expires_at is null or s.lease_expires_at <= now())
         and private.sync_claimable(i.status, i.last_error_code)
       order by s.next_sync_at
       limit p_limit
         for update of s skip locked
    )
    update public.integration_sync_state s
       set lease_owner = p_owner,
           lease_expires_at = now() + make_interval(secs => p_lease_seconds),
           last_run_at = now()
      from due, public.integrations i
     where s.integration_id = due.integration_id and i.id = s.integration_id
    returning s.integration_id, s.business_id, i.provider, s.lease_owner, s.cursor,
              s.read_in_progress, s.initial_sync_completed_at, s.consecutive_failures,
              s.interval_minutes
  loop
    perform private.abandon_stale_runs(claimed.integration_id);
    return next claimed;
  end loop;
end
$$;
comment on function private.claim_due_syncs(text, integer, integer) is
  'Service only: leases up to p_limit due integrations to p_owner (for update skip locked).';

-- Claims one integration now, due or not (a manual "sync now"); nothing when it is leased,
-- paused or not in a state the sync may work.
create or replace function private.claim_sync(
  p_integration_id uuid, p_owner text, p_lease_seconds integer
) returns setof private.claimed_sync
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  claimed private.claimed_sync;
begin
  update public.integration_sync_state s
     set lease_owner = p_owner,
         lease_expires_at = now() + make_interval(secs => p_lease_seconds),
         last_run_at = now()
    from public.integrations i
   where s.integration_id = p_integration_id
     and i.id = s.integration_id
     and s.paused_reason is null
     and (s.lease_expires_at is null or s.lease_expires_at <= now())
     and private.sync_claimable(i.status, i.last_error_code)
  returning s.integration_id, s.business_id, i.provider, s.lease_owner, s.cursor,
            s.read_in_progress, s.initial_sync_completed_at, s.consecutive_failures,
            s.interval_minutes
    into claimed;
  if found then
    perform private.abandon_stale_runs(claimed.integration_id);
    return next claimed;
  end if;
end
$$;
comment on function private.claim_sync(uuid, text, integer) is
  'Service only: leases one integration to p_owner now, unless leased, paused or not syncable.';

revoke all on function private.sync_claimable(text, text),
  private.abandon_stale_runs(uuid),
  private.claim_due_syncs(text, integer, integer),
  private.claim_sync(uuid, text, integer)
  from public, anon, authenticated;
grant execute on function private.sync_claimable(text, text),
  private.abandon_stale_runs(uuid),
  private.claim_due_syncs(text, integer, integer),
  private.claim_sync(uuid, text, integer)
  to service_role;
revoke all on type private.claimed_sync from public;
grant usage on type private.claimed_sync to service_role;

-- A reconnect (the integration becomes active again) ends the failure streak: the failures
-- before it concerned a connection that no longer exists, and must not put the new one
-- straight back into `error` with a long backoff. The connect code already clears the pause
-- and makes the sync due; this is the rest. Definer: tenants cannot write sync state.
create or replace function app.reset_sync_failures_on_activation() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update public.integration_sync_state
     set consecutive_failures = 0
   where integration_id = new.id and consecutive_failures <> 0;
  return null;
end
$$;
comment on function app.reset_sync_failures_on_activation() is
  'Trigger on integrations: an integration that becomes active again starts a fresh failure streak.';
revoke all on function app.reset_sync_failures_on_activation() from public;

create trigger integrations_reset_sync_failures after update of status on public.integrations
  for each row when (new.status = 'active' and old.status is distinct from 'active')
  execute function app.reset_sync_failures_on_activation();
