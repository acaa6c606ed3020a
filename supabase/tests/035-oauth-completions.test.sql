-- Completion tickets are the service's alone: no tenant role may read, write or even count
-- them; the service records, reads and settles them but never deletes one directly (they go
-- with their state). A completion is settled once, and its sealed code goes when it is.
begin;
select plan(17);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Main org');
insert into private.oauth_states (state_hash, user_id, business_id, integration_id, code_verifier, redirect_uri, redirect_to, consumed_at) values
  (sha256('used'), tests.user_id('owner@a.test'), 'a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', repeat('v', 64), 'https://fn/callback', 'https://app/done', now()),
  (sha256('other'), tests.user_id('owner@a.test'), 'a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', repeat('v', 64), 'https://fn/callback', 'https://app/done', now()),
  (sha256('third'), tests.user_id('owner@a.test'), 'a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', repeat('v', 64), 'https://fn/callback', 'https://app/done', now());
insert into private.oauth_completions (ticket_hash, state_hash, sealed_code) values
  (sha256('ticket'), sha256('used'), decode(repeat('ab', 40), 'hex'));

-- Tenants: nothing, whatever their role in the business.
select tests.authenticate_as('owner@a.test');
select throws_ok($$ select count(*) from private.oauth_completions $$, '42501', null,
  'the initiator cannot read completions');
select throws_ok($$ update private.oauth_completions set outcome = 'connected', settled_at = now(), sealed_code = null $$,
  '42501', null, 'nor settle one');
select throws_ok($$ insert into private.oauth_completions (ticket_hash, state_hash, sealed_code) values (sha256('mine'), sha256('other'), decode(repeat('ab', 40), 'hex')) $$,
  '42501', null, 'nor record one');
select throws_ok($$ delete from private.oauth_completions $$, '42501', null, 'nor delete one');
select tests.authenticate_as('owner@b.test');
select throws_ok($$ select count(*) from private.oauth_completions $$, '42501', null,
  'a user of another business cannot read completions');
select tests.authenticate_as_anon();
select throws_ok($$ select count(*) from private.oauth_completions $$, '42501', null,
  'anon cannot read completions');
select tests.clear_authentication();

-- The service: records, reads, settles; deletes nothing itself.
set local role service_role;
select is((select count(*)::int from private.oauth_completions), 1, 'the service reads completions');
select lives_ok($$ insert into private.oauth_completions (ticket_hash, state_hash, sealed_code) values (sha256('ticket 2'), sha256('other'), decode(repeat('cd', 40), 'hex')) $$,
  'the service records a completion');
select throws_ok($$ insert into private.oauth_completions (ticket_hash, state_hash, sealed_code) values (sha256('ticket 3'), sha256('used'), decode(repeat('cd', 40), 'hex')) $$,
  '23505', null, 'a state has one completion only');
select throws_ok($$ update private.oauth_completions set outcome = 'connected', settled_at = now() where ticket_hash = sha256('ticket') $$,
  '23514', null, 'a settled completion keeps no sealed code');
select throws_ok($$ update private.oauth_completions set sealed_code = null where ticket_hash = sha256('ticket') $$,
  '23514', null, 'an open completion keeps its sealed code');
select throws_ok($$ update private.oauth_completions set outcome = 'Connected!', settled_at = now(), sealed_code = null where ticket_hash = sha256('ticket') $$,
  '23514', null, 'an outcome is one of our codes');
select lives_ok($$ update private.oauth_completions set outcome = 'connected', settled_at = now(), sealed_code = null, settled_by = tests.user_id('owner@a.test') where ticket_hash = sha256('ticket') $$,
  'the service settles a completion, dropping its code');
select throws_ok($$ delete from private.oauth_completions $$, '42501', null,
  'the service does not delete completions directly');
select throws_ok($$ insert into private.oauth_completions (ticket_hash, state_hash, sealed_code) values (sha256('short'), sha256('third'), decode('ab', 'hex')) $$,
  '23514', null, 'a sealed code is at least nonce and tag long');
reset role;

-- A completion goes with its state: a disconnect forgetting the state forgets the ticket.
set local role service_role;
delete from private.oauth_states where state_hash = sha256('other');
select is((select count(*)::int from private.oauth_completions where state_hash = sha256('other')), 0,
  'deleting the state deletes its completion');
reset role;
select is((select count(*)::int from private.oauth_completions), 1, 'the other completion stays');

select * from finish();
rollback;
