-- Who may do what to public.team_members of business A: anon, a user of another business, a
-- member, an admin and an owner, each against select / insert / update / delete, plus the
-- rules that keep a business governable (only owners make owners, the last owner stays).
begin;
select plan(30);

select tests.create_two_businesses();
select tests.create_user('member2@a.test');
select tests.create_user('newcomer@a.test');
insert into public.team_members (business_id, user_id, role) values
  ('a0000000-0000-4000-8000-00000000000a', tests.user_id('member2@a.test'), 'member');

create temporary table stmt (name text primary key, sql text) on commit drop;
grant select on stmt to anon, authenticated;
insert into stmt values
  ('read', $$ select 1 from public.team_members where business_id = 'a0000000-0000-4000-8000-00000000000a' $$),
  ('add member', format($$ insert into public.team_members (business_id, user_id, role) values ('a0000000-0000-4000-8000-00000000000a', %L, 'member') $$, tests.user_id('newcomer@a.test'))),
  ('add owner', format($$ insert into public.team_members (business_id, user_id, role) values ('a0000000-0000-4000-8000-00000000000a', %L, 'owner') $$, tests.user_id('newcomer@a.test'))),
  ('promote', format($$ update public.team_members set role = 'admin' where business_id = 'a0000000-0000-4000-8000-00000000000a' and user_id = %L $$, tests.user_id('member2@a.test'))),
  ('remove member', format($$ delete from public.team_members where business_id = 'a0000000-0000-4000-8000-00000000000a' and user_id = %L $$, tests.user_id('member2@a.test'))),
  ('remove owner', format($$ delete from public.team_members where business_id = 'a0000000-0000-4000-8000-00000000000a' and user_id = %L $$, tests.user_id('owner@a.test')));

-- anon
select tests.authenticate_as_anon();
select is(tests.attempt((select sql from stmt where name = 'read')), 'refused', 'anon cannot read team members');
select is(tests.attempt((select sql from stmt where name = 'add member')), 'refused', 'anon cannot add a member');
select is(tests.attempt((select sql from stmt where name = 'promote')), 'refused', 'anon cannot change a role');
select is(tests.attempt((select sql from stmt where name = 'remove member')), 'refused', 'anon cannot remove a member');
select tests.clear_authentication();

-- a user of another business
select tests.authenticate_as('owner@b.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'refused', 'another business''s user cannot read A''s team');
select is(tests.attempt((select sql from stmt where name = 'add member')), 'refused', 'another business''s user cannot add to A''s team');
select is(tests.attempt((select sql from stmt where name = 'promote')), 'refused', 'another business''s user cannot change roles in A');
select is(tests.attempt((select sql from stmt where name = 'remove member')), 'refused', 'another business''s user cannot remove A''s members');
select tests.clear_authentication();

-- member
select tests.authenticate_as('member@a.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'allowed', 'a member reads the team');
select is((select count(*)::int from public.team_members), 4, 'a member sees exactly their business''s four members');
select is(tests.attempt((select sql from stmt where name = 'add member')), 'refused', 'a member cannot add members');
select is(tests.attempt((select sql from stmt where name = 'promote')), 'refused', 'a member cannot change roles');
select is(tests.attempt((select sql from stmt where name = 'remove member')), 'refused', 'a member cannot remove another member');
select is(tests.attempt(format($$ delete from public.team_members where business_id = 'a0000000-0000-4000-8000-00000000000a' and user_id = %L $$, tests.user_id('member@a.test'))), 'allowed', 'a member can leave the team');
select tests.clear_authentication();

-- admin
select tests.authenticate_as('admin@a.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'allowed', 'an admin reads the team');
select is(tests.attempt((select sql from stmt where name = 'add member')), 'allowed', 'an admin can add a member');
select is(tests.attempt((select sql from stmt where name = 'add owner')), 'refused', 'an admin cannot make an owner');
select is(tests.attempt((select sql from stmt where name = 'promote')), 'refused', 'an admin cannot change roles');
select is(tests.attempt((select sql from stmt where name = 'remove member')), 'allowed', 'an admin can remove a member');
select is(tests.attempt((select sql from stmt where name = 'remove owner')), 'refused', 'an admin cannot remove an owner');
select is(tests.attempt(format($$ insert into public.team_members (business_id, user_id, role) values ('b0000000-0000-4000-8000-00000000000b', %L, 'member') $$, tests.user_id('newcomer@a.test'))), 'refused', 'an admin cannot add members to another business');
select tests.clear_authentication();

-- owner
select tests.authenticate_as('owner@a.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'allowed', 'an owner reads the team');
select is(tests.attempt((select sql from stmt where name = 'add member')), 'allowed', 'an owner can add a member');
select is(tests.attempt((select sql from stmt where name = 'add owner')), 'allowed', 'an owner can make another owner');
select is(tests.attempt((select sql from stmt where name = 'promote')), 'allowed', 'an owner can change roles');
select is(tests.attempt((select sql from stmt where name = 'remove member')), 'allowed', 'an owner can remove a member');
select throws_ok(
  (select sql from stmt where name = 'remove owner'),
  '23514', 'a business must keep at least one owner',
  'the last owner cannot leave'
);
select throws_ok(
  format($$ update public.team_members set role = 'member' where business_id = 'a0000000-0000-4000-8000-00000000000a' and user_id = %L $$, tests.user_id('owner@a.test')),
  '23514', 'a business must keep at least one owner',
  'the last owner cannot demote themselves'
);
select is(tests.attempt($$ select 1 from public.team_members where business_id = 'b0000000-0000-4000-8000-00000000000b' $$), 'refused', 'an owner cannot read another business''s team');
select tests.clear_authentication();

select lives_ok(
  $$ delete from public.businesses where id = 'a0000000-0000-4000-8000-00000000000a' $$,
  'deleting a business removes its whole team, owners included'
);

select * from finish();
rollback;
