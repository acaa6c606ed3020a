-- The database's own check of integration_objects.field_mapping (tenants can write the table
-- through the Data API, past the endpoints' describe validation): keys are field API names,
-- values lowercase identifiers, targets unique, at most 100 entries.
begin;
select plan(12);

select tests.create_two_businesses();
insert into public.integrations (id, business_id, provider, name) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'salesforce', 'Main org');
insert into public.integration_objects (integration_id, business_id, object, enabled) values
  ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'Foo__c', true);


-- As an admin through the Data API, where the check matters.
select tests.authenticate_as('admin@a.test');
select lives_ok($$ update public.integration_objects set field_mapping = '{"Bar__c": "bar", "ns__Baz_Qux__c": "baz_qux_2", "hs_lead_status": "lead_status"}' where object = 'Foo__c' $$, 'Salesforce and HubSpot field names map to lowercase targets');
select throws_ok($$ update public.integration_objects set field_mapping = '{"Bar c": "bar"}' where object = 'Foo__c' $$, '23514', null, 'a key with a space is refused');
select throws_ok($$ update public.integration_objects set field_mapping = '{"1Bar": "bar"}' where object = 'Foo__c' $$, '23514', null, 'a key starting with a digit is refused');
select throws_ok($$ update public.integration_objects set field_mapping = '{"Account.Name": "account_name"}' where object = 'Foo__c' $$, '23514', null, 'a relationship path is refused');
select throws_ok($$ update public.integration_objects set field_mapping = '{"Bar__c": "Bar"}' where object = 'Foo__c' $$, '23514', null, 'an uppercase target is refused');
select throws_ok($$ update public.integration_objects set field_mapping = '{"Bar__c": "_bar"}' where object = 'Foo__c' $$, '23514', null, 'a target starting with an underscore is refused');
select throws_ok($$ update public.integration_objects set field_mapping = '{"Bar__c": 1}' where object = 'Foo__c' $$, '23514', null, 'a target that is not a string is refused');
select throws_ok(format($$ update public.integration_objects set field_mapping = '{"Bar__c": "%s"}' where object = 'Foo__c' $$, repeat('b', 64)), '23514', null, 'a target longer than 63 characters is refused');
select throws_ok($$ update public.integration_objects set field_mapping = '{"Bar__c": "bar", "Baz__c": "bar"}' where object = 'Foo__c' $$, '23514', null, 'two fields mapped to one target are refused');
select lives_ok(format($$ update public.integration_objects set field_mapping = '%s' where object = 'Foo__c' $$, (select jsonb_object_agg('F' || n || '__c', 'f' || n) from generate_series(1, 100) n)), '100 entries are accepted');
select throws_ok(format($$ update public.integration_objects set field_mapping = '%s' where object = 'Foo__c' $$, (select jsonb_object_agg('F' || n || '__c', 'f' || n) from generate_series(1, 101) n)), '23514', null, '101 entries are refused');
select throws_ok($$ insert into public.integration_objects (integration_id, business_id, object, enabled, field_mapping) values ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a', 'Task', true, '{"Subject": "Subject"}') $$, '23514', null, 'an insert is checked as an update is');
select tests.clear_authentication();

select * from finish();
rollback;
