-- Who may do what to public.accounts and public.crm_leads (synced CRM copies): anon, a user of
-- another business, a member, an admin and an owner read or are refused; no tenant writes, only
-- the service role (the sync) does; and the integration must be of the row's own business.
begin;
select plan(58);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Main org'),
  ('b1000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'salesforce', 'Main org');
insert into public.accounts (id, business_id, integration_id, source_type, source_id, name) values
  ('a3000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'salesforce', '001000000000001AAA', 'Acme'),
  ('b3000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'b1000000-0000-4000-8000-00000000000b', 'salesforce', '001000000000002AAA', 'Globex');
insert into public.crm_leads (id, business_id, integration_id, source_type, source_id, last_name, company) values
  ('a4000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'salesforce', '00Q000000000001AAA', 'Lovelace', 'Acme'),
  ('b4000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'b1000000-0000-4000-8000-00000000000b', 'salesforce', '00Q000000000002AAA', 'Hopper', 'Globex');
create temporary table stmt (name text primary key, sql text) on commit drop;
grant select on stmt to anon, authenticated, service_role;
insert into stmt values
  ('accounts:read', $$ select 1 from public.accounts where id = 'a3000000-0000-4000-8000-00000000000a' $$),
  ('accounts:insert', $$ insert into public.accounts (business_id, source_type, source_id, name) values ('a0000000-0000-4000-8000-00000000000a', 'salesforce', '001000000000009AAA', 'Forged') $$),
  ('accounts:update', $$ update public.accounts set name = 'Renamed' where id = 'a3000000-0000-4000-8000-00000000000a' $$),
  ('accounts:delete', $$ delete from public.accounts where id = 'a3000000-0000-4000-8000-00000000000a' $$),
  ('crm_leads:read', $$ select 1 from public.crm_leads where id = 'a4000000-0000-4000-8000-00000000000a' $$),
  ('crm_leads:insert', $$ insert into public.crm_leads (business_id, source_type, source_id, last_name) values ('a0000000-0000-4000-8000-00000000000a', 'salesforce', '00Q000000000009AAA', 'Forged') $$),
  ('crm_leads:update', $$ update public.crm_leads set status = 'Working - Contacted' where id = 'a4000000-0000-4000-8000-00000000000a' $$),
  ('crm_leads:delete', $$ delete from public.crm_leads where id = 'a4000000-0000-4000-8000-00000000000a' $$);

-- accounts: the tenant matrix, then the service role
select tests.authenticate_as_anon();
select is(tests.attempt((select sql from stmt where name = 'accounts:read')), 'refused', 'anon cannot read the business''s accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:insert')), 'refused', 'anon cannot insert accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:update')), 'refused', 'anon cannot change accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:delete')), 'refused', 'anon cannot delete accounts');
select tests.clear_authentication();
select tests.authenticate_as('owner@b.test');
select is(tests.attempt((select sql from stmt where name = 'accounts:read')), 'refused', 'another business''s owner cannot read the business''s accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:insert')), 'refused', 'another business''s owner cannot insert accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:update')), 'refused', 'another business''s owner cannot change accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:delete')), 'refused', 'another business''s owner cannot delete accounts');
select tests.clear_authentication();
select tests.authenticate_as('member@a.test');
select is(tests.attempt((select sql from stmt where name = 'accounts:read')), 'allowed', 'a member can read the business''s accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:insert')), 'refused', 'a member cannot insert accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:update')), 'refused', 'a member cannot change accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:delete')), 'refused', 'a member cannot delete accounts');
select tests.clear_authentication();
select tests.authenticate_as('admin@a.test');
select is(tests.attempt((select sql from stmt where name = 'accounts:read')), 'allowed', 'an admin can read the business''s accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:insert')), 'refused', 'an admin cannot insert accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:update')), 'refused', 'an admin cannot change accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:delete')), 'refused', 'an admin cannot delete accounts');
select tests.clear_authentication();
select tests.authenticate_as('owner@a.test');
select is(tests.attempt((select sql from stmt where name = 'accounts:read')), 'allowed', 'an owner can read the business''s accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:insert')), 'refused', 'an owner cannot insert accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:update')), 'refused', 'an owner cannot change accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:delete')), 'refused', 'an owner cannot delete accounts');
select tests.clear_authentication();
set local role service_role;
select is(tests.attempt((select sql from stmt where name = 'accounts:read')), 'allowed', 'the service (the sync) can read the business''s accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:insert')), 'allowed', 'the service (the sync) can insert accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:update')), 'allowed', 'the service (the sync) can change accounts');
select is(tests.attempt((select sql from stmt where name = 'accounts:delete')), 'allowed', 'the service (the sync) can delete accounts');
reset role;
select tests.authenticate_as('owner@b.test');
select is((select array_agg(name) from public.accounts), array['Globex'], 'a business''s owner sees only their own accounts');
select tests.clear_authentication();
select throws_ok($$ insert into public.accounts (business_id, integration_id, source_type, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'b1000000-0000-4000-8000-00000000000b', 'salesforce', '001000000000003AAA') $$, '23503', null, 'an account cannot name another business''s integration');
select throws_ok($$ insert into public.accounts (business_id, source_type, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'salesforce', '001000000000001AAA') $$, '23505', null, 'one account per business and source record');
select throws_ok($$ insert into public.accounts (business_id, source_type, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'Sales Force', '001000000000004AAA') $$, '23514', null, 'source_type is a provider name');

