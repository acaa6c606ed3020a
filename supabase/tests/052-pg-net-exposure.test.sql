-- pg_net and the API roles (issue 14, finding 8). On Supabase, net.http_post is executable by
-- anon and authenticated: pg_net grants its functions and tables to PUBLIC, and the platform's
-- event trigger grants usage on schema net to the API roles, both as supabase_admin. Our
-- migrations run as `postgres`, which owns none of it and granted none of it, so a REVOKE there
-- is a no-op ("no privileges could be revoked"), and revoking PUBLIC's grants would also cut
-- off the background worker. What keeps this informational, and what this file guards:
-- the API roles cannot log in, `net` is not an API schema (supabase/config.toml), and none of
-- OUR functions that the API roles may call reaches pg_net.
begin;
select plan(6);

select ok(not (select rolcanlogin from pg_roles where rolname = 'anon'), 'anon cannot log in');
select ok(not (select rolcanlogin from pg_roles where rolname = 'authenticated'),
  'authenticated cannot log in: only PostgREST (through exposed schemas) and our functions act as it');

-- Why no migration of ours revokes it: the owner is the platform's superuser, not postgres.
select isnt(
  (select pg_catalog.pg_get_userbyid(proowner) from pg_proc
    where oid = 'net.http_post(text, jsonb, jsonb, jsonb, integer)'::regprocedure),
  'postgres', 'net.http_post is not owned by postgres, the role our migrations run as');

-- The platform default, stated so a change to it (or to the stand-in) is noticed: informational.
select ok(has_function_privilege('authenticated', 'net.http_post(text, jsonb, jsonb, jsonb, integer)', 'execute')
  and has_schema_privilege('anon', 'net', 'usage'),
  'platform default: the API roles may call net.http_post in direct SQL (see README, Security)');

-- The guard: no function in our schemas that anon or authenticated may execute calls pg_net.
select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by 1), '{}')
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'app', 'private')
      and p.prosrc ~* '\mnet\s*\.\s*http_'
      and (has_function_privilege('anon', p.oid, 'execute')
           or has_function_privilege('authenticated', p.oid, 'execute'))),
  '{}'::text[],
  'no function the API roles may execute in public, app or private calls net.http_*');
-- And the check above sees pg_net calls where they are: in the scheduled job's command.
select ok(exists (select 1 from cron.job where command ~* '\mnet\s*\.\s*http_post'),
  'the sync schedule is where we call net.http_post (as postgres, from pg_cron)');

select * from finish();
rollback;
