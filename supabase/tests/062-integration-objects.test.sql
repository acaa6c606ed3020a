-- Who may do what to public.integration_objects (which objects an integration syncs, field
-- mapping): members read, owners and admins configure, other businesses see nothing, the
-- describe cache is the server's (a private table), and the integration must be the row's
-- business's.
begin;
select plan(33);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Main org'),
  ('b1000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'salesforce', 'Main org');
insert into public.integration_objects (integration_id, business_id, object, enabled, field_mapping) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'Account', true, '{}'),
  ('b1000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'Foo__c', true, '{"Bar__c": "bar"}');
insert into private.describe_cache (integration_id, scope, body) values
  ('a1000000-0000-4000-8000-00000000000a', 'Account', '{"fields": []}');
create temporary table stmt (name text primary key, sql text) on commit drop;
grant select on stmt to anon, authenticated, service_role;
insert into stmt values
  ('integration_objects:read', $$ select 1 from public.integration_objects where integration_id = 'a1000000-0000-4000-8000-00000000000a' and object = 'Account' $$),
  ('integration_objects:insert', $$ insert into public.integration_objects (integration_id, business_id, object, enabled, field_mapping) values ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'Foo__c', true, '{"Bar__c": "bar"}') $$),
  ('integration_objects:update', $$ update public.integration_objects set enabled = false, field_mapping = '{"Industry": "industry"}' where integration_id = 'a1000000-0000-4000-8000-00000000000a' and object = 'Account' $$),
  ('integration_objects:delete', $$ delete from public.integration_objects where integration_id = 'a1000000-0000-4000-8000-00000000000a' and object = 'Account' $$);

-- integration_objects: the tenant matrix, then the service role
select tests.authenticate_as_anon();
select is(tests.attempt((select sql from stmt where name = 'integration_objects:read')), 'refused', 'anon cannot read the business''s object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:insert')), 'refused', 'anon cannot insert object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:update')), 'refused', 'anon cannot change object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:delete')), 'refused', 'anon cannot delete object configuration');
select tests.clear_authentication();
select tests.authenticate_as('owner@b.test');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:read')), 'refused', 'another business''s owner cannot read the business''s object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:insert')), 'refused', 'another business''s owner cannot insert object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:update')), 'refused', 'another business''s owner cannot change object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:delete')), 'refused', 'another business''s owner cannot delete object configuration');
select tests.clear_authentication();
select tests.authenticate_as('member@a.test');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:read')), 'allowed', 'a member can read the business''s object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:insert')), 'refused', 'a member cannot insert object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:update')), 'refused', 'a member cannot change object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:delete')), 'refused', 'a member cannot delete object configuration');
select tests.clear_authentication();
select tests.authenticate_as('admin@a.test');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:read')), 'allowed', 'an admin can read the business''s object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:insert')), 'allowed', 'an admin can insert object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:update')), 'allowed', 'an admin can change object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:delete')), 'allowed', 'an admin can delete object configuration');
select tests.clear_authentication();
select tests.authenticate_as('owner@a.test');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:read')), 'allowed', 'an owner can read the business''s object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:insert')), 'allowed', 'an owner can insert object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:update')), 'allowed', 'an owner can change object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:delete')), 'allowed', 'an owner can delete object configuration');
select tests.clear_authentication();
set local role service_role;
select is(tests.attempt((select sql from stmt where name = 'integration_objects:read')), 'allowed', 'the service (the sync) can read the business''s object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:insert')), 'allowed', 'the service (the sync) can insert object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:update')), 'allowed', 'the service (the sync) can change object configuration');
select is(tests.attempt((select sql from stmt where name = 'integration_objects:delete')), 'allowed', 'the service (the sync) can delete object configuration');
reset role;
select tests.authenticate_as('admin@a.test');
select is(tests.attempt($$ insert into private.describe_cache (integration_id, scope, body) values ('a1000000-0000-4000-8000-00000000000a', '*', '{}') $$), 'refused', 'an admin cannot write the describe cache (server-owned)');
select is(tests.attempt($$ select 1 from private.describe_cache $$), 'refused', 'nor read it');
select is(tests.attempt($$ update public.integration_objects set enabled = true where integration_id = 'b1000000-0000-4000-8000-00000000000b' $$), 'refused', 'an admin cannot change another business''s configuration');
select tests.clear_authentication();
select tests.authenticate_as('owner@b.test');
select throws_ok($$ insert into public.integration_objects (integration_id, business_id, object) values ('a1000000-0000-4000-8000-00000000000a', 'b0000000-0000-4000-8000-00000000000b', 'Task') $$, '23503', null, 'an owner cannot configure another business''s integration under their own business');
select is((select array_agg(object) from public.integration_objects), array['Foo__c'], 'an owner sees only their business''s configuration');
select tests.clear_authentication();
select throws_ok($$ insert into public.integration_objects (integration_id, business_id, object) values ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'Account') $$, '23505', null, 'one configuration per integration and object');
select throws_ok($$ insert into public.integration_objects (integration_id, business_id, object, field_mapping) values ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'Lead', '["Email"]') $$, '23514', null, 'the field mapping is a JSON object');
select is((select enabled from public.integration_objects where integration_id = 'a1000000-0000-4000-8000-00000000000a' and object = 'Account'), true, 'the matrix left the configuration as it was');
delete from public.integrations where id = 'a1000000-0000-4000-8000-00000000000a';
select is((select count(*)::int from public.integration_objects where business_id = 'a0000000-0000-4000-8000-00000000000a'), 0, 'deleting the integration deletes its object configuration');

select * from finish();
rollback;
