-- Alert enqueueing: every lifecycle event that a business should hear about (reauth_required,
-- sync_failing, sync_recovered) becomes one pending alert_deliveries row per enabled webhook of
-- that business, in the same transaction as the event. Enqueueing at the database, not in each
-- code path that records an event, means the refresh path and the sync engine cannot forget an
-- alert, and an event rolled back sends nothing. Delivery itself (signing, POST, retries) is the
-- edge functions' job (_shared/alerts/deliver.ts); this file also widens the delivery log so it
-- keeps every attempt, and adds the `test` event that owners send to check their endpoint.

-- A `test` event is sent on request from the alerts function; it has no integration.
alter table public.alert_deliveries drop constraint alert_deliveries_event_type_check;
alter table public.alert_deliveries add constraint alert_deliveries_event_type_check
  check (event_type in ('reauth_required', 'sync_failing', 'sync_recovered', 'test'));

-- last_status_code/last_error show only the latest attempt; owners debugging an endpoint need
-- the whole story. Bounded by the maximum number of attempts, so a column beats a table.
alter table public.alert_deliveries
  add column attempt_log jsonb not null default '[]'
    check (jsonb_typeof(attempt_log) = 'array');
comment on column public.alert_deliveries.attempt_log is
  'One entry per delivery attempt: attempt, at, status_code, error, duration_ms. Never a secret or signature.';

-- Metadata is documented as secret-free, but an alert leaves our system: strip, at any depth,
-- every key that names a credential, so a careless metadata field can never reach a receiver.
create or replace function private.alert_safe_metadata(p_value jsonb) returns jsonb
language sql immutable
set search_path = ''
as $$
  select case jsonb_typeof(p_value)
    when 'object' then (
      select coalesce(jsonb_object_agg(e.key, private.alert_safe_metadata(e.value)), '{}'::jsonb)
      from jsonb_each(p_value) e
      where e.key !~* '(token|secret|password|passwd|verifier|authorization|api_?key|private_key|cookie|signature)'
        and lower(e.key) not in ('code', 'state', 'jwt')
    )
    when 'array' then (
      select coalesce(jsonb_agg(private.alert_safe_metadata(e.value) order by e.ordinality), '[]'::jsonb)
      from jsonb_array_elements(p_value) with ordinality e
    )
    else p_value
  end
$$;
comment on function private.alert_safe_metadata(jsonb) is
  'Event metadata without any key that names a credential (recursive), for alert payloads.';
revoke all on function private.alert_safe_metadata(jsonb) from public, anon, authenticated;

-- The trigger runs as definer so that whoever records an event (service_role today, another
-- definer function tomorrow) enqueues the alert, while tenants still cannot write deliveries:
-- they have no insert grant on alert_deliveries and cannot insert events either.
create or replace function private.enqueue_alert_deliveries() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  integration record;
  payload jsonb;
begin
  select i.id, i.name, i.provider, i.status into integration
    from public.integrations i where i.id = new.integration_id;

  payload := jsonb_build_object(
    'id', 'evt_' || new.id,
    'type', new.type,
    'created_at', to_char(new.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'business_id', new.business_id,
    'summary', case new.type
      when 'reauth_required' then format(
        'The %s connection "%s" was revoked or expired; an admin must connect it again.',
        integration.provider, integration.name)
      when 'sync_failing' then format('The sync of "%s" keeps failing.', integration.name)
      when 'sync_recovered' then format('The sync of "%s" works again.', integration.name)
    end,
    'integration', jsonb_build_object(
      'id', integration.id, 'name', integration.name,
      'provider', integration.provider, 'status', integration.status),
    'data', private.alert_safe_metadata(new.metadata)
  );

  insert into public.alert_deliveries (business_id, webhook_id, integration_id, event_type, payload)
  select new.business_id, w.id, new.integration_id, new.type, payload
    from public.alert_webhooks w
   where w.business_id = new.business_id and w.enabled;
  return null;
end
$$;
comment on function private.enqueue_alert_deliveries() is
  'Trigger on integration_events: one pending alert delivery per enabled webhook of the event''s business. Runs as definer.';
revoke all on function private.enqueue_alert_deliveries() from public, anon, authenticated;

-- The WHEN clause keeps every other event type (token_refreshed runs often) free of any cost.
create trigger integration_events_enqueue_alerts after insert on public.integration_events
  for each row when (new.type in ('reauth_required', 'sync_failing', 'sync_recovered'))
  execute function private.enqueue_alert_deliveries();

-- The alerts function answers "not yours" (404) and "yours, but not an admin" (403) differently,
-- as for business-scoped routes. RLS hides a webhook from members entirely, so this helper tells
-- a member which business a webhook belongs to; it reveals nothing to anyone else.
create or replace function app.alert_webhook_business(p_webhook_id uuid) returns uuid
language sql stable security definer
set search_path = ''
as $$
  select w.business_id from public.alert_webhooks w
   where w.id = p_webhook_id and app.is_member(w.business_id)
$$;
comment on function app.alert_webhook_business(uuid) is
  'The business of a webhook when the caller is a member of it, else null. Used to tell 403 from 404.';
revoke all on function app.alert_webhook_business(uuid) from public, anon;
grant execute on function app.alert_webhook_business(uuid) to authenticated, service_role;
