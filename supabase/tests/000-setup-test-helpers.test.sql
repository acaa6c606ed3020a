-- Test helpers, in the spirit of basejump's supabase-test-helpers: create users, "log in as"
-- one exactly as PostgREST does (role + request.jwt.claims, transaction-local), and try a
-- statement to see whether the current role may do it. Created in the `tests` schema, which
-- exists only in test databases. This file runs first (pg_prove sorts by name) and commits.

create schema if not exists tests;
grant usage on schema tests to anon, authenticated, service_role;

-- A user in auth.users, found again by email (definer: tests look users up while logged in
-- as another role, which has no grant on auth.users, as on the platform).
create or replace function tests.create_user(p_email text) returns uuid
language sql set search_path = '' as $$
  insert into auth.users (id, email, aud, role, raw_app_meta_data, raw_user_meta_data)
  values (gen_random_uuid(), p_email, 'authenticated', 'authenticated', '{}', '{}')
  returning id
$$;

create or replace function tests.user_id(p_email text) returns uuid
language sql stable security definer set search_path = '' as $$
  select id from auth.users where email = p_email
$$;

-- Become the user for the rest of the transaction, as a PostgREST request would.
create or replace function tests.authenticate_as(p_email text) returns void
language plpgsql set search_path = '' as $$
begin
  perform set_config('request.jwt.claims', json_build_object(
    'sub', tests.user_id(p_email), 'email', p_email, 'role', 'authenticated', 'aud', 'authenticated'
  )::text, true);
  perform set_config('role', 'authenticated', true);
end
$$;

create or replace function tests.authenticate_as_anon() returns void
language plpgsql set search_path = '' as $$
begin
  perform set_config('request.jwt.claims', '{"role":"anon"}', true);
  perform set_config('role', 'anon', true);
end
$$;

-- Back to the test's own role (postgres) with no claims.
create or replace function tests.clear_authentication() returns void
language plpgsql set search_path = '' as $$
begin
  perform set_config('role', 'none', true);
  perform set_config('request.jwt.claims', '', true);
end
$$;

-- 'allowed' when the statement, run as the current role, touches at least one row;
-- 'refused' when a grant or policy stops it or it touches nothing. The statement is always
-- undone, so each cell of an access matrix starts from the same data. A select is allowed
-- when it returns a row; insert/update/delete when a row comes back from `returning`.
create or replace function tests.attempt(p_statement text) returns text
language plpgsql set search_path = '' as $$
declare
  n bigint;
begin
  if p_statement ~* '^\s*(select|with)\s' then
    execute format('select count(*) from (%s) t', p_statement) into n;
  else
    execute format('with t as (%s returning 1) select count(*) from t', p_statement) into n;
  end if;
  raise exception using errcode = 'TS001', message = n::text;
exception
  when sqlstate 'TS001' then
    return case when sqlerrm::bigint > 0 then 'allowed' else 'refused' end;
  when insufficient_privilege then
    return 'refused';
end
$$;

-- The usual world of a tenancy test: Business A (a0…0a) with its owner, an admin and a member,
-- and Business B (b0…0b) with only its owner, who is thus "a user of another business".
create or replace function tests.create_two_businesses() returns void
language plpgsql set search_path = '' as $$
begin
  perform tests.create_user(email)
     from unnest(array['owner@a.test', 'admin@a.test', 'member@a.test', 'owner@b.test']) email;
  insert into public.businesses (id, name, created_by) values
    ('a0000000-0000-4000-8000-00000000000a', 'Business A', tests.user_id('owner@a.test')),
    ('b0000000-0000-4000-8000-00000000000b', 'Business B', tests.user_id('owner@b.test'));
  insert into public.team_members (business_id, user_id, role) values
    ('a0000000-0000-4000-8000-00000000000a', tests.user_id('admin@a.test'), 'admin'),
    ('a0000000-0000-4000-8000-00000000000a', tests.user_id('member@a.test'), 'member');
end
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;

select plan(1);
select has_function('tests', 'attempt', array['text'], 'test helpers are installed');
select * from finish();
