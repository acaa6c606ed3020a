-- What configuring an object does (issue 11): enabling creates the object's sync state (with the
-- integration's interval, due now), disabling or removing the configuration deletes it, a
-- changed mapping or source-record opt-in restarts the read while an unchanged one (an
-- idempotent PUT) does not, and the contact object cannot be disabled. Owners and admins do all
-- of it through the Data API, without any grant on sync state.
begin;
select plan(16);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Main org');
update public.integration_sync_state set interval_minutes = 30
 where integration_id = 'a1000000-0000-4000-8000-00000000000a';

select tests.authenticate_as('admin@a.test');
insert into public.integration_objects (integration_id, business_id, object, enabled) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'Foo__c', false);
select tests.clear_authentication();
select is((select count(*)::int from public.integration_sync_state where object = 'Foo__c'), 0, 'a configuration that is not enabled creates no sync state');

select tests.authenticate_as('admin@a.test');
update public.integration_objects set enabled = true
 where integration_id = 'a1000000-0000-4000-8000-00000000000a' and object = 'Foo__c';
select tests.clear_authentication();
select is((select interval_minutes from public.integration_sync_state where object = 'Foo__c'), 30, 'enabling creates the object''s sync state with the integration''s interval');
select ok((select next_sync_at <= now() and cursor is null from public.integration_sync_state where object = 'Foo__c'), 'due now, read from the beginning');

-- The sync has read part of the object.
update public.integration_sync_state
   set cursor = '{"modstamp": "2026-01-01T00:00:00Z", "id": "a00000000000001AAA"}',
       read_in_progress = true, next_sync_at = now() + interval '1 hour'
 where object = 'Foo__c';

select tests.authenticate_as('admin@a.test');
update public.integration_objects set enabled = true, field_mapping = '{}', keep_source_record = false
 where integration_id = 'a1000000-0000-4000-8000-00000000000a' and object = 'Foo__c';
select tests.clear_authentication();
select isnt((select cursor from public.integration_sync_state where object = 'Foo__c'), null, 'the same configuration written again keeps the cursor (an idempotent PUT)');

select tests.authenticate_as('admin@a.test');
update public.integration_objects set field_mapping = '{"Bar__c": "bar"}'
 where integration_id = 'a1000000-0000-4000-8000-00000000000a' and object = 'Foo__c';
select tests.clear_authentication();
select is((select cursor from public.integration_sync_state where object = 'Foo__c'), null, 'a mapping change restarts the read');
select ok((select not read_in_progress and next_sync_at <= now() from public.integration_sync_state where object = 'Foo__c'), 'and makes the object due now');

update public.integration_sync_state set cursor = '{"modstamp": "2026-01-01T00:00:00Z", "id": "a00000000000001AAA"}'
 where object = 'Foo__c';
select tests.authenticate_as('owner@a.test');
update public.integration_objects set keep_source_record = true
 where integration_id = 'a1000000-0000-4000-8000-00000000000a' and object = 'Foo__c';
select tests.clear_authentication();
select is((select cursor from public.integration_sync_state where object = 'Foo__c'), null, 'opting in to the source record restarts the read too');

select tests.authenticate_as('admin@a.test');
update public.integration_objects set enabled = false
 where integration_id = 'a1000000-0000-4000-8000-00000000000a' and object = 'Foo__c';
select tests.clear_authentication();
select is((select count(*)::int from public.integration_sync_state where object = 'Foo__c'), 0, 'disabling deletes the object''s sync state');

select tests.authenticate_as('admin@a.test');
insert into public.integration_objects (integration_id, business_id, object, enabled) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'Task', true);
select tests.clear_authentication();
select is((select count(*)::int from public.integration_sync_state where object = 'Task'), 1, 'inserting an enabled configuration creates the sync state');
select tests.authenticate_as('admin@a.test');
delete from public.integration_objects
 where integration_id = 'a1000000-0000-4000-8000-00000000000a' and object = 'Task';
select tests.clear_authentication();
select is((select count(*)::int from public.integration_sync_state where object = 'Task'), 0, 'removing the configuration deletes it');

-- The contact object: always synced while the integration is.
select tests.authenticate_as('admin@a.test');
select throws_ok($$ insert into public.integration_objects (integration_id, business_id, object, enabled) values ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'contact', false) $$, '23514', null, 'the contact object cannot be configured disabled');
select lives_ok($$ insert into public.integration_objects (integration_id, business_id, object, enabled, field_mapping) values ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'contact', true, '{"Nickname__c": "nickname"}') $$, 'its configuration carries a field mapping');
select throws_ok($$ update public.integration_objects set enabled = false where integration_id = 'a1000000-0000-4000-8000-00000000000a' and object = 'contact' $$, '23514', null, 'and cannot be disabled later');
select tests.clear_authentication();
select tests.authenticate_as('owner@a.test');
delete from public.integration_objects
 where integration_id = 'a1000000-0000-4000-8000-00000000000a' and object = 'contact';
select tests.clear_authentication();
select is((select count(*)::int from public.integration_sync_state where integration_id = 'a1000000-0000-4000-8000-00000000000a' and object = 'contact'), 1, 'removing the contact''s configuration keeps its sync state (only the mapping goes)');

-- A member configures nothing, so creates no sync state.
select tests.authenticate_as('member@a.test');
select is(tests.attempt($$ insert into public.integration_objects (integration_id, business_id, object, enabled) values ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'Event', true) $$), 'refused', 'a member cannot enable an object');
select tests.clear_authentication();
select is((select count(*)::int from public.integration_sync_state where object = 'Event'), 0, 'so no sync state appears');

select * from finish();
rollback;
