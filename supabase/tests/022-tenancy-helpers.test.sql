-- The membership helpers that every policy calls: definer functions with a fixed search_path,
-- callable by signed-in users (policies run them with the caller's privileges), never by anon.
begin;
select plan(8);

select is(
  (select prosecdef from pg_proc where oid = 'app.is_member(uuid)'::regprocedure), true,
  'is_member is security definer (policies on team_members must not recurse)'
);
select is(
  (select proconfig from pg_proc where oid = 'app.is_member(uuid)'::regprocedure), array['search_path=""'],
  'is_member runs with an empty search_path'
);
select is(
  (select proconfig from pg_proc where oid = 'app.has_role(uuid,text[])'::regprocedure), array['search_path=""'],
  'has_role runs with an empty search_path'
);
select ok(has_function_privilege('authenticated', 'app.is_member(uuid)', 'execute'), 'signed-in users can execute is_member');
select ok(not has_function_privilege('anon', 'app.is_member(uuid)', 'execute'), 'anon cannot execute is_member');
select ok(not has_function_privilege('anon', 'app.has_role(uuid,text[])', 'execute'), 'anon cannot execute has_role');

select tests.create_user('owner@a.test');
insert into public.businesses (id, name, created_by)
values ('a0000000-0000-4000-8000-00000000000a', 'Business A', tests.user_id('owner@a.test'));
select tests.authenticate_as('owner@a.test');
select ok(app.has_role('a0000000-0000-4000-8000-00000000000a', array['owner']), 'has_role answers for the caller');
select ok(not app.is_member(gen_random_uuid()), 'is_member is false for a business the caller is not in');
select tests.clear_authentication();

select * from finish();
rollback;
