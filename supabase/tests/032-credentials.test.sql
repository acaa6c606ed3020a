-- Secrets stay secret: anon and authenticated can read no token, client secret, verifier or
-- Vault row, and execute no credential function; the service round-trips tokens through Vault,
-- ciphertext at rest, and deleting an integration deletes its Vault secrets.
begin;
select plan(22);

select tests.create_user('owner@a.test');
insert into public.businesses (id, name, created_by) values
  ('a0000000-0000-4000-8000-00000000000a', 'Business A', tests.user_id('owner@a.test'));
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Main org');

set local role service_role;
select is(
  private.save_integration_tokens('a1000000-0000-4000-8000-00000000000a',
    '{"access_token":"00Dxx!ACCESS-ONE","refresh_token":"5Aep-REFRESH-ONE","instance_url":"https://a.my.salesforce.com","issued_at":"1"}'),
  1::bigint, 'the service saves tokens (version 1)'
);
select is(
  private.save_integration_tokens('a1000000-0000-4000-8000-00000000000a',
    '{"access_token":"00Dxx!ACCESS-TWO","refresh_token":"5Aep-REFRESH-TWO","instance_url":"https://a.my.salesforce.com","issued_at":"2"}'),
  2::bigint, 'saving again bumps the version'
);
select is(
  (select tokens ->> 'refresh_token' from private.read_integration_tokens('a1000000-0000-4000-8000-00000000000a')),
  '5Aep-REFRESH-TWO', 'the access and refresh tokens are read back together, latest write'
);
select lives_ok(
  $$ select private.save_integration_client('a1000000-0000-4000-8000-00000000000a', 'CLIENT-ID', 'CLIENT-SECRET-XYZ') $$,
  'the service saves a tenant''s own client credentials'
);
select is(
  (select client_secret from private.read_integration_client('a1000000-0000-4000-8000-00000000000a')),
  'CLIENT-SECRET-XYZ', 'and reads them back'
);
reset role;

select is_empty(
  $$ select 1 from vault.secrets where secret ~ '(ACCESS|REFRESH|CLIENT-SECRET)' $$,
  'Vault stores ciphertext, not the tokens'
);
select is((select count(*)::int from vault.secrets where name like 'integration_%:a1000000-0000-4000-8000-00000000000a'), 2,
  'the integration has two Vault secrets (tokens, client)');

-- What a tenant can reach: nothing.
select tests.authenticate_as('owner@a.test');
select throws_ok($$ select * from private.integration_secrets $$, '42501', null, 'an owner cannot read the secret mapping');
select throws_ok($$ select * from private.oauth_states $$, '42501', null, 'an owner cannot read OAuth states or verifiers');
select throws_ok($$ select * from vault.secrets $$, '42501', null, 'an owner cannot read vault.secrets');
select throws_ok($$ select * from vault.decrypted_secrets $$, '42501', null, 'an owner cannot read vault.decrypted_secrets');
select throws_ok($$ select private.read_integration_tokens('a1000000-0000-4000-8000-00000000000a') $$, '42501', null, 'an owner cannot call read_integration_tokens');
select throws_ok($$ select private.read_integration_client('a1000000-0000-4000-8000-00000000000a') $$, '42501', null, 'an owner cannot call read_integration_client');
select throws_ok($$ select private.save_integration_tokens('a1000000-0000-4000-8000-00000000000a', '{"access_token":"x"}') $$, '42501', null, 'an owner cannot overwrite tokens');
select is_empty($$ select 1 from public.integrations where row_to_json(integrations)::text ~ '(ACCESS|REFRESH|CLIENT-SECRET)' $$,
  'nothing secret is in the integration row an owner can read');
select tests.clear_authentication();

select tests.authenticate_as_anon();
select throws_ok($$ select * from vault.decrypted_secrets $$, '42501', null, 'anon cannot read vault.decrypted_secrets');
select throws_ok($$ select private.read_integration_tokens('a1000000-0000-4000-8000-00000000000a') $$, '42501', null, 'anon cannot call read_integration_tokens');
select throws_ok($$ select private.consume_oauth_state(decode(repeat('00', 32), 'hex')) $$, '42501', null, 'anon cannot consume OAuth states');
select tests.clear_authentication();

set local role service_role;
select lives_ok($$ select private.delete_integration_tokens('a1000000-0000-4000-8000-00000000000a') $$, 'the service can forget the tokens');
select is_empty($$ select * from private.read_integration_tokens('a1000000-0000-4000-8000-00000000000a') $$, 'after which no token can be read');
select is((select client_id from private.read_integration_client('a1000000-0000-4000-8000-00000000000a')), 'CLIENT-ID', 'while the tenant''s client credentials stay');
reset role;

delete from public.integrations where id = 'a1000000-0000-4000-8000-00000000000a';
select is((select count(*)::int from vault.secrets where name like 'integration_%:a1000000-0000-4000-8000-00000000000a'), 0,
  'deleting the integration deletes its Vault secrets');

select * from finish();
rollback;
