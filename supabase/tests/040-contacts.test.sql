-- Who may do what to public.contacts: anon, a user of another business, a member, an admin
-- and an owner; CRM-sourced rows are the sync's alone; sync bookkeeping is out of every
-- tenant's reach.
begin;
select plan(24);

select tests.create_two_businesses();
insert into public.contacts (id, business_id, source_type, source_id, email) values
  ('c0000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', '003000000000001AAA', 'ada@a.test'),
  ('c0000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'salesforce', '003000000000002AAA', 'bob@b.test');

create temporary table stmt (name text primary key, sql text) on commit drop;
grant select on stmt to anon, authenticated;
insert into stmt values
  ('read', $$ select 1 from public.contacts where id = 'c0000000-0000-4000-8000-00000000000a' $$),
  ('add manual', $$ insert into public.contacts (business_id, source_type, source_id, email) values ('a0000000-0000-4000-8000-00000000000a', 'manual', 'm-1', 'new@a.test') $$),
  ('edit', $$ update public.contacts set tags = '{vip}' where id = 'c0000000-0000-4000-8000-00000000000a' $$),
  ('delete', $$ delete from public.contacts where id = 'c0000000-0000-4000-8000-00000000000a' $$);

select tests.authenticate_as_anon();
select is(tests.attempt((select sql from stmt where name = 'read')), 'refused', 'anon cannot read contacts');
select is(tests.attempt((select sql from stmt where name = 'add manual')), 'refused', 'anon cannot add contacts');
select is(tests.attempt((select sql from stmt where name = 'edit')), 'refused', 'anon cannot edit contacts');
select is(tests.attempt((select sql from stmt where name = 'delete')), 'refused', 'anon cannot delete contacts');
select tests.clear_authentication();

select tests.authenticate_as('owner@b.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'refused', 'another business''s owner cannot read A''s contacts');
select is((select count(*)::int from public.contacts), 1, 'that owner sees only their own business''s one contact');
select is(tests.attempt((select sql from stmt where name = 'add manual')), 'refused', 'another business''s owner cannot add to A');
select is(tests.attempt((select sql from stmt where name = 'edit')), 'refused', 'another business''s owner cannot edit A''s contacts');
select is(tests.attempt((select sql from stmt where name = 'delete')), 'refused', 'another business''s owner cannot delete A''s contacts');
select tests.clear_authentication();

select tests.authenticate_as('member@a.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'allowed', 'a member reads the business''s contacts');
select is(tests.attempt((select sql from stmt where name = 'add manual')), 'refused', 'a member cannot add contacts');
select is(tests.attempt((select sql from stmt where name = 'edit')), 'refused', 'a member cannot edit contacts');
select is(tests.attempt((select sql from stmt where name = 'delete')), 'refused', 'a member cannot delete contacts');
select tests.clear_authentication();

select tests.authenticate_as('admin@a.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'allowed', 'an admin reads contacts');
select is(tests.attempt((select sql from stmt where name = 'add manual')), 'allowed', 'an admin adds a manual contact');
select is(tests.attempt((select sql from stmt where name = 'edit')), 'allowed', 'an admin tags a contact');
select is(tests.attempt((select sql from stmt where name = 'delete')), 'allowed', 'an admin deletes a contact');
select is(tests.attempt($$ insert into public.contacts (business_id, source_type, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'salesforce', '003000000000009AAA') $$), 'refused', 'an admin cannot forge a CRM-sourced contact');
select is(tests.attempt($$ update public.contacts set source_modstamp = now(), deleted_at = now() where id = 'c0000000-0000-4000-8000-00000000000a' $$), 'refused', 'an admin cannot write sync bookkeeping');
select tests.clear_authentication();

select tests.authenticate_as('owner@a.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'allowed', 'an owner reads contacts');
select is(tests.attempt((select sql from stmt where name = 'edit')), 'allowed', 'an owner edits contacts');
select is(tests.attempt((select sql from stmt where name = 'delete')), 'allowed', 'an owner deletes contacts');
select is(tests.attempt($$ update public.contacts set tags = '{x}' where id = 'c0000000-0000-4000-8000-00000000000b' $$), 'refused', 'an owner cannot edit another business''s contact');
select tests.clear_authentication();

select throws_ok(
  $$ insert into public.contacts (business_id, source_type, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'salesforce', '003000000000001AAA') $$,
  '23505', null, 'one row per business and source record'
);

select * from finish();
rollback;
