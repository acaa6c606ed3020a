-- Events, consents and the audit trail of integrations: members read their own business's
-- events and consents, owners and admins the audit log; nobody but the server writes them;
-- the audit trigger records who changed what and never a secret.
begin;
select plan(16);

select tests.create_two_businesses();

select tests.authenticate_as('admin@a.test');
insert into public.integrations (business_id, provider, name) values
  ('a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Main org');
update public.integrations set name = 'Renamed' where name = 'Main org';
select tests.clear_authentication();
-- The id the database chose (the admin may not choose one), for the rest of this file.
select set_config('tests.integration_id', (select id::text from public.integrations where name = 'Renamed'), true);
insert into public.integration_events (business_id, integration_id, type, metadata) values
  ('a0000000-0000-4000-8000-00000000000a', current_setting('tests.integration_id')::uuid, 'connected', '{"instance_url":"https://x.my.salesforce.com"}');
insert into public.integration_consents (business_id, integration_id, granted_by, scopes) values
  ('a0000000-0000-4000-8000-00000000000a', current_setting('tests.integration_id')::uuid, tests.user_id('admin@a.test'), '{api,refresh_token}');
update public.integrations set status = 'active' where id = current_setting('tests.integration_id')::uuid;

select is(
  (select changes from public.integration_audit_log where action = 'update' and actor_id = tests.user_id('admin@a.test')),
  '{"name": ["Main org", "Renamed"]}'::jsonb,
  'the audit log records who renamed the integration, from what to what'
);
select is(
  (select count(*)::int from public.integration_audit_log where action = 'update' and actor_id is null and changes ? 'status'),
  1, 'a change by the server is logged with no actor'
);
select is(
  (select count(*)::int from public.integration_audit_log where action = 'insert' and actor_id = tests.user_id('admin@a.test')),
  1, 'creation is logged with its author'
);

select tests.authenticate_as('member@a.test');
select is(tests.attempt($$ select 1 from public.integration_events $$), 'allowed', 'a member reads the business''s integration events');
select is(tests.attempt($$ select 1 from public.integration_consents $$), 'allowed', 'a member reads the business''s consents');
select is(tests.attempt($$ select 1 from public.integration_audit_log $$), 'refused', 'a member cannot read the audit log');
select tests.clear_authentication();

select tests.authenticate_as('admin@a.test');
select is(tests.attempt($$ select 1 from public.integration_audit_log $$), 'allowed', 'an admin reads the audit log');
select is(tests.attempt(format($$ insert into public.integration_events (business_id, integration_id, type) values ('a0000000-0000-4000-8000-00000000000a', %L, 'connected') $$, current_setting('tests.integration_id'))), 'refused', 'an admin cannot forge an event');
select is(tests.attempt($$ update public.integration_consents set withdrawn_at = now() $$), 'refused', 'an admin cannot rewrite consent history');
select is(tests.attempt($$ delete from public.integration_audit_log $$), 'refused', 'an admin cannot erase the audit log');
select tests.clear_authentication();

select tests.authenticate_as('owner@b.test');
select is(tests.attempt($$ select 1 from public.integration_events $$), 'refused', 'another business''s owner sees no events of A');
select is(tests.attempt($$ select 1 from public.integration_consents $$), 'refused', 'another business''s owner sees no consents of A');
select is(tests.attempt($$ select 1 from public.integration_audit_log $$), 'refused', 'another business''s owner sees no audit of A');
select tests.clear_authentication();

select tests.authenticate_as_anon();
select is(tests.attempt($$ select 1 from public.integration_events $$), 'refused', 'anon reads no events');
select is(tests.attempt($$ select 1 from public.integration_consents $$), 'refused', 'anon reads no consents');
select tests.clear_authentication();

select is_empty(
  $$ select 1 from public.integration_audit_log where changes::text ~* '(token|secret|verifier)' $$,
  'the audit trail holds no token, secret or verifier'
);

select * from finish();
rollback;
