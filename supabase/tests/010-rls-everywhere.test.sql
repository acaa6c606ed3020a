-- Every table in a schema the Data API exposes must have RLS enabled: grants let a role in,
-- only policies keep tenants apart. Fails the moment a migration adds an unprotected table.
begin;
select plan(3);

select isnt_empty(
  $$ select 1 from pg_tables where schemaname = 'public' $$,
  'public has tables (so the next check is not vacuous)'
);

select is_empty(
  $$
    select format('%I.%I', schemaname, tablename)
    from pg_tables
    where schemaname = any (
      string_to_array(replace(current_setting('pgrst.db_schemas', true), ' ', ''), ',')
    )
      and not rowsecurity
  $$,
  'every table in an exposed schema has row level security enabled'
);

select is_empty(
  $$
    select format('%I.%I', t.schemaname, t.tablename)
    from pg_tables t
    where t.schemaname = 'public'
      and not exists (
        select 1 from pg_policies p where p.schemaname = t.schemaname and p.tablename = t.tablename
      )
  $$,
  'every public table has at least one policy (RLS on with no policy hides a forgotten design)'
);

select * from finish();
rollback;
