-- Alert webhooks: owners and admins of the business manage them and read the delivery log;
-- members and other businesses see nothing; the signing secret is only in Vault.
begin;
select plan(10);

select tests.create_two_businesses();
insert into public.alert_webhooks (id, business_id, url) values
  ('a2000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'https://hooks.a.test/alerts');
set local role service_role;
select lives_ok($$ select private.save_webhook_secret('a2000000-0000-4000-8000-00000000000a', 'whsec-A-SECRET') $$, 'the service stores a webhook secret');
select is(private.read_webhook_secret('a2000000-0000-4000-8000-00000000000a'), 'whsec-A-SECRET', 'and reads it back to sign');
reset role;

select tests.authenticate_as('owner@a.test');
select is(tests.attempt($$ select 1 from public.alert_webhooks $$), 'allowed', 'an owner reads the business''s webhooks');
select is(tests.attempt($$ insert into public.alert_webhooks (business_id, url) values ('a0000000-0000-4000-8000-00000000000a', 'https://second.a.test') $$), 'allowed', 'an owner adds a webhook');
select throws_ok($$ select private.read_webhook_secret('a2000000-0000-4000-8000-00000000000a') $$, '42501', null, 'an owner cannot read the signing secret back');
select tests.clear_authentication();

select tests.authenticate_as('member@a.test');
select is(tests.attempt($$ select 1 from public.alert_webhooks $$), 'refused', 'a member does not see webhooks');
select is(tests.attempt($$ insert into public.alert_webhooks (business_id, url) values ('a0000000-0000-4000-8000-00000000000a', 'https://x.test') $$), 'refused', 'a member cannot add a webhook');
select tests.clear_authentication();

select tests.authenticate_as('owner@b.test');
select is(tests.attempt($$ select 1 from public.alert_webhooks where business_id = 'a0000000-0000-4000-8000-00000000000a' $$), 'refused', 'another business''s owner cannot see A''s webhooks');
select is(tests.attempt($$ update public.alert_webhooks set url = 'https://evil.test' $$), 'refused', 'another business''s owner cannot redirect A''s alerts');
select tests.clear_authentication();

delete from public.alert_webhooks where id = 'a2000000-0000-4000-8000-00000000000a';
select is((select count(*)::int from vault.secrets where name = 'alert_webhook:a2000000-0000-4000-8000-00000000000a'), 0,
  'deleting a webhook deletes its Vault secret');

select * from finish();
rollback;
