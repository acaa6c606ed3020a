-- The Data API allows on integrations only what the integrations function allows (issue 14,
-- finding 5): no delete for anyone; an active integration's org (environment, My Domain) does
-- not move, whoever asks; renaming and the API version stay editable; an inactive integration
-- may still move, as PATCH allows.
begin;
select plan(12);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name, status) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Live org', 'active'),
  ('a2000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Idle org', 'inactive');

select tests.authenticate_as('owner@a.test');
select is(tests.attempt($$ delete from public.integrations where id = 'a1000000-0000-4000-8000-00000000000a' $$),
  'refused', 'an owner cannot delete an active integration through the Data API');
select is(tests.attempt($$ delete from public.integrations where id = 'a2000000-0000-4000-8000-00000000000a' $$),
  'refused', 'nor an inactive one: deleting is not a Data API operation');
select throws_ok($$ update public.integrations set environment = 'sandbox' where id = 'a1000000-0000-4000-8000-00000000000a' $$,
  '55000', 'Disconnect the integration before changing its org',
  'an owner cannot move an active integration to the sandbox');
select throws_ok($$ update public.integrations set environment = 'custom', my_domain_url = 'https://evil.my.salesforce.com' where id = 'a1000000-0000-4000-8000-00000000000a' $$,
  '55000', 'Disconnect the integration before changing its org',
  'nor to another My Domain');
select is(tests.attempt($$ update public.integrations set name = 'Renamed', api_version = '61.0' where id = 'a1000000-0000-4000-8000-00000000000a' $$),
  'allowed', 'an owner renames an active integration and sets its API version, as PATCH does');
select is(tests.attempt($$ update public.integrations set environment = 'sandbox' where id = 'a2000000-0000-4000-8000-00000000000a' $$),
  'allowed', 'an owner moves an integration that holds no grant, as PATCH does');
select tests.clear_authentication();

select tests.authenticate_as('admin@a.test');
select throws_ok($$ update public.integrations set environment = 'sandbox' where id = 'a1000000-0000-4000-8000-00000000000a' $$,
  '55000', null, 'an admin cannot move an active integration either');
select is(tests.attempt($$ delete from public.integrations $$), 'refused', 'an admin deletes nothing');
select tests.clear_authentication();

-- The same rule binds the server: a move of an active integration is refused for service_role.
set local role service_role;
select throws_ok($$ update public.integrations set environment = 'sandbox' where id = 'a1000000-0000-4000-8000-00000000000a' $$,
  '55000', null, 'the service cannot move an active integration without disconnecting it');
reset role;

-- Once disconnected (as DELETE /integrations/:id leaves it), the org may change.
update public.integrations set status = 'disconnected' where id = 'a1000000-0000-4000-8000-00000000000a';
select tests.authenticate_as('owner@a.test');
select is(tests.attempt($$ update public.integrations set environment = 'sandbox' where id = 'a1000000-0000-4000-8000-00000000000a' $$),
  'allowed', 'a disconnected integration can be pointed at another org');
select tests.clear_authentication();

select is((select count(*)::int from public.integrations where business_id = 'a0000000-0000-4000-8000-00000000000a'), 2,
  'both integrations are still there');
select is((select environment from public.integrations where id = 'a1000000-0000-4000-8000-00000000000a'), 'production',
  'tests.attempt rolled back its change; nothing moved while the grant was live');

select * from finish();
rollback;
