-- The sync serves (integration, object) pairs (issue 11): each synced object of an integration
-- has its own schedule, lease, cursor, failure streak and health, and one object failing (a
-- field deleted in the org, no permission on it) does not stop the others.
--
-- Object keys: 'contact', 'account' and 'lead' for the objects that have a table of their own
-- (public.contacts, public.accounts, public.crm_leads; each provider says which of its objects
-- they are: Salesforce Contact/Account/Lead, HubSpot contacts/companies), and the provider's own
-- API name for every other object (Foo__c, Event, Task, Opportunity), whose records land in
-- public.crm_records. The contact object is every integration's, created with it as before;
-- the others exist while integration_objects enables them.
--
-- Integration-wide settings stay integration-wide: pausing (sync_enabled, paused_reason), the
-- interval and a reconnect are written `where integration_id = ...` and so apply to every
-- object's row.

alter table public.integration_sync_state
  add column object text not null default 'contact'
    check (object ~ '^[A-Za-z][A-Za-z0-9_]{0,79}$'),
  -- Why the object's last failed run failed (field_missing names the field): per object, since
  -- an object's own failure does not turn the whole integration to error.
  add column last_error_code text,
  add column last_error text;
comment on column public.integration_sync_state.object is
  'The synced object: contact, account, lead (own tables) or the provider''s API name (crm_records).';
comment on column public.integration_sync_state.last_error_code is
  'The error code of this object''s last failed run (field_missing, ...); null after a success.';

alter table public.integration_sync_state drop constraint integration_sync_state_pkey;
alter table public.integration_sync_state add primary key (integration_id, object);

alter table public.sync_runs
  add column object text not null default 'contact'
    check (object ~ '^[A-Za-z][A-Za-z0-9_]{0,79}$');
comment on column public.sync_runs.object is 'The object the run synced (see integration_sync_state.object).';
create index sync_runs_integration_object_idx on public.sync_runs (integration_id, object, started_at desc);

-- The contact object's row, created with the integration (the key now has two columns).
create or replace function app.create_sync_state() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into public.integration_sync_state (integration_id, business_id, object)
  values (new.id, new.business_id, 'contact')
  on conflict (integration_id, object) do nothing;
  return new;
end
$$;
comment on function app.create_sync_state() is
  'Trigger on integrations: creates its contact object''s sync state row. Definer because tenants cannot insert sync state.';

-- The contact object is always synced while the integration is (pause the integration to stop
-- it); its integration_objects row only carries its field mapping.
alter table public.integration_objects
  add constraint integration_objects_contact_enabled check (object <> 'contact' or enabled);

