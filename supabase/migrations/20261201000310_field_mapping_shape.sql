-- The shape of integration_objects.field_mapping, checked by the database (issue 11). The objects
-- endpoints validate a mapping against the org's describe, but tenants can also write the table
-- directly through the Data API (owners and admins may insert and update it), and the sync
-- builds its field list and JSON keys from it. So the table itself refuses what no endpoint
-- would accept: keys that are not a provider field API name (Salesforce `Foo__c`, HubSpot
-- `hs_lead_status`), values that are not a lowercase identifier, one target named twice, and
-- mappings longer than a query can carry.

-- Definer: no; it reads only its argument. Immutable, so a check constraint may call it; the
-- roles that write the table (authenticated through RLS, service_role) execute it.
create or replace function app.field_mapping_valid(p_mapping jsonb) returns boolean
language sql immutable
set search_path = ''
as $$
  select jsonb_typeof(p_mapping) = 'object'
     and (select count(*) from jsonb_each(p_mapping)) <= 100
     and not exists (
       select 1 from jsonb_each(p_mapping) e
        where e.key !~ '^[A-Za-z][A-Za-z0-9_]{0,79}$'
           or jsonb_typeof(e.value) <> 'string'
           or (e.value #>> '{}') !~ '^[a-z][a-z0-9_]{0,62}$'
     )
     and (select count(distinct e.value) = count(*) from jsonb_each(p_mapping) e)
$$;
comment on function app.field_mapping_valid(jsonb) is
  'True for {"<field API name>": "<lowercase target>", ...}: at most 100 entries, targets unique. Used by a check on integration_objects.';
revoke all on function app.field_mapping_valid(jsonb) from public;
grant execute on function app.field_mapping_valid(jsonb) to authenticated, service_role;

alter table public.integration_objects
  add constraint integration_objects_field_mapping_shape check (app.field_mapping_valid(field_mapping));
