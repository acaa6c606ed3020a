-- OAuth 1.0a attempts live in private.oauth_states keyed by the request token's hash: the request
-- token secret is kept for the exchange, only the service reads it, a state is consumed once by
-- the token's hash, and an empty secret is refused.
begin;
select plan(6);

select tests.create_user('owner@a.test');
insert into public.businesses (id, name, created_by) values
  ('a0000000-0000-4000-8000-00000000000a', 'Business A', tests.user_id('owner@a.test'));
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'trello', 'Boards');
insert into private.oauth_states (state_hash, user_id, business_id, integration_id, code_verifier, redirect_uri, redirect_to, request_token_secret) values
  (sha256('request-token'), tests.user_id('owner@a.test'), 'a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', repeat('v', 64), 'https://fn/callback/trello', 'https://app/done', 'rt-secret');

select ok(not has_column_privilege('authenticated', 'private.oauth_states', 'request_token_secret', 'select'),
  'a signed-in tenant cannot read a request token secret');
select ok(not has_column_privilege('anon', 'private.oauth_states', 'request_token_secret', 'select'),
  'an anonymous caller cannot read a request token secret');

set local role service_role;
select is((select request_token_secret from private.oauth_states where state_hash = sha256('request-token')),
  'rt-secret', 'the service reads the secret for the exchange');
select is((select expired from private.consume_oauth_state(sha256('request-token'))), false,
  'the callback consumes the attempt by the request token''s hash');
select is_empty($$ select * from private.consume_oauth_state(sha256('request-token')) $$,
  'the same request token cannot be used twice');
reset role;

select throws_ok(
  format($$ insert into private.oauth_states (state_hash, user_id, business_id, integration_id, code_verifier, redirect_uri, redirect_to, request_token_secret) values (sha256('empty'), %L, 'a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', %L, 'u', 'v', '') $$,
         tests.user_id('owner@a.test'), repeat('a', 64)),
  '23514', null, 'an empty request token secret is refused'
);

select * from finish();
rollback;
