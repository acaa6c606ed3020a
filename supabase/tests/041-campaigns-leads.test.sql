-- Campaigns and leads: members of the business read, create and import; deleting a campaign
-- is for owners and admins; nobody reaches another business's campaigns or slips a lead into
-- them; a lead is unique per campaign and source record.
begin;
select plan(16);

select tests.create_two_businesses();
insert into public.campaigns (id, business_id, name) values
  ('ca000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'Spring'),
  ('cb000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'Other');
insert into public.leads (business_id, campaign_id, source_type, source_id) values
  ('a0000000-0000-4000-8000-00000000000a', 'ca000000-0000-4000-8000-00000000000a', 'salesforce', '003000000000001AAA');

select tests.authenticate_as_anon();
select is(tests.attempt($$ select 1 from public.campaigns $$), 'refused', 'anon cannot read campaigns');
select is(tests.attempt($$ select 1 from public.leads $$), 'refused', 'anon cannot read leads');
select tests.clear_authentication();

select tests.authenticate_as('member@a.test');
select is(tests.attempt($$ select 1 from public.campaigns where id = 'ca000000-0000-4000-8000-00000000000a' $$), 'allowed', 'a member reads the business''s campaigns');
select is(tests.attempt($$ select 1 from public.campaigns where id = 'cb000000-0000-4000-8000-00000000000b' $$), 'refused', 'a member cannot read another business''s campaign');
select is(tests.attempt($$ insert into public.campaigns (business_id, name) values ('a0000000-0000-4000-8000-00000000000a', 'Summer') $$), 'allowed', 'a member creates a campaign');
select is(tests.attempt($$ insert into public.campaigns (business_id, name) values ('b0000000-0000-4000-8000-00000000000b', 'Intrusion') $$), 'refused', 'a member cannot create a campaign in another business');
select is(tests.attempt($$ insert into public.leads (business_id, campaign_id, source_type, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'ca000000-0000-4000-8000-00000000000a', 'salesforce', '003000000000002AAA') $$), 'allowed', 'a member imports a lead');
select is(tests.attempt($$ select 1 from public.leads $$), 'allowed', 'a member reads leads');
select is(tests.attempt($$ delete from public.campaigns where id = 'ca000000-0000-4000-8000-00000000000a' $$), 'refused', 'a member cannot delete a campaign');
select throws_ok($$ insert into public.leads (business_id, campaign_id, source_type, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'cb000000-0000-4000-8000-00000000000b', 'salesforce', '003000000000003AAA') $$,
  '23503', null, 'a lead cannot point at another business''s campaign');
select tests.clear_authentication();

select tests.authenticate_as('owner@b.test');
select is(tests.attempt($$ select 1 from public.leads $$), 'refused', 'another business''s owner reads none of A''s leads');
select is(tests.attempt($$ delete from public.leads $$), 'refused', 'another business''s owner deletes none of A''s leads');
select tests.clear_authentication();

select tests.authenticate_as('owner@a.test');
select is(tests.attempt($$ delete from public.campaigns where id = 'ca000000-0000-4000-8000-00000000000a' $$), 'allowed', 'an owner deletes a campaign');
select is(tests.attempt($$ update public.campaigns set name = 'Renamed' where id = 'ca000000-0000-4000-8000-00000000000a' $$), 'allowed', 'an owner renames a campaign');
select tests.clear_authentication();

select throws_ok(
  $$ insert into public.leads (business_id, campaign_id, source_type, source_id) values ('a0000000-0000-4000-8000-00000000000a', 'ca000000-0000-4000-8000-00000000000a', 'salesforce', '003000000000001AAA') $$,
  '23505', null, 'a source record is a lead of a campaign at most once'
);
select is((select count(*)::int from public.leads where campaign_id = 'ca000000-0000-4000-8000-00000000000a'), 1,
  'the campaign still has its one lead');

select * from finish();
rollback;
