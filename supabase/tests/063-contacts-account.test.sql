-- contacts.account_id links a contact to a synced account of its own business: the sync (service
-- role) sets it, no tenant can, another business's account is refused like a missing one, and
-- deleting the account clears the link but keeps the contact.
begin;
select plan(7);

select tests.create_two_businesses();
insert into public.accounts (id, business_id, source_type, source_id, name) values
  ('a3000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', '001000000000001AAA', 'Acme'),
  ('b3000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b', 'salesforce', '001000000000002AAA', 'Globex');
insert into public.contacts (id, business_id, source_type, source_id, email, account_source_id) values
  ('c0000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', '003000000000001AAA', 'ada@a.test', '001000000000001AAA');

set local role service_role;
select lives_ok(
  $$ update public.contacts set account_id = 'a3000000-0000-4000-8000-00000000000a', company = 'Acme' where id = 'c0000000-0000-4000-8000-00000000000a' $$,
  'the sync links a contact to its business''s account'
);
select throws_ok(
  $$ update public.contacts set account_id = 'b3000000-0000-4000-8000-00000000000b' where id = 'c0000000-0000-4000-8000-00000000000a' $$,
  '23503', null, 'a contact cannot point at another business''s account'
);
select throws_ok(
  $$ update public.contacts set account_id = 'a3000000-0000-4000-8000-0000000000ff' where id = 'c0000000-0000-4000-8000-00000000000a' $$,
  '23503', null, 'nor at an account that does not exist (the same error)'
);
reset role;

select tests.authenticate_as('admin@a.test');
select is(tests.attempt($$ update public.contacts set account_id = null where id = 'c0000000-0000-4000-8000-00000000000a' $$), 'refused', 'an admin cannot change the account link (the sync owns it)');
select is(tests.attempt($$ update public.contacts set account_source_id = '001000000000009AAA' where id = 'c0000000-0000-4000-8000-00000000000a' $$), 'refused', 'nor the source account id');
select tests.clear_authentication();

delete from public.accounts where id = 'a3000000-0000-4000-8000-00000000000a';
select is(
  (select account_id from public.contacts where id = 'c0000000-0000-4000-8000-00000000000a'), null,
  'deleting the account clears the link'
);
select is(
  (select (business_id, account_source_id)::text from public.contacts where id = 'c0000000-0000-4000-8000-00000000000a'),
  '(a0000000-0000-4000-8000-00000000000a,001000000000001AAA)',
  'and keeps the contact with its business and source account id'
);

select * from finish();
rollback;
