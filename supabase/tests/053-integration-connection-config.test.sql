-- The provider platform's columns (issue 10): any registry id goes in integrations.provider
-- (its shape is checked, not a list); connection_config is the tenant's (owners and admins set
-- it while the integration is not active, members never); connection_metadata and
-- api_base_url are the server's; a Salesforce row's environment columns and its config agree.
begin;
select plan(17);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name, status) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Live org', 'active'),
  ('a2000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'zendesk', 'Desk', 'inactive'),
  ('b1000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'zendesk', 'B desk', 'inactive');

-- Provider ids: any registry-shaped id; nothing that could break a URL path or a log line.
select lives_ok($$ insert into public.integrations (business_id, provider, name) values ('a0000000-0000-4000-8000-00000000000a', 'hubspot', 'CRM two') $$,
  'a provider the registry holds needs no migration');
select throws_ok($$ insert into public.integrations (business_id, provider, name) values ('a0000000-0000-4000-8000-00000000000a', 'Evil/../x', 'Bad') $$,
  '23514', null, 'a provider id outside [a-z0-9_-] is refused');
select throws_ok($$ insert into public.integrations (business_id, provider, name, connection_config) values ('a0000000-0000-4000-8000-00000000000a', 'zendesk', 'Arr', '[1]') $$,
  '23514', null, 'connection_config is a JSON object');

select tests.authenticate_as('owner@a.test');
select is(tests.attempt($$ update public.integrations set connection_config = '{"subdomain":"acme"}' where id = 'a2000000-0000-4000-8000-00000000000a' $$),
  'allowed', 'an owner sets the config of an integration that is not active');
select is(tests.attempt($$ insert into public.integrations (business_id, provider, name, connection_config) values ('a0000000-0000-4000-8000-00000000000a', 'zendesk', 'Desk 2', '{"subdomain":"acme"}') $$),
  'allowed', 'and creates one with its config');
select throws_ok($$ update public.integrations set connection_config = '{"environment":"sandbox"}' where id = 'a1000000-0000-4000-8000-00000000000a' $$,
  '55000', null, 'but cannot re-point an active integration through its config');
select throws_ok($$ update public.integrations set connection_metadata = '{"instance_url":"https://evil.test"}' where id = 'a2000000-0000-4000-8000-00000000000a' $$,
  '42501', null, 'connection_metadata is the server''s: no tenant grant');
select throws_ok($$ update public.integrations set api_base_url = 'https://evil.test' where id = 'a2000000-0000-4000-8000-00000000000a' $$,
  '42501', null, 'nor api_base_url: a tenant cannot send a token elsewhere');
select is(tests.attempt($$ update public.integrations set connection_config = '{"subdomain":"x"}' where id = 'b1000000-0000-4000-8000-00000000000b' $$),
  'refused', 'another business''s integration is out of reach');
select tests.clear_authentication();

select tests.authenticate_as('admin@a.test');
select is(tests.attempt($$ update public.integrations set connection_config = '{"subdomain":"beta"}' where id = 'a2000000-0000-4000-8000-00000000000a' $$),
  'allowed', 'an admin sets the config too');
select tests.clear_authentication();

-- tests.attempt rolls its statement back; give the integration a config to defend.
update public.integrations set connection_config = '{"subdomain":"acme"}'
 where id = 'a2000000-0000-4000-8000-00000000000a';
select tests.authenticate_as('member@a.test');
select is(tests.attempt($$ update public.integrations set connection_config = '{"subdomain":"x"}' where id = 'a2000000-0000-4000-8000-00000000000a' $$),
  'refused', 'a member cannot change where a connection points');
select is((select connection_config ->> 'subdomain' from public.integrations where id = 'a2000000-0000-4000-8000-00000000000a'), 'acme',
  'members read the config (no secret is in it); the refused attempt changed nothing');
select tests.clear_authentication();

-- The service sets what the provider told it, while active (connect time, identity lookups).
set local role service_role;
select lives_ok($$ update public.integrations set connection_metadata = '{"instance_url":"https://acme.my.salesforce.com"}', api_base_url = 'https://acme.my.salesforce.com' where id = 'a1000000-0000-4000-8000-00000000000a' $$,
  'the service records metadata and the API base of an active integration');
reset role;

-- Salesforce: the environment columns and the config are one thing, whichever door wrote it.
select is((select connection_config from public.integrations where id = 'a1000000-0000-4000-8000-00000000000a'),
  '{"environment":"production"}'::jsonb, 'a Salesforce row''s config carries its environment');
update public.integrations set status = 'inactive' where id = 'a1000000-0000-4000-8000-00000000000a';
update public.integrations set environment = 'custom', my_domain_url = 'https://acme.my.salesforce.com'
 where id = 'a1000000-0000-4000-8000-00000000000a';
select is((select connection_config from public.integrations where id = 'a1000000-0000-4000-8000-00000000000a'),
  '{"environment":"custom","my_domain_url":"https://acme.my.salesforce.com"}'::jsonb,
  'writing the columns updates the config');
update public.integrations set connection_config = '{"environment":"sandbox"}'
 where id = 'a1000000-0000-4000-8000-00000000000a';
select is((select environment || ' ' || coalesce(my_domain_url, '-') from public.integrations where id = 'a1000000-0000-4000-8000-00000000000a'),
  'sandbox -', 'writing the config updates the columns');
select throws_ok($$ update public.integrations set connection_config = '{"environment":"custom"}' where id = 'a1000000-0000-4000-8000-00000000000a' $$,
  '23514', null, 'a custom environment without a My Domain is refused through the config too');

select * from finish();
rollback;
