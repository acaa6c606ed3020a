-- Inbound provider webhooks (issue 12, point 3) turn into "sync this object now": the webhooks
-- function verifies a delivery, then hands its events here in one call, which
-- * remembers each event's key, so a retried or replayed delivery marks nothing twice;
-- * finds the integrations of the account each event names (HubSpot: the portal id the connect
--   flow stored in connection_metadata.portalId), and
-- * makes the named object's sync state due now. The poller stays the source of truth: a
--   webhook never writes records, it only moves a sync forward.
--
-- A change that arrives while the object's sync runs must not be lost when that run finishes
-- and schedules the next one an interval away (the run may have read past the changed record
-- before it changed, or the provider's search may not show it yet): sync_requested_at records
-- the ask, and a trigger keeps the object due when a run that started before the ask finishes.

-- Event keys seen, per provider. Service only (private schema, no grants): nobody reads it but
-- receive_webhook_events. Retention: providers retry a delivery for about a day (HubSpot: 10
-- attempts over ~24 h), so keys older than three days can never dedupe anything and a daily
-- job deletes them (below).
create table private.webhook_events (
  provider text not null,
  event_key text not null check (length(event_key) between 1 and 200),
  received_at timestamptz not null default now(),
  primary key (provider, event_key)
);
comment on table private.webhook_events is
  'Keys of provider webhook events already received (dedupe of retries and replays); pruned after three days.';
create index webhook_events_received_at_idx on private.webhook_events (received_at);
revoke all on private.webhook_events from public, anon, authenticated, service_role;

-- When an event asked for the object's sync last; compared with last_run_at (set when a run
-- claims the object) by the trigger below.
alter table public.integration_sync_state add column sync_requested_at timestamptz;
comment on column public.integration_sync_state.sync_requested_at is
  'When a provider webhook last asked for this object to sync now; a run claimed before it leaves the object due.';

-- Integrations are found by an account id inside connection_metadata (portalId for HubSpot,
-- another key for other providers): one GIN index serves `connection_metadata @> {key: id}`
-- for every provider's key.
create index integrations_connection_metadata_idx on public.integrations
  using gin (connection_metadata jsonb_path_ops);

-- Definer: the webhooks function acts for no tenant and cannot write sync state or read the
-- dedupe table directly; this is the one thing it may do. Service role only.
--
-- p_events: [{"key": text, "account": text, "object": text | null}]; object null for events of
-- nothing we sync (they are remembered, and otherwise ignored). p_account_key names the
-- connection_metadata field that holds the account id. Objects in failure backoff are not
-- pulled forward (a webhook flood must not hammer a broken sync); their ask is still recorded.
create or replace function private.receive_webhook_events(
  p_provider text, p_account_key text, p_events jsonb
) returns table (received integer, duplicates integer, objects_marked integer,
                 unknown_accounts text[])
language sql volatile security definer
set search_path = ''
as $$
  with batch as (
    select e.key as event_key, e.account, e.object
      from jsonb_to_recordset(p_events) as e(key text, account text, object text)
  ),
  -- Keys never seen before; the rest are retries or replays and mark nothing.
  fresh as (
    insert into private.webhook_events (provider, event_key)
    select distinct p_provider, b.event_key from batch b
    on conflict (provider, event_key) do nothing
    returning event_key
  ),
  accounts as (
    select a.account, i.id as integration_id
      from (select distinct account from batch) a
      left join public.integrations i
        on i.provider = p_provider
       and i.connection_metadata @> jsonb_build_object(p_account_key, a.account)
       and i.status <> 'disconnected'
  ),
  wanted as (
    select distinct a.integration_id, b.object
      from batch b
      join fresh f on f.event_key = b.event_key
      join accounts a on a.account = b.account and a.integration_id is not null
     where b.object is not null
  ),
  marked as (
    update public.integration_sync_state s
       set sync_requested_at = now(),
           next_sync_at = case when s.consecutive_failures = 0
                               then least(s.next_sync_at, now()) else s.next_sync_at end
      from wanted w
     where s.integration_id = w.integration_id and s.object = w.object
    returning 1
  )
  select (select count(*)::integer from batch),
         (select count(*)::integer from batch b
           where not exists (select 1 from fresh f where f.event_key = b.event_key)),
         (select count(*)::integer from marked),
         (select coalesce(array_agg(a.account order by a.account), '{}')
            from accounts a where a.integration_id is null)
$$;
comment on function private.receive_webhook_events(text, text, jsonb) is
  'Service only: records webhook event keys (dedupe) and makes the named objects of the named accounts'' integrations due now. Definer: the caller acts for no tenant.';
revoke all on function private.receive_webhook_events(text, text, jsonb)
  from public, anon, authenticated;
grant execute on function private.receive_webhook_events(text, text, jsonb) to service_role;

-- A run finishing (or failing) schedules the object's next sync; when a webhook asked for it
-- after that run was claimed, the object stays due, unless the run failed (its backoff holds).
-- Runs as the writer (not a definer): it only adjusts the row being written.
create or replace function app.keep_requested_sync_due() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.sync_requested_at is not null
     and new.next_sync_at > now()
     and new.consecutive_failures = 0
     and new.sync_requested_at > coalesce(new.last_run_at, '-infinity') then
    new.next_sync_at := now();
  end if;
  return new;
end
$$;
comment on function app.keep_requested_sync_due() is
  'Trigger on integration_sync_state: a webhook''s ask that came after the running sync was claimed keeps the object due when that run reschedules it.';
revoke all on function app.keep_requested_sync_due() from public;

create trigger integration_sync_state_keep_requested_due
  before update of next_sync_at on public.integration_sync_state
  for each row execute function app.keep_requested_sync_due();

-- Delete keys that no retry can repeat any more.
create or replace function private.prune_webhook_events() returns void
language sql volatile security definer
set search_path = ''
as $$
  delete from private.webhook_events where received_at < now() - interval '3 days'
$$;
comment on function private.prune_webhook_events() is
  'Deletes webhook event keys older than three days (providers stop retrying after about one). Run daily by pg_cron.';
revoke all on function private.prune_webhook_events() from public, anon, authenticated;

select cron.schedule(
  'prune-webhook-events',
  '41 3 * * *',
  $job$ select private.prune_webhook_events() $job$
);
