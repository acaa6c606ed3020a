-- A business with integrations can be deleted (the audit trigger must not log the cascaded
-- deletions against the vanishing business), while deleting one integration of a living
-- business is still audited.
begin;
select plan(4);

select tests.create_user('owner@a.test');
insert into public.businesses (id, name, created_by) values
  ('a0000000-0000-4000-8000-00000000000a', 'Business A', tests.user_id('owner@a.test'));
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'One'),
  ('a2000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Two');

-- Tenants cannot delete integrations through the Data API (050); the service can, on a user's
-- behalf, and the audit names that user.
select tests.authenticate_as('owner@a.test');
set local role service_role;
delete from public.integrations where id = 'a1000000-0000-4000-8000-00000000000a';
select tests.clear_authentication();
select is(
  (select count(*)::int from public.integration_audit_log
    where integration_id = 'a1000000-0000-4000-8000-00000000000a' and action = 'delete'
      and actor_id = tests.user_id('owner@a.test')),
  1, 'deleting one integration is audited with its actor'
);

select tests.authenticate_as('owner@a.test');
select lives_ok(
  $$ delete from public.businesses where id = 'a0000000-0000-4000-8000-00000000000a' $$,
  'the owner can delete a business that has an integration'
);
select tests.clear_authentication();
select is_empty(
  $$ select 1 from public.integrations where business_id = 'a0000000-0000-4000-8000-00000000000a' $$,
  'its integrations are gone with it'
);
select is_empty(
  $$ select 1 from public.integration_audit_log where business_id = 'a0000000-0000-4000-8000-00000000000a' $$,
  'and so is its audit trail, which belonged to the business'
);

select * from finish();
rollback;
