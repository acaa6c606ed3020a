-- One synced object failing on its own (issue 11): a mapped field deleted in the org, no access
-- to the object, a bad mapping. The sync records an object_sync_failing event when such a streak
-- begins (the integration itself stays active and its other objects keep syncing), and the
-- business hears of it like of sync_failing: one signed alert per enabled webhook. The payload
-- names the object and the error (field_missing names the field), never a value of a record.

alter table public.alert_deliveries drop constraint alert_deliveries_event_type_check;
alter table public.alert_deliveries add constraint alert_deliveries_event_type_check
  check (event_type in ('reauth_required', 'sync_failing', 'sync_recovered', 'object_sync_failing',
                        'test'));

-- As in 20261125001720_alert_enqueue, with the summary of the new event. Definer, as before:
-- whoever records an event enqueues its alert, while tenants cannot write deliveries.
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
      when 'object_sync_failing' then format(
        'The sync of %s from "%s" fails (%s); its other objects keep syncing.',
        new.metadata ->> 'object', integration.name, new.metadata ->> 'error_code')
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

drop trigger integration_events_enqueue_alerts on public.integration_events;
create trigger integration_events_enqueue_alerts after insert on public.integration_events
  for each row when (new.type in ('reauth_required', 'sync_failing', 'sync_recovered',
                                  'object_sync_failing'))
  execute function private.enqueue_alert_deliveries();