-- crm_leads: the tenant matrix, then the service role
select tests.authenticate_as_anon();
select is(tests.attempt((select sql from stmt where name = 'crm_leads:read')), 'refused', 'anon cannot read the business''s CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:insert')), 'refused', 'anon cannot insert CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:update')), 'refused', 'anon cannot change CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:delete')), 'refused', 'anon cannot delete CRM leads');
select tests.clear_authentication();
select tests.authenticate_as('owner@b.test');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:read')), 'refused', 'another business''s owner cannot read the business''s CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:insert')), 'refused', 'another business''s owner cannot insert CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:update')), 'refused', 'another business''s owner cannot change CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:delete')), 'refused', 'another business''s owner cannot delete CRM leads');
select tests.clear_authentication();
select tests.authenticate_as('member@a.test');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:read')), 'allowed', 'a member can read the business''s CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:insert')), 'refused', 'a member cannot insert CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:update')), 'refused', 'a member cannot change CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:delete')), 'refused', 'a member cannot delete CRM leads');
select tests.clear_authentication();
select tests.authenticate_as('admin@a.test');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:read')), 'allowed', 'an admin can read the business''s CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:insert')), 'refused', 'an admin cannot insert CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:update')), 'refused', 'an admin cannot change CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:delete')), 'refused', 'an admin cannot delete CRM leads');
select tests.clear_authentication();
select tests.authenticate_as('owner@a.test');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:read')), 'allowed', 'an owner can read the business''s CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:insert')), 'refused', 'an owner cannot insert CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:update')), 'refused', 'an owner cannot change CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:delete')), 'refused', 'an owner cannot delete CRM leads');
select tests.clear_authentication();
set local role service_role;
select is(tests.attempt((select sql from stmt where name = 'crm_leads:read')), 'allowed', 'the service (the sync) can read the business''s CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:insert')), 'allowed', 'the service (the sync) can insert CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:update')), 'allowed', 'the service (the sync) can change CRM leads');
select is(tests.attempt((select sql from stmt where name = 'crm_leads:delete')), 'allowed', 'the service (the sync) can delete CRM leads');
reset role;
select tests.authenticate_as('member@a.test');
select is((select array_agg(last_name) from public.crm_leads), array['Lovelace'], 'a member sees only their business''s CRM leads');
select tests.clear_authentication();
select throws_ok($$ insert into public.crm_leads (business_id, integration_id, source_type, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'b1000000-0000-4000-8000-00000000000b', 'salesforce', '00Q000000000003AAA') $$, '23503', null, 'a CRM lead cannot name another business''s integration');
select throws_ok($$ insert into public.crm_leads (business_id, source_type, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'salesforce', '00Q000000000001AAA') $$, '23505', null, 'one CRM lead per business and source record');
insert into public.campaigns (id, business_id, name) values ('a5000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'Spring');
insert into public.leads (business_id, campaign_id, source_type, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'a5000000-0000-4000-8000-00000000000a', 'salesforce', '00Q000000000001AAA');
select is((select count(*)::int from public.crm_leads where business_id = 'a0000000-0000-4000-8000-00000000000a'), 1, 'campaign leads are a separate table: adding one leaves the CRM leads as they were');
delete from public.integrations where id = 'a1000000-0000-4000-8000-00000000000a';
select is((select integration_id from public.accounts where id = 'a3000000-0000-4000-8000-00000000000a'), null, 'deleting the integration keeps the account and clears its link');
select is((select integration_id from public.crm_leads where id = 'a4000000-0000-4000-8000-00000000000a'), null, 'and the same for CRM leads');

select * from finish();
rollback;
