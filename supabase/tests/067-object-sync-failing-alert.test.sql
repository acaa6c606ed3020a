-- An object_sync_failing event (one synced object fails on its own) queues one delivery per
-- enabled webhook of its business, naming the object and the error; other businesses hear
-- nothing, and tenants still cannot forge one.
begin;
select plan(5);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name, status) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'A org', 'active');
insert into public.alert_webhooks (id, business_id, url, enabled) values
  ('a2000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-00000000000a', 'https://one.a.test/hook', true),
  ('a2000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-00000000000a', 'https://off.a.test/hook', false),
  ('b2000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-00000000000b', 'https://b.test/hook', true);

set local role service_role;
insert into public.integration_events (business_id, integration_id, type, metadata) values
  ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'object_sync_failing',
   '{"object": "Foo__c", "error_code": "field_missing", "error": "Foo__c.Gone__c no longer exists", "consecutive_failures": 1}');
select is((select count(*)::int from public.alert_deliveries), 1,
  'one delivery per enabled webhook of the event''s business');
select is((select event_type from public.alert_deliveries), 'object_sync_failing', 'its type');
select is((select payload ->> 'summary' from public.alert_deliveries),
  'The sync of Foo__c from "A org" fails (field_missing); its other objects keep syncing.',
  'the summary names the object and the error');
select is((select payload -> 'data' ->> 'error' from public.alert_deliveries),
  'Foo__c.Gone__c no longer exists', 'the data names the missing field');
reset role;

select tests.authenticate_as('owner@a.test');
select is(tests.attempt($$ insert into public.alert_deliveries (business_id, webhook_id, event_type, payload)
                           values ('a0000000-0000-4000-8000-00000000000a', 'a2000000-0000-4000-8000-000000000001', 'object_sync_failing', '{}') $$),
  'refused', 'an owner cannot forge one');
select tests.clear_authentication();

select * from finish();
rollback;
