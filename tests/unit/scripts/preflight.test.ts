// What preflight reads from a migration: the objects it creates and leaves, with what its CREATE
// does to an object already there; never what a function body or a comment merely mentions.
import assert from 'node:assert/strict'
import { plannedObjects, readMigrations } from '../../../scripts/preflight.ts'

Deno.test('plannedObjects: each kind, and what its CREATE does when the object exists', () => {
  const sql = `
    create schema if not exists app;
    create table public.contacts (id bigint);
    create table if not exists private.notes (id bigint);
    create or replace view public.health with (security_invoker = true) as select 1;
    create function app.f() returns int language sql as $$ select 1 $$;
    create or replace function app.g(x uuid) returns int language plpgsql as $body$
    begin
      create table public.inside_a_body (id int); -- not a top-level statement
      return 1;
    end $body$;
    create type private.pair as (a int, b int);
    create extension if not exists pg_net with schema extensions;
    -- create table public.in_a_comment (id int);
    select cron.schedule('nightly', '0 3 * * *', $job$ create table public.in_a_job () $job$);
  `
  assert.deepEqual(
    plannedObjects('1_x.sql', sql).map((o) => `${o.kind} ${o.name} ${o.onExisting}`),
    [
      'schema app keeps',
      'table public.contacts fails',
      'table private.notes keeps',
      'view public.health replaces',
      'function app.f fails',
      'function app.g replaces',
      'type private.pair fails',
      'extension pg_net keeps',
      'cron job nightly replaces',
    ],
  )
})

Deno.test('plannedObjects: an object dropped after it was made is not planned; re-made, it is', () => {
  const sql = `
    create function app.old() returns int language sql as $$ select 1 $$;
    create table public.t (id int);
    drop function if exists app.old();
    drop table public.t;
    create table public.t (id bigint);
  `
  assert.deepEqual(plannedObjects('1_x.sql', sql).map((o) => o.name), ['public.t'])
})

Deno.test('readMigrations: our migrations create the tables an adopting app may already have', async () => {
  const { versions, objects } = await readMigrations()
  assert.ok(versions.length > 0)
  const tables = objects.filter((o) => o.kind === 'table').map((o) => o.name)
  for (const name of ['businesses', 'team_members', 'contacts', 'campaigns', 'leads']) {
    assert.ok(tables.includes(`public.${name}`), name)
  }
})
