-- Alert enqueueing: a reauth_required, sync_failing or sync_recovered event queues one delivery
-- per enabled webhook of its own business, with a payload free of secrets; other event types,
-- disabled webhooks and other businesses' webhooks get nothing. Plus the 403/404 helper.
begin;
select plan(18);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name, status) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'A org', 'error'),
  ('b1000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'salesforce', 'B org', 'active');
insert into public.alert_webhooks (id, business_id, url, enabled) values
  ('a2000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-00000000000a', 'https://one.a.test/hook', true),
  ('a2000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-00000000000a', 'https://two.a.test/hook', true),
  ('a2000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-00000000000a', 'https://off.a.test/hook', false),
  ('b2000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-00000000000b', 'https://b.test/hook', true);

-- Events are recorded by the service, as the refresh path and the sync engine do.
set local role service_role;
insert into public.integration_events (business_id, integration_id, type, metadata) values
  ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'token_refreshed', '{}'),
  ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'connected', '{}');
select is((select count(*)::int from public.alert_deliveries), 0, 'events of other types enqueue nothing');

insert into public.integration_events (business_id, integration_id, type, metadata) values
  ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'reauth_required',
   '{"provider_error": "invalid_grant", "refresh_token": "5Aep-LEAKED", "nested": {"access_token": "00D-LEAKED", "keep": 1}, "code": "LEAKED"}');
select is((select count(*)::int from public.alert_deliveries), 2, 'a reauth_required event enqueues one delivery per enabled webhook');
select set_eq(
  $$ select webhook_id from public.alert_deliveries $$,
  array['a2000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000002']::uuid[],
  'the enabled webhooks of the event''s business, and only those');
select is((select count(*)::int from public.alert_deliveries where webhook_id = 'a2000000-0000-4000-8000-000000000003'), 0,
  'a disabled webhook gets nothing');
select is((select count(*)::int from public.alert_deliveries where business_id = 'b0000000-0000-4000-8000-00000000000b'), 0,
  'another business''s webhooks get nothing');
select ok((select bool_and(status = 'pending' and attempts = 0 and next_attempt_at <= now() and attempt_log = '[]'
                           and event_type = 'reauth_required' and integration_id = 'a1000000-0000-4000-8000-00000000000a')
             from public.alert_deliveries),
  'deliveries start pending, due now, with no attempts');

select is(
  (select payload - 'id' - 'created_at' from public.alert_deliveries limit 1),
  jsonb_build_object(
    'type', 'reauth_required',
    'business_id', 'a0000000-0000-4000-8000-00000000000a',
    'summary', 'The salesforce connection "A org" was revoked or expired; an admin must connect it again.',
    'integration', jsonb_build_object('id', 'a1000000-0000-4000-8000-00000000000a', 'name', 'A org',
                                      'provider', 'salesforce', 'status', 'error'),
    'data', '{"provider_error": "invalid_grant", "nested": {"keep": 1}}'::jsonb),
  'the payload names the event, business and integration, and keeps only non-secret metadata');
select is((select count(distinct payload)::int from public.alert_deliveries), 1,
  'every webhook gets the same event, so receivers can deduplicate by its id');
select matches((select payload ->> 'id' from public.alert_deliveries limit 1), '^evt_[0-9]+$', 'the event id is evt_<n>');
select matches((select payload ->> 'created_at' from public.alert_deliveries limit 1),
  '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$', 'created_at is ISO 8601 in UTC');
select ok((select bool_and(payload::text !~ 'LEAKED') from public.alert_deliveries), 'no credential reaches a payload');

insert into public.integration_events (business_id, integration_id, type) values
  ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'sync_failing'),
  ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'sync_recovered'),
  ('b0000000-0000-4000-8000-00000000000b', 'b1000000-0000-4000-8000-00000000000b', 'sync_failing');
select is((select count(*)::int from public.alert_deliveries where business_id = 'a0000000-0000-4000-8000-00000000000a'), 6,
  'sync_failing and sync_recovered enqueue too');
select is((select count(*)::int from public.alert_deliveries where business_id = 'b0000000-0000-4000-8000-00000000000b'), 1,
  'each business hears of its own events');
select lives_ok($$ insert into public.alert_deliveries (business_id, webhook_id, event_type, payload)
                   values ('a0000000-0000-4000-8000-00000000000a', 'a2000000-0000-4000-8000-000000000001', 'test', '{}') $$,
  'the service may queue a test event');
reset role;

select tests.authenticate_as('owner@a.test');
select is(tests.attempt($$ insert into public.alert_deliveries (business_id, webhook_id, event_type, payload)
                           values ('a0000000-0000-4000-8000-00000000000a', 'a2000000-0000-4000-8000-000000000001', 'test', '{}') $$),
  'refused', 'an owner cannot forge a delivery');
select is(app.alert_webhook_business('a2000000-0000-4000-8000-000000000001'), 'a0000000-0000-4000-8000-00000000000a'::uuid,
  'an owner learns a webhook''s business');
select tests.clear_authentication();

select tests.authenticate_as('member@a.test');
select is(app.alert_webhook_business('a2000000-0000-4000-8000-000000000001'), 'a0000000-0000-4000-8000-00000000000a'::uuid,
  'a member learns which of their business''s webhooks exist (so the API can answer 403)');
select tests.clear_authentication();

select tests.authenticate_as('owner@b.test');
select is(app.alert_webhook_business('a2000000-0000-4000-8000-000000000001'), null,
  'another business''s owner learns nothing of A''s webhooks');
select tests.clear_authentication();

select * from finish();
rollback;
