-- Sync leases: claim_due_syncs takes due, syncable, unleased integrations (oldest first, up to
-- the limit) and writes the lease; a live lease, a future schedule, a pause, a disabled sync or
-- a connection problem keeps an integration out; an expired lease is taken over and its dead
-- run marked abandoned; claim_sync takes one now. Only the service may claim. A reconnect
-- resets the failure streak.
begin;
select plan(22);

select tests.create_two_businesses();
-- One integration per situation; the third character of the id says which.
insert into public.integrations (id, business_id, provider, name, status, last_error_code) values
  ('a1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'due oldest', 'active', null),
  ('a1000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'due', 'active', null),
  ('a1000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'failing', 'error', 'sync_failing'),
  ('a1000000-0000-4000-8000-000000000004', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'not due', 'active', null),
  ('a1000000-0000-4000-8000-000000000005', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'paused', 'error', 'reauth_required'),
  ('a1000000-0000-4000-8000-000000000006', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'disabled', 'active', null),
  ('a1000000-0000-4000-8000-000000000007', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'disconnected', 'disconnected', null),
  ('b1000000-0000-4000-8000-000000000008', 'b0000000-0000-4000-8000-00000000000b', 'salesforce', 'leased', 'active', null);
update public.integration_sync_state set next_sync_at = now() - interval '10 minutes'
 where integration_id = 'a1000000-0000-4000-8000-000000000001';
update public.integration_sync_state set next_sync_at = now() - interval '5 minutes'
 where integration_id in ('a1000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000003');
update public.integration_sync_state set next_sync_at = now() + interval '5 minutes'
 where integration_id = 'a1000000-0000-4000-8000-000000000004';
update public.integration_sync_state set paused_reason = 'reauth_required'
 where integration_id = 'a1000000-0000-4000-8000-000000000005';
update public.integration_sync_state set sync_enabled = false
 where integration_id = 'a1000000-0000-4000-8000-000000000006';
update public.integration_sync_state set lease_owner = 'cron:other', lease_expires_at = now() + interval '1 minute'
 where integration_id = 'b1000000-0000-4000-8000-000000000008';
insert into public.sync_runs (business_id, integration_id, trigger) values
  ('b0000000-0000-4000-8000-00000000000b', 'b1000000-0000-4000-8000-000000000008', 'cron');

select is((select read_in_progress from public.integration_sync_state
            where integration_id = 'a1000000-0000-4000-8000-000000000001'), false,
  'a new integration has no read in progress');

set local role service_role;
select is(
  (select array_agg(integration_id::text) from private.claim_due_syncs('cron:one', 2, 60)),
  array['a1000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000002'],
  'claims due integrations oldest first, up to the limit');
select is(
  (select lease_owner from public.integration_sync_state where integration_id = 'a1000000-0000-4000-8000-000000000001'),
  'cron:one', 'the claim writes the lease owner');
select is(
  (select lease_expires_at from public.integration_sync_state where integration_id = 'a1000000-0000-4000-8000-000000000001'),
  now() + interval '60 seconds', 'and the lease expiry');
select is(
  (select array_agg(integration_id::text) from private.claim_due_syncs('cron:two', 10, 60)),
  array['a1000000-0000-4000-8000-000000000003'],
  'a second claim skips live leases and takes an integration failing because of the sync');
select is(
  (select count(*)::int from private.claim_due_syncs('cron:three', 10, 60)), 0,
  'not due, paused, disabled, disconnected and leased integrations are not claimed');
select is(
  (select provider || ' ' || business_id::text || ' ' || interval_minutes from private.claim_sync('a1000000-0000-4000-8000-000000000004', 'contact', 'manual:one', 60)),
  'salesforce a0000000-0000-4000-8000-00000000000a 15',
  'claim_sync takes an integration that is not due, with what the run needs');
select is((select count(*)::int from private.claim_sync('a1000000-0000-4000-8000-000000000004', 'contact', 'manual:two', 60)), 0,
  'claim_sync does not take a leased integration');
select is((select count(*)::int from private.claim_sync('a1000000-0000-4000-8000-000000000005', 'contact', 'manual:two', 60)), 0,
  'nor a paused one');
select is((select count(*)::int from private.claim_sync('a1000000-0000-4000-8000-000000000007', 'contact', 'manual:two', 60)), 0,
  'nor a disconnected one');
select is((select count(*)::int from private.claim_sync('a1000000-0000-4000-8000-000000000006', 'contact', 'manual:two', 60)), 1,
  'a disabled schedule does not stop a manual sync');

-- The other holder died: its lease expires.
reset role;
update public.integration_sync_state set lease_expires_at = now() - interval '1 second'
 where integration_id = 'b1000000-0000-4000-8000-000000000008';
set local role service_role;
select is(
  (select lease_owner from private.claim_due_syncs('cron:four', 10, 60)),
  'cron:four', 'an expired lease is taken over');
select is(
  (select status || ' ' || error_code from public.sync_runs where integration_id = 'b1000000-0000-4000-8000-000000000008'),
  'abandoned lease_expired', 'and the dead holder''s run is marked abandoned');
reset role;

select tests.authenticate_as('owner@a.test');
select is(tests.attempt($$ select * from private.claim_due_syncs('me', 10, 60) $$), 'refused', 'a user cannot claim syncs');
select is(tests.attempt($$ select * from private.claim_sync('a1000000-0000-4000-8000-000000000001', 'contact', 'me', 60) $$), 'refused', 'nor claim one');
select is(tests.attempt($$ update public.integration_sync_state set read_in_progress = true $$), 'refused', 'nor mark a read in progress');
select tests.clear_authentication();
select tests.authenticate_as_anon();
select is(tests.attempt($$ select * from private.claim_due_syncs('me', 10, 60) $$), 'refused', 'anon cannot claim syncs');
select tests.clear_authentication();

-- A reconnect: the integration becomes active again.
update public.integration_sync_state set consecutive_failures = 5
 where integration_id in ('a1000000-0000-4000-8000-000000000003', 'a1000000-0000-4000-8000-000000000001');
update public.integrations set status = 'active', last_error_code = null
 where id = 'a1000000-0000-4000-8000-000000000003';
select is((select consecutive_failures from public.integration_sync_state where integration_id = 'a1000000-0000-4000-8000-000000000003'), 0,
  'an integration that becomes active again starts a fresh failure streak');
update public.integrations set name = 'renamed' where id = 'a1000000-0000-4000-8000-000000000001';
select is((select consecutive_failures from public.integration_sync_state where integration_id = 'a1000000-0000-4000-8000-000000000001'), 5,
  'other changes of an active integration keep the streak');
select is(private.sync_claimable('active', null), true, 'active integrations are syncable');
select is(private.sync_claimable('error', 'reauth_required'), false, 'an integration waiting for a reconnect is not');
select is(private.sync_claimable('pending', null), false, 'nor one never connected');

select * from finish();
rollback;
