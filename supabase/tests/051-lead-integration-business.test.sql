-- A lead's integration belongs to the lead's business (issue 14, finding 4): a member of B
-- cannot point a lead at A's integration, and the refusal is the one a random id gets, so it
-- tells B nothing about which ids exist; deleting an integration only unlinks its leads.
begin;
select plan(7);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'A org'),
  ('b1000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'salesforce', 'B org');
insert into public.campaigns (id, business_id, name) values
  ('cb000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'B campaign');

select tests.authenticate_as('owner@b.test');
select throws_ok(
  $$ insert into public.leads (business_id, campaign_id, integration_id, source_type, source_id) values ('b0000000-0000-4000-8000-00000000000b', 'cb000000-0000-4000-8000-00000000000b', 'a1000000-0000-4000-8000-00000000000a', 'salesforce', '003000000000001AAA') $$,
  '23503', 'insert or update on table "leads" violates foreign key constraint "leads_integration_same_business_fkey"',
  'B cannot insert a lead that points at A''s integration');
select throws_ok(
  $$ insert into public.leads (business_id, campaign_id, integration_id, source_type, source_id) values ('b0000000-0000-4000-8000-00000000000b', 'cb000000-0000-4000-8000-00000000000b', 'f0000000-0000-4000-8000-00000000000f', 'salesforce', '003000000000001AAA') $$,
  '23503', 'insert or update on table "leads" violates foreign key constraint "leads_integration_same_business_fkey"',
  'a random id is refused with the very same error: no existence oracle');
select is(tests.attempt($$ insert into public.leads (business_id, campaign_id, integration_id, source_type, source_id) values ('b0000000-0000-4000-8000-00000000000b', 'cb000000-0000-4000-8000-00000000000b', 'b1000000-0000-4000-8000-00000000000b', 'salesforce', '003000000000001AAA') $$),
  'allowed', 'B links a lead to its own integration');
insert into public.leads (business_id, campaign_id, integration_id, source_type, source_id) values
  ('b0000000-0000-4000-8000-00000000000b', 'cb000000-0000-4000-8000-00000000000b', 'b1000000-0000-4000-8000-00000000000b', 'salesforce', '003000000000002AAA');
select throws_ok(
  $$ update public.leads set integration_id = 'a1000000-0000-4000-8000-00000000000a' where source_id = '003000000000002AAA' $$,
  '42501', null, 'B cannot re-point an existing lead either (no update grant)');
select tests.clear_authentication();

-- Whoever writes, the pair must exist: the service cannot mix tenants by mistake either.
select throws_ok(
  $$ insert into public.leads (business_id, campaign_id, integration_id, source_type, source_id) values ('b0000000-0000-4000-8000-00000000000b', 'cb000000-0000-4000-8000-00000000000b', 'a1000000-0000-4000-8000-00000000000a', 'salesforce', '003000000000003AAA') $$,
  '23503', null, 'the constraint binds the service too');

-- Deleting B's integration (with its business gone, or by the service) unlinks, keeps the lead.
delete from public.integrations where id = 'b1000000-0000-4000-8000-00000000000b';
select is((select integration_id from public.leads where source_id = '003000000000002AAA'), null,
  'deleting an integration unlinks its leads');
select is((select business_id from public.leads where source_id = '003000000000002AAA'), 'b0000000-0000-4000-8000-00000000000b'::uuid,
  'and leaves their business as it was');

select * from finish();
rollback;
