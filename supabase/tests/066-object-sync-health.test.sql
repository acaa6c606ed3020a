-- Who may read public.object_sync_health (per-object schedule, streak, last error, last run):
-- a member reads their business's objects only, through the caller's RLS (security_invoker);
-- nobody writes through the view.
begin;
select plan(12);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Main org'),
  ('b1000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'salesforce', 'Main org');
insert into public.integration_objects (integration_id, business_id, object, enabled) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'Foo__c', true),
  ('b1000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'Account', true);
update public.integration_sync_state set last_error_code = 'field_missing', last_error = 'Bar__c is gone'
 where integration_id = 'a1000000-0000-4000-8000-00000000000a' and object = 'Foo__c';
insert into public.sync_runs (business_id, integration_id, object, trigger, status, error_code) values
  ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'Foo__c', 'cron', 'failed', 'field_missing');

select tests.authenticate_as_anon();
select is(tests.attempt($$ select 1 from public.object_sync_health $$), 'refused', 'anon cannot read object health');
select tests.clear_authentication();

select tests.authenticate_as('owner@b.test');
select is((select array_agg(object order by object) from public.object_sync_health), array['Account', 'contact'], 'another business''s owner sees only their own objects');
select is(tests.attempt($$ select 1 from public.object_sync_health where integration_id = 'a1000000-0000-4000-8000-00000000000a' $$), 'refused', 'and none of business A''s');
select tests.clear_authentication();

select tests.authenticate_as('member@a.test');
select is((select array_agg(object order by object) from public.object_sync_health), array['Foo__c', 'contact'], 'a member reads every object of their business');
select is((select last_error_code from public.object_sync_health where object = 'Foo__c'), 'field_missing', 'with the object''s own last error');
select is((select last_run_status from public.object_sync_health where object = 'Foo__c'), 'failed', 'and its own last run');
select is((select last_run_status from public.object_sync_health where object = 'contact'), null, 'which is not the contact object''s');
select throws_ok($$ update public.object_sync_health set last_error = null where object = 'Foo__c' $$, '55000', null, 'a member cannot write through the view (it is not updatable)');
select throws_ok($$ delete from public.object_sync_health where object = 'Foo__c' $$, '55000', null, 'nor delete through it');
select tests.clear_authentication();

select tests.authenticate_as('owner@a.test');
select throws_ok($$ update public.object_sync_health set last_error = null where object = 'Foo__c' $$, '55000', null, 'an owner cannot write through the view either');
select is(tests.attempt($$ update public.integration_sync_state set last_error = null where object = 'Foo__c' $$), 'refused', 'nor the sync state under it');
select is((select count(*)::int from public.object_sync_health), 2, 'an owner reads their two objects');
select tests.clear_authentication();

select * from finish();
rollback;
