-- Inbound webhooks: private.receive_webhook_events dedupes event keys, finds integrations by the
-- provider's account id in connection_metadata, and makes only those integrations' named
-- objects due; a run claimed before a webhook's ask keeps the object due when it reschedules;
-- old keys are pruned daily. Nobody but the service may call it, nobody reads the keys.
begin;
select plan(27);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name, status, connection_metadata) values
  ('a1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-00000000000a', 'hubspot', 'A hubspot', 'active', '{"portalId": "111"}'),
  ('a1000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'A salesforce', 'active', '{"portalId": "111"}'),
  ('b1000000-0000-4000-8000-000000000003', 'b0000000-0000-4000-8000-00000000000b', 'hubspot', 'B hubspot', 'active', '{"portalId": "222"}'),
  ('b1000000-0000-4000-8000-000000000004', 'b0000000-0000-4000-8000-00000000000b', 'hubspot', 'B old', 'disconnected', '{"portalId": "333"}');
insert into public.integration_sync_state (integration_id, business_id, object) values
  ('a1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-00000000000a', 'account'),
  ('b1000000-0000-4000-8000-000000000003', 'b0000000-0000-4000-8000-00000000000b', 'account');

-- As if a run had been claimed now (serving every ask so far) and scheduled the next sync later.
create or replace function pg_temp.settle(p_names text[]) returns void language sql as $$
  update public.integration_sync_state set last_run_at = now(), next_sync_at = now() + interval '1 day'
   where integration_id in (select id from public.integrations where name = any (p_names))
$$;
create or replace function pg_temp.due() returns text[] language sql as $$
  select coalesce(array_agg(i.name || '/' || s.object order by i.name, s.object), '{}')
    from public.integration_sync_state s join public.integrations i on i.id = s.integration_id
   where i.name in ('A hubspot', 'A salesforce', 'B hubspot', 'B old') and s.next_sync_at <= now()
$$;

select pg_temp.settle(array['A hubspot', 'A salesforce', 'B hubspot', 'B old']);

-- Grants: the service alone calls it; nobody reads the keys directly.
set local role authenticated;
select throws_ok($$ select * from private.receive_webhook_events('hubspot', 'portalId', '[]') $$,
  '42501', null, 'a signed-in user cannot receive webhooks');
select throws_ok('select * from private.webhook_events', '42501', null, 'a user cannot read the keys');
reset role;
set local role anon;
select throws_ok($$ select * from private.receive_webhook_events('hubspot', 'portalId', '[]') $$,
  '42501', null, 'anon cannot receive webhooks');
reset role;
set local role service_role;
select throws_ok('select * from private.webhook_events', '42501', null, 'not even the service reads the keys table');
select throws_ok('select private.prune_webhook_events()', '42501', null, 'pruning is the cron job''s (its owner''s)');

select results_eq(
  $$ select received, duplicates, objects_marked, unknown_accounts
       from private.receive_webhook_events('hubspot', 'portalId', '[
         {"key": "111:1:1", "account": "111", "object": "contact"},
         {"key": "111:1:2", "account": "111", "object": "account"},
         {"key": "111:1:3", "account": "111", "object": null},
         {"key": "111:1:4", "account": "111", "object": "lead"},
         {"key": "999:1:1", "account": "999", "object": "contact"},
         {"key": "333:1:1", "account": "333", "object": "contact"}]') $$,
  $$ values (6, 0, 2, array['333', '999']) $$,
  'six events: two objects of portal 111 marked; portals 999 (never) and 333 (disconnected) unknown');
reset role;
select is(pg_temp.due(), array['A hubspot/account', 'A hubspot/contact'],
  'only the hubspot integration of portal 111 is due: not the other provider''s, not B''s');
select isnt((select sync_requested_at from public.integration_sync_state
              where integration_id = 'a1000000-0000-4000-8000-000000000001' and object = 'contact'),
  null, 'the ask is recorded');
select is((select count(*)::int from public.integration_sync_state where object = 'lead'
             and integration_id = 'a1000000-0000-4000-8000-000000000001'), 0,
  'an object the integration does not sync gets no state row');

-- A replay (or HubSpot's retry) marks nothing.
select pg_temp.settle(array['A hubspot']);
set local role service_role;
select results_eq(
  $$ select received, duplicates, objects_marked
       from private.receive_webhook_events('hubspot', 'portalId', '[
         {"key": "111:1:1", "account": "111", "object": "contact"},
         {"key": "111:1:2", "account": "111", "object": "account"}]') $$,
  $$ values (2, 2, 0) $$, 'a replayed delivery is all duplicates');
reset role;
select is(pg_temp.due(), '{}'::text[], 'and makes nothing due');
set local role service_role;
select results_eq(
  $$ select received, duplicates, objects_marked
       from private.receive_webhook_events('hubspot', 'portalId', '[
         {"key": "111:1:1", "account": "111", "object": "contact"},
         {"key": "111:1:9", "account": "111", "object": "contact"},
         {"key": "111:1:9", "account": "111", "object": "contact"}]') $$,
  $$ values (3, 1, 1) $$, 'in a mixed batch only the new key marks (once, however often it repeats)');
select results_eq(
  $$ select duplicates from private.receive_webhook_events('salesforce', 'portalId',
       '[{"key": "111:1:1", "account": "111", "object": "contact"}]') $$,
  $$ values (0) $$, 'keys are per provider');
reset role;
select is(pg_temp.due(), array['A hubspot/contact', 'A salesforce/contact'],
  'the same account id of another provider is that provider''s integration');

-- B's portal marks B only.
select pg_temp.settle(array['A hubspot', 'A salesforce']);
set local role service_role;
select results_eq(
  $$ select objects_marked, unknown_accounts from private.receive_webhook_events('hubspot', 'portalId',
       '[{"key": "222:1:1", "account": "222", "object": "account"}]') $$,
  $$ values (1, '{}'::text[]) $$, 'portal 222''s event');
reset role;
select is(pg_temp.due(), array['B hubspot/account'], 'marks B''s account object, nothing of A');

-- An object in failure backoff keeps its backoff; the ask is still recorded.
select pg_temp.settle(array['B hubspot']);
update public.integration_sync_state set consecutive_failures = 2, sync_requested_at = null
 where integration_id = 'b1000000-0000-4000-8000-000000000003' and object = 'contact';
set local role service_role;
select results_eq(
  $$ select objects_marked from private.receive_webhook_events('hubspot', 'portalId',
       '[{"key": "222:1:2", "account": "222", "object": "contact"}]') $$,
  $$ values (1) $$, 'a failing object''s ask is recorded');
reset role;
select is(pg_temp.due(), '{}'::text[], 'but it is not pulled out of its backoff');
select isnt((select sync_requested_at from public.integration_sync_state
              where integration_id = 'b1000000-0000-4000-8000-000000000003' and object = 'contact'),
  null, 'the failing object''s ask is on the row');

-- A run claimed before the ask keeps the object due when it reschedules.
update public.integration_sync_state
   set consecutive_failures = 0, last_run_at = now() - interval '60 seconds',
       sync_requested_at = now() - interval '30 seconds', next_sync_at = now()
 where integration_id = 'a1000000-0000-4000-8000-000000000001' and object = 'contact';
update public.integration_sync_state set next_sync_at = now() + interval '15 minutes'
 where integration_id = 'a1000000-0000-4000-8000-000000000001' and object = 'contact';
select is(pg_temp.due(), array['A hubspot/contact'],
  'the run that started before the webhook leaves the object due');
update public.integration_sync_state set last_run_at = now() - interval '10 seconds'
 where integration_id = 'a1000000-0000-4000-8000-000000000001' and object = 'contact';
update public.integration_sync_state set next_sync_at = now() + interval '15 minutes'
 where integration_id = 'a1000000-0000-4000-8000-000000000001' and object = 'contact';
select is(pg_temp.due(), '{}'::text[], 'a run claimed after the ask reschedules normally');
update public.integration_sync_state set last_run_at = now() - interval '60 seconds', next_sync_at = now()
 where integration_id = 'a1000000-0000-4000-8000-000000000001' and object = 'contact';
update public.integration_sync_state set next_sync_at = now() + interval '5 minutes', consecutive_failures = 1
 where integration_id = 'a1000000-0000-4000-8000-000000000001' and object = 'contact';
select is(pg_temp.due(), '{}'::text[], 'a failed run''s backoff holds even with an ask pending');

-- Retention.
insert into private.webhook_events (provider, event_key, received_at) values
  ('hubspot', 'old', now() - interval '4 days'), ('hubspot', 'recent', now() - interval '2 days');
select private.prune_webhook_events();
select is((select array_agg(event_key order by event_key) from private.webhook_events
            where event_key in ('old', 'recent')), array['recent'], 'keys older than three days are pruned');
select is((select schedule from cron.job where jobname = 'prune-webhook-events'), '41 3 * * *',
  'the prune runs daily');
select ok((select relrowsecurity or relnamespace = 'private'::regnamespace from pg_class
            where oid = 'private.webhook_events'::regclass), 'the keys live outside the exposed schema');
select has_index('public', 'integrations', 'integrations_connection_metadata_idx', 'account lookups are indexed');

-- Bad input is refused whole.
set local role service_role;
select throws_ok($$ select * from private.receive_webhook_events('hubspot', 'portalId', '{"key": "x"}') $$,
  '22023', null, 'events must be an array');
reset role;

select * from finish();
rollback;
