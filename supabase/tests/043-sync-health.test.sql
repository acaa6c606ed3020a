-- Sync visibility: members read the health, state and runs of their own business only;
-- owners and admins may pause a sync or change its interval but not touch leases or cursors;
-- the cron job that drives the sync exists with its every-minute schedule.
begin;
select plan(17);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'A org'),
  ('b1000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'salesforce', 'B org');
insert into public.sync_runs (business_id, integration_id, trigger, status, finished_at) values
  ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'cron', 'succeeded', now()),
  ('b0000000-0000-4000-8000-00000000000b', 'b1000000-0000-4000-8000-00000000000b', 'cron', 'failed', now());
insert into public.contacts (business_id, integration_id, source_type, source_id) values
  ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'salesforce', '003000000000001AAA');

select is((select count(*)::int from public.integration_sync_state), 2, 'every integration gets a sync state row');

select tests.authenticate_as('member@a.test');
select is((select array_agg(integration_id) from public.integration_health), array['a1000000-0000-4000-8000-00000000000a'::uuid], 'a member sees the health of their business''s integrations only');
select is((select last_run_status from public.integration_health), 'succeeded', 'health shows the last run');
select is((select contacts_active from public.integration_health), 1::bigint, 'health counts the synced contacts');
select is((select count(*)::int from public.sync_runs), 1, 'a member reads their business''s runs only');
select is((select count(*)::int from public.integration_sync_state), 1, 'a member reads their business''s sync state only');
select is(tests.attempt($$ update public.integration_sync_state set sync_enabled = false $$), 'refused', 'a member cannot pause a sync');
select tests.clear_authentication();

select tests.authenticate_as('owner@a.test');
select is(tests.attempt($$ update public.integration_sync_state set sync_enabled = false, interval_minutes = 60 where integration_id = 'a1000000-0000-4000-8000-00000000000a' $$), 'allowed', 'an owner pauses or reschedules a sync');
select is(tests.attempt($$ update public.integration_sync_state set cursor = '{}' where integration_id = 'a1000000-0000-4000-8000-00000000000a' $$), 'refused', 'an owner cannot move the cursor');
select is(tests.attempt($$ update public.integration_sync_state set lease_owner = 'me' $$), 'refused', 'an owner cannot take the lease');
select is(tests.attempt($$ update public.integration_sync_state set sync_enabled = false where integration_id = 'b1000000-0000-4000-8000-00000000000b' $$), 'refused', 'an owner cannot pause another business''s sync');
select is(tests.attempt($$ insert into public.sync_runs (business_id, integration_id, trigger) values ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'manual') $$), 'refused', 'an owner cannot forge a run');
select tests.clear_authentication();

select tests.authenticate_as_anon();
select is(tests.attempt($$ select 1 from public.integration_health $$), 'refused', 'anon reads no health');
select is(tests.attempt($$ select 1 from public.sync_runs $$), 'refused', 'anon reads no runs');
select tests.clear_authentication();

select is((select schedule from cron.job where jobname = 'sync-cron'), '* * * * *', 'the sync-cron job runs every minute');
select matches((select command from cron.job where jobname = 'sync-cron'), 'net\.http_post.*/functions/v1/sync-cron',
  'the job posts to the sync-cron function with pg_net');
select matches((select command from cron.job where jobname = 'sync-cron'), 'vault\.decrypted_secrets.*sync_cron_secret',
  'the job reads its secret from Vault at run time');

select * from finish();
rollback;
