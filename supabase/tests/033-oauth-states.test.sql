-- OAuth states are single-use and short-lived: a state is consumed once, a replay gets
-- nothing, an expired state comes back flagged, and a verifier Salesforce would reject is
-- refused at insert.
begin;
select plan(6);

select tests.create_user('owner@a.test');
insert into public.businesses (id, name, created_by) values
  ('a0000000-0000-4000-8000-00000000000a', 'Business A', tests.user_id('owner@a.test'));
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Main org');
insert into private.oauth_states (state_hash, user_id, business_id, integration_id, code_verifier, redirect_uri, redirect_to, expires_at) values
  (sha256('fresh'), tests.user_id('owner@a.test'), 'a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', repeat('v', 64), 'https://fn/callback', 'https://app/done', now() + interval '10 minutes'),
  (sha256('stale'), tests.user_id('owner@a.test'), 'a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', repeat('v', 64), 'https://fn/callback', 'https://app/done', now() - interval '1 second');

set local role service_role;
select is((select expired from private.consume_oauth_state(sha256('fresh'))), false, 'a fresh state is consumed and not expired');
select is_empty($$ select * from private.consume_oauth_state(sha256('fresh')) $$, 'a consumed state cannot be consumed again');
select is((select expired from private.consume_oauth_state(sha256('stale'))), true, 'an expired state comes back flagged as expired');
select is_empty($$ select * from private.consume_oauth_state(sha256('never issued')) $$, 'an unknown state yields nothing');
reset role;

select throws_ok(
  format($$ insert into private.oauth_states (state_hash, user_id, business_id, integration_id, code_verifier, redirect_uri, redirect_to) values (sha256('tilde'), %L, 'a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', %L, 'u', 'v') $$,
         tests.user_id('owner@a.test'), repeat('a', 50) || '~'),
  '23514', null, 'a verifier with ~ (rejected by Salesforce) is refused'
);
select throws_ok(
  format($$ insert into private.oauth_states (state_hash, user_id, business_id, integration_id, code_verifier, redirect_uri, redirect_to) values (sha256('short'), %L, 'a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', %L, 'u', 'v') $$,
         tests.user_id('owner@a.test'), repeat('a', 42)),
  '23514', null, 'a verifier shorter than 43 characters is refused'
);

select * from finish();
rollback;
