-- The sync-cron job's fan-out: the sizing rule (ceil(due / per invocation), at least 1, at most
-- the cap), the due count (what a claim would take now), the settings row, and the job posting
-- one request per invocation. Only the job's owner may size it.
begin;
select plan(16);

select is(private.sync_cron_invocations_for(0, 150, 10), 1, 'nothing due: still one invocation (alerts, expired leases)');
select is(private.sync_cron_invocations_for(1, 150, 10), 1, 'one due: one invocation');
select is(private.sync_cron_invocations_for(150, 150, 10), 1, 'exactly one invocation''s worth: one');
select is(private.sync_cron_invocations_for(151, 150, 10), 2, 'one more than that: two');
select is(private.sync_cron_invocations_for(667, 60, 20), 12, '10,000 integrations every 15 minutes: twelve a minute');
select is(private.sync_cron_invocations_for(10000, 150, 10), 10, 'never more than the cap');
select is(private.sync_cron_invocations_for(10000, 150, 100), 67, 'a higher cap allows more');
select is(private.sync_cron_invocations_for(-5, 0, 0), 1, 'nonsense inputs still give one');

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name, status, last_error_code) values
  ('a1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'due', 'active', null),
  ('a1000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'due failing', 'error', 'sync_failing'),
  ('a1000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'not due', 'active', null),
  ('a1000000-0000-4000-8000-000000000004', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'leased', 'active', null),
  ('a1000000-0000-4000-8000-000000000005', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'reauth', 'error', 'reauth_required'),
  ('b1000000-0000-4000-8000-000000000006', 'b0000000-0000-4000-8000-00000000000b', 'salesforce', 'due B', 'active', null);
-- Only these six count: every other integration of the database is pushed out of the way.
update public.integration_sync_state set next_sync_at = now() + interval '1 day'
 where integration_id not in (select id from public.integrations where name in ('due', 'due failing', 'leased', 'reauth', 'due B'));
update public.integration_sync_state set next_sync_at = now() - interval '1 minute'
 where integration_id in (select id from public.integrations where name in ('due', 'due failing', 'leased', 'reauth', 'due B'));
update public.integration_sync_state set lease_owner = 'cron:x', lease_expires_at = now() + interval '1 minute'
 where integration_id = 'a1000000-0000-4000-8000-000000000004';

select is(private.sync_due_count(100), 3, 'due counts what a claim would take: due, claimable, unleased, any business');
select is(private.sync_due_count(2), 2, 'the count stops at its limit');
select is(private.sync_cron_invocations(), 1, 'three due at the default 60 per invocation: one');
update private.sync_cron_settings set runs_per_invocation = 1, max_invocations = 2;
select is(private.sync_cron_invocations(), 2, 'at one per invocation, three due are capped at two');

do $$ begin
  perform vault.create_secret('https://project.example.test', 'project_url');
  perform vault.create_secret('test-secret-value-0123456789', 'sync_cron_secret');
end $$;
create temporary table before_job as select coalesce(max(id), 0) as id from net.http_request_queue;
do $$ begin execute (select command from cron.job where jobname = 'sync-cron'); end $$;
select is(
  (select count(*)::int from net.http_request_queue
    where id > (select id from before_job) and url = 'https://project.example.test/functions/v1/sync-cron'),
  2, 'the job posts one request per invocation');
select is(
  (select array_agg((convert_from(body, 'UTF8')::jsonb ->> 'invocation')::int order by id)
     from net.http_request_queue where id > (select id from before_job)),
  array[1, 2], 'each says which invocation it is');

set local role authenticated;
select throws_ok('select private.sync_cron_invocations()', '42501', null, 'an API role cannot size the fan-out');
reset role;
set local role service_role;
select throws_ok('select * from private.sync_cron_settings', '42501', null, 'not even the service reads the settings');
reset role;

select * from finish();
rollback;
