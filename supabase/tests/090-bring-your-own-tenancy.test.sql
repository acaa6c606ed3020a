-- Bring your own tenancy (README, "Adopting into an existing project"): an app that already has
-- organisations and members keeps them, mirrors each organisation as a public.businesses row of
-- the same id, and redefines app.is_member/app.has_role over its own members table. Every policy
-- asks only those two helpers, so the isolation matrix must hold over the app's model, both what
-- is refused and what is allowed, and our team_members must no longer grant anything. The
-- redefinition lives in this test's transaction and is rolled back with it.
begin;
select plan(22);

-- The app's own model: organisations, and members with the app's own access levels.
create schema acme;
create table acme.organisations (id uuid primary key, name text not null);
create table acme.members (
  organisation_id uuid not null references acme.organisations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  access text not null check (access in ('manager', 'editor', 'viewer')),
  primary key (organisation_id, user_id)
);

-- The redefinition the README shows: same signatures (so grants and policies stay), SECURITY
-- DEFINER so policies may ask about acme.members, which API roles cannot read; the app's access
-- levels mapped onto our roles (manager = owner, editor = admin, viewer = member).
create or replace function app.is_member(p_business_id uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from acme.members m
    where m.organisation_id = p_business_id and m.user_id = (select auth.uid())
  )
$$;

create or replace function app.has_role(p_business_id uuid, p_roles text[]) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from acme.members m
    where m.organisation_id = p_business_id
      and m.user_id = (select auth.uid())
      and case m.access when 'manager' then 'owner' when 'editor' then 'admin' else 'member' end
          = any (p_roles)
  )
$$;

do $$
begin
  perform tests.create_user(email)
     from unnest(array['manager@one.test', 'editor@one.test', 'viewer@one.test',
                       'manager@two.test', 'stale-owner@one.test']) email;
end
$$;
insert into acme.organisations values
  ('01000000-0000-4000-8000-000000000001', 'Org One'),
  ('02000000-0000-4000-8000-000000000002', 'Org Two');
insert into acme.members values
  ('01000000-0000-4000-8000-000000000001', tests.user_id('manager@one.test'), 'manager'),
  ('01000000-0000-4000-8000-000000000001', tests.user_id('editor@one.test'), 'editor'),
  ('01000000-0000-4000-8000-000000000001', tests.user_id('viewer@one.test'), 'viewer'),
  ('02000000-0000-4000-8000-000000000002', tests.user_id('manager@two.test'), 'manager');
-- The mirror rows our foreign keys need (created_by null: our trigger then adds no owner).
insert into public.businesses (id, name, created_by)
  select id, name, null from acme.organisations;
-- A team_members row the app's model does not know: it must grant nothing any more.
insert into public.team_members (business_id, user_id, role) values
  ('01000000-0000-4000-8000-000000000001', tests.user_id('stale-owner@one.test'), 'owner');

insert into public.contacts (id, business_id, source_type, source_id, email) values
  ('c1000000-0000-4000-8000-000000000001', '01000000-0000-4000-8000-000000000001', 'salesforce', '003000000000001AAA', 'ada@one.test'),
  ('c2000000-0000-4000-8000-000000000002', '02000000-0000-4000-8000-000000000002', 'salesforce', '003000000000002AAA', 'bob@two.test');
insert into public.campaigns (id, business_id, name) values
  ('ca100000-0000-4000-8000-000000000001', '01000000-0000-4000-8000-000000000001', 'Spring');

create temporary table stmt (name text primary key, sql text) on commit drop;
grant select on stmt to anon, authenticated;
insert into stmt values
  ('read', $$ select 1 from public.contacts where id = 'c1000000-0000-4000-8000-000000000001' $$),
  ('add manual', $$ insert into public.contacts (business_id, source_type, source_id, email) values ('01000000-0000-4000-8000-000000000001', 'manual', 'm-1', 'new@one.test') $$),
  ('edit', $$ update public.contacts set tags = '{vip}' where id = 'c1000000-0000-4000-8000-000000000001' $$),
  ('new campaign', $$ insert into public.campaigns (business_id, name) values ('01000000-0000-4000-8000-000000000001', 'Summer') $$),
  ('delete campaign', $$ delete from public.campaigns where id = 'ca100000-0000-4000-8000-000000000001' $$);

select tests.authenticate_as_anon();
select is(tests.attempt((select sql from stmt where name = 'read')), 'refused', 'anon cannot read contacts');
select tests.clear_authentication();

select tests.authenticate_as('stale-owner@one.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'refused', 'an owner in team_members only (not an app member) reads nothing');
select is(tests.attempt((select sql from stmt where name = 'add manual')), 'refused', 'nor adds a contact');
select is(tests.attempt((select sql from stmt where name = 'delete campaign')), 'refused', 'nor deletes a campaign');
select tests.clear_authentication();

select tests.authenticate_as('manager@two.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'refused', 'another organisation''s manager cannot read One''s contacts');
select is((select count(*)::int from public.contacts), 1, 'and sees exactly their own organisation''s one contact');
select is(tests.attempt((select sql from stmt where name = 'add manual')), 'refused', 'nor add a contact to One');
select is(tests.attempt((select sql from stmt where name = 'new campaign')), 'refused', 'nor create a campaign in One');
select is(tests.attempt($$ select 1 from public.businesses where id = '01000000-0000-4000-8000-000000000001' $$), 'refused', 'nor see One''s business row');
select tests.clear_authentication();

select tests.authenticate_as('viewer@one.test');
select is(tests.attempt((select sql from stmt where name = 'read')), 'allowed', 'a viewer (member) reads the organisation''s contacts');
select is(tests.attempt((select sql from stmt where name = 'new campaign')), 'allowed', 'a viewer creates a campaign, as members may');
select is(tests.attempt((select sql from stmt where name = 'add manual')), 'refused', 'a viewer cannot add contacts');
select is(tests.attempt((select sql from stmt where name = 'edit')), 'refused', 'a viewer cannot edit contacts');
select is(tests.attempt((select sql from stmt where name = 'delete campaign')), 'refused', 'a viewer cannot delete a campaign');
select tests.clear_authentication();

select tests.authenticate_as('editor@one.test');
select is(tests.attempt((select sql from stmt where name = 'add manual')), 'allowed', 'an editor (admin) adds a manual contact');
select is(tests.attempt((select sql from stmt where name = 'edit')), 'allowed', 'an editor edits contacts');
select is(tests.attempt((select sql from stmt where name = 'delete campaign')), 'allowed', 'an editor deletes a campaign, as admins may');
select is(tests.attempt($$ delete from public.businesses where id = '01000000-0000-4000-8000-000000000001' $$), 'refused', 'an editor cannot delete the business: owners only');
select tests.clear_authentication();

select tests.authenticate_as('manager@one.test');
select is(tests.attempt($$ select 1 from public.businesses where id = '01000000-0000-4000-8000-000000000001' $$), 'allowed', 'a manager (owner) sees the business row');
select is(tests.attempt($$ update public.businesses set name = 'Org One Ltd' where id = '01000000-0000-4000-8000-000000000001' $$), 'allowed', 'a manager renames it');
select is(tests.attempt($$ delete from public.businesses where id = '01000000-0000-4000-8000-000000000001' $$), 'allowed', 'a manager may delete it');
select is(tests.attempt($$ update public.contacts set tags = '{x}' where id = 'c2000000-0000-4000-8000-000000000002' $$), 'refused', 'a manager cannot edit another organisation''s contact');
select tests.clear_authentication();

select * from finish();
rollback;
