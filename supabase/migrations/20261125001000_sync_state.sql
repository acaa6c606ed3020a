-- Sync bookkeeping: per integration, when it syncs next, who holds its lease, where its cursor
-- stands and how many runs failed in a row; per run, what it did. Members read both (health is
-- not secret); owners and admins may pause a sync or change its interval; everything else is
-- written by the sync-cron function as the service. A view sums it up as integration_health.

create table public.integration_sync_state (
  integration_id uuid primary key references public.integrations (id) on delete cascade,
  business_id uuid not null references public.businesses (id) on delete cascade,
  sync_enabled boolean not null default true,
  interval_minutes integer not null default 15 check (interval_minutes between 1 and 1440),
  next_sync_at timestamptz not null default now(),
  lease_owner text,
  lease_expires_at timestamptz,
  -- Salesforce: {"modstamp": "<SystemModstamp>", "id": "<Id>"}; null until a first page lands.
  cursor jsonb,
  initial_sync_completed_at timestamptz,
  consecutive_failures integer not null default 0,
  last_run_at timestamptz,
  last_success_at timestamptz,
  paused_reason text,
  updated_at timestamptz not null default now()
);
comment on table public.integration_sync_state is
  'Schedule, lease and cursor of each integration''s sync. Written by the sync; owners/admins set enabled and interval.';
create index integration_sync_state_due_idx on public.integration_sync_state (next_sync_at)
  where sync_enabled;
create index integration_sync_state_business_idx on public.integration_sync_state (business_id);
create trigger integration_sync_state_set_updated_at before update on public.integration_sync_state
  for each row execute function app.set_updated_at();

-- Every integration gets its sync state row when it is created.
create or replace function app.create_sync_state() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into public.integration_sync_state (integration_id, business_id)
  values (new.id, new.business_id)
  on conflict (integration_id) do nothing;
  return new;
end
$$;
comment on function app.create_sync_state() is
  'Trigger on integrations: creates its sync state row. Definer because tenants cannot insert sync state.';
revoke all on function app.create_sync_state() from public;
create trigger integrations_create_sync_state after insert on public.integrations
  for each row execute function app.create_sync_state();

revoke all on public.integration_sync_state from anon, authenticated;
grant select on public.integration_sync_state to authenticated;
grant update (sync_enabled, interval_minutes) on public.integration_sync_state to authenticated;
grant all on public.integration_sync_state to service_role;
alter table public.integration_sync_state enable row level security;

create policy "Members can read their business's sync state" on public.integration_sync_state
  for select to authenticated using (app.is_member(business_id));
comment on policy "Members can read their business's sync state" on public.integration_sync_state is
  'The team can see when its data last synced and when it syncs next.';

create policy "Owners and admins can pause or reschedule syncs" on public.integration_sync_state
  for update to authenticated
  using (app.has_role(business_id, array['owner', 'admin']))
  with check (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can pause or reschedule syncs" on public.integration_sync_state is
  'Only the enabled flag and the interval are granted; leases and cursors stay the sync''s.';

create table public.sync_runs (
  id bigint generated always as identity primary key,
  business_id uuid not null references public.businesses (id) on delete cascade,
  integration_id uuid not null references public.integrations (id) on delete cascade,
  trigger text not null check (trigger in ('cron', 'manual')),
  status text not null default 'running'
    check (status in ('running', 'succeeded', 'partial', 'failed', 'abandoned')),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  duration_ms integer,
  pages integer not null default 0,
  records_upserted integer not null default 0,
  records_deleted integer not null default 0,
  api_calls integer not null default 0,
  error_code text,
  error text
);
comment on table public.sync_runs is
  'One row per sync run: what it fetched and wrote, how long it took, how it ended. partial = budget ran out, resumes next run.';
create index sync_runs_integration_idx on public.sync_runs (integration_id, started_at desc);
create index sync_runs_business_idx on public.sync_runs (business_id, started_at desc);

revoke all on public.sync_runs from anon, authenticated;
grant select on public.sync_runs to authenticated;
grant all on public.sync_runs to service_role;
alter table public.sync_runs enable row level security;

create policy "Members can read their business's sync runs" on public.sync_runs
  for select to authenticated using (app.is_member(business_id));
comment on policy "Members can read their business's sync runs" on public.sync_runs is
  'Run history is the team''s own; written by the sync only.';

-- Health at a glance. security_invoker, so the caller's RLS on each table applies: members see
-- their own integrations' health and nothing else.
create view public.integration_health with (security_invoker = true) as
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
left join public.integration_sync_state s on s.integration_id = i.id
left join lateral (
  select r.status, r.error_code, r.finished_at
  from public.sync_runs r
  where r.integration_id = i.id
  order by r.started_at desc
  limit 1
) last_run on true;
comment on view public.integration_health is
  'Per integration: last success, lag, error streak, last run, record counts. RLS of the caller applies.';
revoke all on public.integration_health from anon, authenticated;
grant select on public.integration_health to authenticated, service_role;
