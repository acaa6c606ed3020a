-- Who may do what to public.crm_records (generic synced records of any object): members read
-- their business's records only, no tenant writes, the service role (the sync) does; records
-- are unique per (integration, object, source id) and belong to their integration.
begin;
select plan(34);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Main org'),
  ('b1000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'salesforce', 'Main org');
insert into public.crm_records (id, business_id, integration_id, object, source_id, data) values
  ('a6000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'Foo__c', 'a00000000000001AAA', '{"bar": 1}'),
  (default, 'a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'Event', '00U000000000001AAA', '{}'),
  (default, 'b0000000-0000-4000-8000-00000000000b', 'b1000000-0000-4000-8000-00000000000b', 'Foo__c', 'a00000000000002AAA', '{"bar": 2}');
create temporary table stmt (name text primary key, sql text) on commit drop;
grant select on stmt to anon, authenticated, service_role;
insert into stmt values
  ('crm_records:read', $$ select 1 from public.crm_records where id = 'a6000000-0000-4000-8000-00000000000a' $$),
  ('crm_records:insert', $$ insert into public.crm_records (business_id, integration_id, object, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'Foo__c', 'a00000000000009AAA') $$),
  ('crm_records:update', $$ update public.crm_records set data = '{"bar": 9}' where id = 'a6000000-0000-4000-8000-00000000000a' $$),
  ('crm_records:delete', $$ delete from public.crm_records where id = 'a6000000-0000-4000-8000-00000000000a' $$);

-- crm_records: the tenant matrix, then the service role
select tests.authenticate_as_anon();
select is(tests.attempt((select sql from stmt where name = 'crm_records:read')), 'refused', 'anon cannot read the business''s generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:insert')), 'refused', 'anon cannot insert generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:update')), 'refused', 'anon cannot change generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:delete')), 'refused', 'anon cannot delete generic records');
select tests.clear_authentication();
select tests.authenticate_as('owner@b.test');
select is(tests.attempt((select sql from stmt where name = 'crm_records:read')), 'refused', 'another business''s owner cannot read the business''s generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:insert')), 'refused', 'another business''s owner cannot insert generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:update')), 'refused', 'another business''s owner cannot change generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:delete')), 'refused', 'another business''s owner cannot delete generic records');
select tests.clear_authentication();
select tests.authenticate_as('member@a.test');
select is(tests.attempt((select sql from stmt where name = 'crm_records:read')), 'allowed', 'a member can read the business''s generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:insert')), 'refused', 'a member cannot insert generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:update')), 'refused', 'a member cannot change generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:delete')), 'refused', 'a member cannot delete generic records');
select tests.clear_authentication();
select tests.authenticate_as('admin@a.test');
select is(tests.attempt((select sql from stmt where name = 'crm_records:read')), 'allowed', 'an admin can read the business''s generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:insert')), 'refused', 'an admin cannot insert generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:update')), 'refused', 'an admin cannot change generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:delete')), 'refused', 'an admin cannot delete generic records');
select tests.clear_authentication();
select tests.authenticate_as('owner@a.test');
select is(tests.attempt((select sql from stmt where name = 'crm_records:read')), 'allowed', 'an owner can read the business''s generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:insert')), 'refused', 'an owner cannot insert generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:update')), 'refused', 'an owner cannot change generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:delete')), 'refused', 'an owner cannot delete generic records');
select tests.clear_authentication();
set local role service_role;
select is(tests.attempt((select sql from stmt where name = 'crm_records:read')), 'allowed', 'the service (the sync) can read the business''s generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:insert')), 'allowed', 'the service (the sync) can insert generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:update')), 'allowed', 'the service (the sync) can change generic records');
select is(tests.attempt((select sql from stmt where name = 'crm_records:delete')), 'allowed', 'the service (the sync) can delete generic records');
reset role;
select tests.authenticate_as('member@a.test');
select is((select count(*)::int from public.crm_records), 2, 'a member reads the business''s two generic records');
select is((select count(*)::int from public.crm_records where business_id <> 'a0000000-0000-4000-8000-00000000000a'), 0, 'and none of another business');
select tests.clear_authentication();
select tests.authenticate_as('owner@b.test');
select is((select array_agg(data->>'bar') from public.crm_records), array['2'], 'another business''s owner reads only their own record');
select is(tests.attempt($$ select 1 from public.crm_records where object = 'Event' $$), 'refused', 'and not A''s Event');
select tests.clear_authentication();
select throws_ok($$ insert into public.crm_records (business_id, integration_id, object, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'Foo__c', 'a00000000000001AAA') $$, '23505', null, 'one record per integration, object and source id');
select lives_ok($$ insert into public.crm_records (business_id, integration_id, object, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'Bar__c', 'a00000000000001AAA') $$, 'the same source id under another object is another record');
select throws_ok($$ insert into public.crm_records (business_id, integration_id, object, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'b1000000-0000-4000-8000-00000000000b', 'Foo__c', 'a00000000000003AAA') $$, '23503', null, 'a record cannot name another business''s integration');
select throws_ok($$ insert into public.crm_records (business_id, integration_id, object, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'Foo__c; drop', 'x') $$, '23514', null, 'object is an API name');
select throws_ok($$ insert into public.crm_records (business_id, integration_id, object, source_id, data) values ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'Foo__c', 'y', '[1]') $$, '23514', null, 'data is a JSON object');
delete from public.integrations where id = 'a1000000-0000-4000-8000-00000000000a';
select is((select count(*)::int from public.crm_records where business_id = 'a0000000-0000-4000-8000-00000000000a'), 0, 'deleting the integration deletes its generic records');

select * from finish();
rollback;