-- Enabling an object creates its sync state row (due now, with the integration's interval);
-- disabling or removing it deletes the row, so the sync stops and a later enable reads it all
-- again (the upsert never lets an older version win, so the re-read is safe). Changing the field
-- mapping or the source-record opt-in restarts the object's read from the beginning, which
-- backfills the new fields into records the sync already holds. Definer: tenants configure
-- objects (RLS on integration_objects checks they are owners or admins) but cannot write sync
-- state directly.
create or replace function app.sync_object_configuration() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    delete from public.integration_sync_state
     where integration_id = old.integration_id and object = old.object and object <> 'contact';
    return null;
  end if;
  if not new.enabled then
    delete from public.integration_sync_state
     where integration_id = new.integration_id and object = new.object and object <> 'contact';
    return null;
  end if;
  insert into public.integration_sync_state
    (integration_id, business_id, object, interval_minutes, sync_enabled, paused_reason)
  select new.integration_id, new.business_id, new.object, c.interval_minutes, c.sync_enabled,
         c.paused_reason
    from (select 1) one
    left join public.integration_sync_state c
      on c.integration_id = new.integration_id and c.object = 'contact'
  on conflict (integration_id, object) do nothing;
  if tg_op = 'UPDATE' and (new.field_mapping is distinct from old.field_mapping
                           or new.keep_source_record is distinct from old.keep_source_record) then
    update public.integration_sync_state
       set cursor = null, read_in_progress = false, read_started_at = null, next_sync_at = now()
     where integration_id = new.integration_id and object = new.object;
  end if;
  return null;
end
$$;
comment on function app.sync_object_configuration() is
  'Trigger on integration_objects: enabling creates the object''s sync state, disabling removes it, a mapping change re-reads it. Definer: tenants cannot write sync state.';
revoke all on function app.sync_object_configuration() from public;

create trigger integration_objects_sync_state
  after insert or update of enabled, field_mapping, keep_source_record or delete
  on public.integration_objects
  for each row execute function app.sync_object_configuration();

-- When an object's sync may be claimed: the one predicate claim_due_syncs and the fan-out's
-- count share, so the count never disagrees with what a claim would take.
create or replace function private.sync_due(
  p_sync_enabled boolean, p_paused_reason text, p_next_sync_at timestamptz,
  p_lease_expires_at timestamptz, p_status text, p_last_error_code text
) returns boolean
language sql stable
set search_path = ''
as $$
  select p_sync_enabled
     and p_paused_reason is null
     and p_next_sync_at <= now()
     and (p_lease_expires_at is null or p_lease_expires_at <= now())
     and private.sync_claimable(p_status, p_last_error_code)
$$;
comment on function private.sync_due(boolean, text, timestamptz, timestamptz, text, text) is
  'Whether an object sync is due and claimable now: enabled, not paused, due, unleased, integration syncable.';

-- Runs left `running` by a holder whose lease expired, for one object.
create or replace function private.abandon_stale_runs(p_integration_id uuid, p_object text)
returns void
language sql volatile security definer
set search_path = ''
as $$
  update public.sync_runs
     set status = 'abandoned', finished_at = now(),
         duration_ms = (extract(epoch from now() - started_at) * 1000)::integer,
         error_code = coalesce(error_code, 'lease_expired')
   where integration_id = p_integration_id and object = p_object and status = 'running'
$$;
comment on function private.abandon_stale_runs(uuid, text) is
  'Service only: closes the runs of an object sync whose holder died, called when it is claimed again.';

-- The claim now names the object.
drop function private.claim_due_syncs(text, integer, integer);
drop function private.claim_sync(uuid, text, integer);
drop function private.abandon_stale_runs(uuid);
drop type private.claimed_sync;

create type private.claimed_sync as (
  integration_id uuid,
  object text,
  business_id uuid,
  provider text,
  lease_owner text,
  cursor jsonb,
  read_in_progress boolean,
  initial_sync_completed_at timestamptz,
  consecutive_failures integer,
  interval_minutes integer
);
comment on type private.claimed_sync is 'A leased object sync, as claim_due_syncs and claim_sync return it.';

-- Claims up to p_limit due object syncs, oldest due first, skipping rows another transaction
-- has locked.
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
      select s.integration_id, s.object
        from public.integration_sync_state s
        join public.integrations i on i.id = s.integration_id
       where private.sync_due(s.sync_enabled, s.paused_reason, s.next_sync_at,
                              s.lease_expires_at, i.status, i.last_error_code)
       order by s.next_sync_at
       limit p_limit
         for update of s skip locked
    )
    update public.integration_sync_state s
       set lease_owner = p_owner,
           lease_expires_at = now() + make_interval(secs => p_lease_seconds),
           last_run_at = now()
      from due, public.integrations i
     where s.integration_id = due.integration_id and s.object = due.object
       and i.id = s.integration_id
    returning s.integration_id, s.object, s.business_id, i.provider, s.lease_owner, s.cursor,
              s.read_in_progress, s.initial_sync_completed_at, s.consecutive_failures,
              s.interval_minutes
  loop
    perform private.abandon_stale_runs(claimed.integration_id, claimed.object);
    return next claimed;
  end loop;
end
$$;
comment on function private.claim_due_syncs(text, integer, integer) is
  'Service only: leases up to p_limit due object syncs to p_owner (for update skip locked).';

