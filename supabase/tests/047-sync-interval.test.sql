-- A changed sync interval takes effect at once: shortening it pulls the next sync in, lengthening
-- it leaves the sync already scheduled, and a failing integration keeps its backoff.
begin;
select plan(5);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'A org'),
  ('a2000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'A failing org');
-- Both ran 10 minutes ago; one completed (next in 15 minutes), one is backing off for 2 hours.
update public.integration_sync_state
   set last_run_at = now() - interval '10 minutes',
       next_sync_at = now() + interval '5 minutes'
 where integration_id = 'a1000000-0000-4000-8000-00000000000a';
update public.integration_sync_state
   set last_run_at = now() - interval '10 minutes', consecutive_failures = 4,
       next_sync_at = now() + interval '110 minutes'
 where integration_id = 'a2000000-0000-4000-8000-00000000000a';

select tests.authenticate_as('owner@a.test');
update public.integration_sync_state set interval_minutes = 12
 where integration_id = 'a1000000-0000-4000-8000-00000000000a';
select is((select next_sync_at from public.integration_sync_state where integration_id = 'a1000000-0000-4000-8000-00000000000a'),
  now() + interval '2 minutes', 'a shorter interval moves the next sync to last run + interval');
update public.integration_sync_state set interval_minutes = 5
 where integration_id = 'a1000000-0000-4000-8000-00000000000a';
select is((select next_sync_at from public.integration_sync_state where integration_id = 'a1000000-0000-4000-8000-00000000000a'),
  now() - interval '5 minutes', 'one already past makes the sync due at once');
update public.integration_sync_state set interval_minutes = 60
 where integration_id = 'a1000000-0000-4000-8000-00000000000a';
select is((select next_sync_at from public.integration_sync_state where integration_id = 'a1000000-0000-4000-8000-00000000000a'),
  now() - interval '5 minutes', 'a longer interval leaves the sync already scheduled');
update public.integration_sync_state set interval_minutes = 1
 where integration_id = 'a2000000-0000-4000-8000-00000000000a';
select is((select next_sync_at from public.integration_sync_state where integration_id = 'a2000000-0000-4000-8000-00000000000a'),
  now() + interval '110 minutes', 'a failing integration keeps its backoff');
select tests.clear_authentication();

update public.integration_sync_state set next_sync_at = now() + interval '1 hour', sync_enabled = false
 where integration_id = 'a1000000-0000-4000-8000-00000000000a';
select is((select next_sync_at from public.integration_sync_state where integration_id = 'a1000000-0000-4000-8000-00000000000a'),
  now() + interval '1 hour', 'other updates (the sync''s own) are left alone');

select * from finish();
rollback;
