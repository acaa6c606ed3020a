-- Who may do what to public.integrations: anon, a user of another business, a member, an
-- admin and an owner, each against select / insert / update / delete; and the server-owned
-- columns (status, instance_url) that no tenant may write, whatever their role. Nobody deletes
-- through the Data API: disconnecting is the integrations function's (see 050).
begin;
select plan(28);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Main org');

create temporary table stmt (name text primary key, sql text) on commit drop;
grant select on stmt to anon, authenticated;
insert into stmt values
  ('read', $$ select 1 from public.integrations where id = 'a1000000-0000-4000-8000-00000000000a' $$),
  ('create', $$ insert into public.integrations (business_id, provider, name) values ('a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Second org') $$),
  ('rename', $$ update public.integrations set name = 'Renamed' where id = 'a1000000-0000-4000-8000-00000000000a' $$),
  ('delete', $$ delete from public.integrations where id = 'a1000000-0000-4000-8000-00000000000a' $$);

select tests.authenticate_as_anon();
select is(tests.attempt((select sql from stmt where name = 'read')), 'refused', 'anon cannot read integrations');
select is(tests.attempt((select sql from stmt where name = 'create')), 'refused', 'anon cannot create an integration');
select is(tests.attempt((select sql from stmt where name = 'rename')), 'refused', 'anon cannot change an integration');
select is(tests.attempt((select sql from stmt where name = 'delete')), 'refused', 'anon cannot delete an integration');
select tests.clear_authentication();

select tests.authenticate_as('owner@b.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'refused', 'another business''s owner cannot read A''s integration');
select is(tests.attempt((select sql from stmt where name = 'create')), 'refused', 'another business''s owner cannot create one in A');
select is(tests.attempt((select sql from stmt where name = 'rename')), 'refused', 'another business''s owner cannot change A''s integration');
select is(tests.attempt((select sql from stmt where name = 'delete')), 'refused', 'another business''s owner cannot delete A''s integration');
select tests.clear_authentication();

select tests.authenticate_as('member@a.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'allowed', 'a member reads the integration');
select is(tests.attempt((select sql from stmt where name = 'create')), 'refused', 'a member cannot create an integration');
select is(tests.attempt((select sql from stmt where name = 'rename')), 'refused', 'a member cannot change an integration');
select is(tests.attempt((select sql from stmt where name = 'delete')), 'refused', 'a member cannot delete an integration');
select tests.clear_authentication();

select tests.authenticate_as('admin@a.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'allowed', 'an admin reads the integration');
select is(tests.attempt((select sql from stmt where name = 'create')), 'allowed', 'an admin creates an integration');
select is(tests.attempt((select sql from stmt where name = 'rename')), 'allowed', 'an admin renames an integration');
select is(tests.attempt((select sql from stmt where name = 'delete')), 'refused', 'an admin cannot delete an integration (disconnect goes through the function)');
select is(tests.attempt($$ update public.integrations set status = 'active' where id = 'a1000000-0000-4000-8000-00000000000a' $$), 'refused', 'an admin cannot set the status (server-owned)');
select is(tests.attempt($$ update public.integrations set instance_url = 'https://evil.example' where id = 'a1000000-0000-4000-8000-00000000000a' $$), 'refused', 'an admin cannot point instance_url elsewhere');
select is(tests.attempt($$ insert into public.integrations (business_id, provider, name, status) values ('a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Sneaky', 'active') $$), 'refused', 'an admin cannot create an integration already active');
select is(tests.attempt($$ insert into public.integrations (business_id, provider, name) values ('b0000000-0000-4000-8000-00000000000b', 'salesforce', 'Elsewhere') $$), 'refused', 'an admin cannot create an integration in another business');
select tests.clear_authentication();

select tests.authenticate_as('owner@a.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'allowed', 'an owner reads the integration');
select is(tests.attempt((select sql from stmt where name = 'create')), 'allowed', 'an owner creates an integration');
select is(tests.attempt((select sql from stmt where name = 'rename')), 'allowed', 'an owner renames an integration');
select is(tests.attempt((select sql from stmt where name = 'delete')), 'refused', 'an owner cannot delete an integration (disconnect goes through the function)');
select is(tests.attempt($$ update public.integrations set last_error = null, connected_at = now() where id = 'a1000000-0000-4000-8000-00000000000a' $$), 'refused', 'an owner cannot write server-owned columns either');
select tests.clear_authentication();

select throws_ok(
  $$ insert into public.integrations (business_id, provider, name) values ('a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Main org') $$,
  '23505', null, 'names are unique per business and provider'
);
select throws_ok(
  $$ insert into public.integrations (business_id, provider, name, environment, my_domain_url) values ('a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Custom', 'custom', 'https://evil.example.com') $$,
  '23514', null, 'a custom My Domain must be a my.salesforce.com host'
);
select lives_ok(
  $$ insert into public.integrations (business_id, provider, name, environment, my_domain_url) values ('a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Custom', 'custom', 'https://acme.my.salesforce.com') $$,
  'a my.salesforce.com My Domain is accepted'
);

select * from finish();
rollback;
