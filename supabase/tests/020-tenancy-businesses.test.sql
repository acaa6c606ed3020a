-- Who may do what to public.businesses: anon, a user of another business, a member, an admin
-- and an owner, each against select / insert / update / delete. Every cell is asserted, the
-- allowed ones as much as the refused ones (a check of "zero rows" alone passes on an empty table).
begin;
select plan(27);

select tests.create_two_businesses();

select is(
  (select role from public.team_members
   where business_id = 'a0000000-0000-4000-8000-00000000000a' and user_id = tests.user_id('owner@a.test')),
  'owner', 'the creator of a business becomes its owner'
);

-- anon
select tests.authenticate_as_anon();
select is(tests.attempt($$ select 1 from public.businesses $$), 'refused', 'anon cannot read businesses');
select is(tests.attempt($$ insert into public.businesses (name) values ('Anon Inc') $$), 'refused', 'anon cannot create a business');
select is(tests.attempt($$ update public.businesses set name = 'x' $$), 'refused', 'anon cannot update a business');
select is(tests.attempt($$ delete from public.businesses $$), 'refused', 'anon cannot delete a business');
select tests.clear_authentication();

-- a user of another business
select tests.authenticate_as('owner@b.test');
select is(tests.attempt($$ select 1 from public.businesses where id = 'a0000000-0000-4000-8000-00000000000a' $$), 'refused', 'another business''s user cannot read business A');
select is(tests.attempt($$ select 1 from public.businesses where id = 'b0000000-0000-4000-8000-00000000000b' $$), 'allowed', 'that user still reads their own business');
select is(tests.attempt(format($$ insert into public.businesses (name, created_by) values ('Mine', %L) $$, tests.user_id('owner@b.test'))), 'allowed', 'a user can create a business in their own name');
select is(tests.attempt(format($$ insert into public.businesses (name, created_by) values ('Theirs', %L) $$, tests.user_id('owner@a.test'))), 'refused', 'a user cannot create a business in another user''s name');
select is(tests.attempt($$ update public.businesses set name = 'x' where id = 'a0000000-0000-4000-8000-00000000000a' $$), 'refused', 'another business''s user cannot update business A');
select is(tests.attempt($$ delete from public.businesses where id = 'a0000000-0000-4000-8000-00000000000a' $$), 'refused', 'another business''s user cannot delete business A');
select tests.clear_authentication();

-- member
select tests.authenticate_as('member@a.test');
select is(tests.attempt($$ select 1 from public.businesses where id = 'a0000000-0000-4000-8000-00000000000a' $$), 'allowed', 'a member reads their business');
select is((select count(*)::int from public.businesses), 1, 'a member sees exactly their one business');
select is(tests.attempt(format($$ insert into public.businesses (name, created_by) values ('Side project', %L) $$, tests.user_id('member@a.test'))), 'allowed', 'a member can start a business of their own');
select is(tests.attempt($$ update public.businesses set name = 'x' where id = 'a0000000-0000-4000-8000-00000000000a' $$), 'refused', 'a member cannot update the business');
select is(tests.attempt($$ delete from public.businesses where id = 'a0000000-0000-4000-8000-00000000000a' $$), 'refused', 'a member cannot delete the business');
select tests.clear_authentication();

-- admin
select tests.authenticate_as('admin@a.test');
select is(tests.attempt($$ select 1 from public.businesses where id = 'a0000000-0000-4000-8000-00000000000a' $$), 'allowed', 'an admin reads the business');
select is(tests.attempt(format($$ insert into public.businesses (name, created_by) values ('Admin side', %L) $$, tests.user_id('admin@a.test'))), 'allowed', 'an admin can start a business of their own');
select is(tests.attempt($$ update public.businesses set name = 'Renamed' where id = 'a0000000-0000-4000-8000-00000000000a' $$), 'allowed', 'an admin can update the business');
select is(tests.attempt($$ delete from public.businesses where id = 'a0000000-0000-4000-8000-00000000000a' $$), 'refused', 'an admin cannot delete the business');
select is(tests.attempt($$ update public.businesses set name = 'x' where id = 'b0000000-0000-4000-8000-00000000000b' $$), 'refused', 'an admin cannot update another business');
select tests.clear_authentication();

-- owner
select tests.authenticate_as('owner@a.test');
select is(tests.attempt($$ select 1 from public.businesses where id = 'a0000000-0000-4000-8000-00000000000a' $$), 'allowed', 'an owner reads the business');
select is(tests.attempt(format($$ insert into public.businesses (name, created_by) values ('Second venture', %L) $$, tests.user_id('owner@a.test'))), 'allowed', 'an owner can start another business');
select is(tests.attempt($$ update public.businesses set name = 'Renamed' where id = 'a0000000-0000-4000-8000-00000000000a' $$), 'allowed', 'an owner can update the business');
select is(tests.attempt($$ delete from public.businesses where id = 'a0000000-0000-4000-8000-00000000000a' $$), 'allowed', 'an owner can delete the business');
select is(tests.attempt($$ delete from public.businesses where id = 'b0000000-0000-4000-8000-00000000000b' $$), 'refused', 'an owner cannot delete another business');
select is(tests.attempt($$ select 1 from public.businesses where id = 'b0000000-0000-4000-8000-00000000000b' $$), 'refused', 'an owner cannot read another business');
select tests.clear_authentication();

select * from finish();
rollback;