-- Claims one object sync now, due or not (a manual "sync now"); nothing when it is leased,
-- paused or its integration is not in a state the sync may work.
create or replace function private.claim_sync(
  p_integration_id uuid, p_object text, p_owner text, p_lease_seconds integer
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
     and s.object = p_object
     and i.id = s.integration_id
     and s.paused_reason is null
     and (s.lease_expires_at is null or s.lease_expires_at <= now())
     and private.sync_claimable(i.status, i.last_error_code)
  returning s.integration_id, s.object, s.business_id, i.provider, s.lease_owner, s.cursor,
            s.read_in_progress, s.initial_sync_completed_at, s.consecutive_failures,
            s.interval_minutes
    into claimed;
  if found then
    perform private.abandon_stale_runs(claimed.integration_id, claimed.object);
    return next claimed;
  end if;
end
$$;
comment on function private.claim_sync(uuid, text, text, integer) is
  'Service only: leases one object sync to p_owner now, unless leased, paused or not syncable.';

-- The fan-out's count: the same predicate as the claim.
create or replace function private.sync_due_count(p_limit integer) returns integer
language sql stable
set search_path = ''
as $$
  select count(*)::integer from (
    select 1
      from public.integration_sync_state s
      join public.integrations i on i.id = s.integration_id
     where private.sync_due(s.sync_enabled, s.paused_reason, s.next_sync_at,
                            s.lease_expires_at, i.status, i.last_error_code)
     limit p_limit
  ) due
$$;
comment on function private.sync_due_count(integer) is
  'Due, claimable, unleased object syncs (as claim_due_syncs sees them), counted up to p_limit.';

revoke all on function private.sync_due(boolean, text, timestamptz, timestamptz, text, text),
  private.abandon_stale_runs(uuid, text),
  private.claim_due_syncs(text, integer, integer),
  private.claim_sync(uuid, text, text, integer),
  private.sync_due_count(integer)
  from public, anon, authenticated;
grant execute on function private.sync_due(boolean, text, timestamptz, timestamptz, text, text),
  private.abandon_stale_runs(uuid, text),
  private.claim_due_syncs(text, integer, integer),
  private.claim_sync(uuid, text, text, integer)
  to service_role;
revoke all on type private.claimed_sync from public;
grant usage on type private.claimed_sync to service_role;

-- Integration health stays one row per integration: the contact object's schedule and streak,
-- its last run. Per-object health is the next view.
create or replace view public.integration_health with (security_invoker = true) as
select
  i.id as integration_id,
  i.business_id,
  i.name,
  i.provider,
  i.status,
  s.sync_enabled,
  s.paused_reason,
  s.last_success_at,
  now() - s.last_success_at as lag,
  s.consecutive_failures as error_streak,
  s.next_sync_at,
  last_run.status as last_run_status,
  last_run.error_code as last_run_error_code,
  last_run.finished_at as last_run_finished_at,
  (select count(*) from public.contacts c
    where c.integration_id = i.id and c.deleted_at is null) as contacts_active,
  (select count(*) from public.contacts c
    where c.integration_id = i.id and c.deleted_at is not null) as contacts_deleted
from public.integrations i
left join public.integration_sync_state s on s.integration_id = i.id and s.object = 'contact'
left join lateral (
  select r.status, r.error_code, r.finished_at
  from public.sync_runs r
  where r.integration_id = i.id and r.object = 'contact'
  order by r.started_at desc
  limit 1
) last_run on true;
comment on view public.integration_health is
  'Per integration: its contact sync''s last success, lag, error streak, last run, contact counts. RLS of the caller applies.';

-- Per object: schedule, streak, last error and last run. security_invoker: the caller's RLS on
-- sync state and runs applies, so members see their own integrations' objects only.
create view public.object_sync_health with (security_invoker = true) as
select
  s.integration_id,
  s.business_id,
  s.object,
  s.sync_enabled,
  s.paused_reason,
  s.initial_sync_completed_at,
  s.last_success_at,
  now() - s.last_success_at as lag,
  s.consecutive_failures as error_streak,
  s.last_error_code,
  s.last_error,
  s.next_sync_at,
  last_run.status as last_run_status,
  last_run.error_code as last_run_error_code,
  last_run.finished_at as last_run_finished_at
from public.integration_sync_state s
left join lateral (
  select r.status, r.error_code, r.finished_at
  from public.sync_runs r
  where r.integration_id = s.integration_id and r.object = s.object
  order by r.started_at desc
  limit 1
) last_run on true;
comment on view public.object_sync_health is
  'Per integration and synced object: last success, lag, error streak and last error, last run. RLS of the caller applies.';
revoke all on public.object_sync_health from anon, authenticated;
grant select on public.object_sync_health to authenticated, service_role;
