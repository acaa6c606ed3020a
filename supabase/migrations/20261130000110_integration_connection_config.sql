-- Per-connection settings as data (issue 10): each provider's spec declares the fields a
-- connection needs (a Zendesk subdomain, a Workday tenant, Salesforce's environment and My
-- Domain) and the functions validate them with the spec's patterns before writing.
--
-- Two columns, because two parties write them:
-- * connection_config: what the tenant chose. Owners and admins may set it when creating an
--   integration and change it while it is not active, exactly as environment/my_domain_url
--   before: changing where an active connection points would send its tokens to another org,
--   so a trigger refuses that for every role (disconnect first).
-- * connection_metadata and api_base_url: what the provider told us (token-response fields such
--   as instance_url, identity lookups such as HubSpot's portalId, Atlassian's cloudId) and the
--   API base derived from it. Server only: a tenant who could set the API base could make the
--   sync or the proxy send the connection's token to a host of its choosing.
--
-- Salesforce's environment and my_domain_url columns stay, readable and writable as before
-- (the Data API and its tests use them); a trigger keeps them and connection_config the same,
-- so either door gives one answer. Existing rows are moved below.

alter table public.integrations
  add column connection_config jsonb not null default '{}'
    check (jsonb_typeof(connection_config) = 'object'),
  add column connection_metadata jsonb not null default '{}'
    check (jsonb_typeof(connection_metadata) = 'object'),
  add column api_base_url text
    check (api_base_url is null or api_base_url ~ '^https?://');
comment on column public.integrations.connection_config is
  'Per-connection settings the tenant chose (subdomain, tenant, environment), validated by the provider''s spec in the functions. Not editable while active.';
comment on column public.integrations.connection_metadata is
  'What the provider returned at connect time (instance_url, portalId, cloudId, ...). Set by the server only.';
comment on column public.integrations.api_base_url is
  'The API base the connection''s calls and proxy stay under. Set by the server only.';

-- Today's rows: Salesforce's location becomes its connection config; instance_url its metadata.
update public.integrations
   set connection_config = jsonb_strip_nulls(
         jsonb_build_object('environment', environment, 'my_domain_url', my_domain_url)),
       connection_metadata = jsonb_strip_nulls(jsonb_build_object('instance_url', instance_url)),
       api_base_url = instance_url
 where provider = 'salesforce';

grant insert (connection_config), update (connection_config) on public.integrations
  to authenticated;

create or replace function app.mirror_salesforce_location() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.provider <> 'salesforce' then
    return new;
  end if;
  -- A write that names the config leads; otherwise the columns do (older clients, the tests).
  if (tg_op = 'INSERT' and new.connection_config ? 'environment')
     or (tg_op = 'UPDATE' and new.connection_config is distinct from old.connection_config) then
    new.environment := coalesce(new.connection_config ->> 'environment', 'production');
    new.my_domain_url := new.connection_config ->> 'my_domain_url';
  end if;
  new.connection_config := jsonb_strip_nulls(new.connection_config || jsonb_build_object(
    'environment', new.environment, 'my_domain_url', new.my_domain_url));
  return new;
end
$$;
comment on function app.mirror_salesforce_location() is
  'Trigger on integrations: keeps a Salesforce row''s environment/my_domain_url columns and its connection_config equal, whichever the writer set. Runs as the writer (not a definer); it only copies values within the row.';
revoke all on function app.mirror_salesforce_location() from public;

-- Named to fire before integrations_refuse_* (BEFORE triggers run in name order), so the
-- refusal sees the mirrored values.
create trigger integrations_mirror_salesforce_location before insert or update
  on public.integrations
  for each row execute function app.mirror_salesforce_location();

create or replace function app.refuse_reconfiguring_active_integration() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.status = 'active' and new.connection_config is distinct from old.connection_config then
    raise exception 'Disconnect the integration before changing its connection config'
      using errcode = 'object_not_in_prerequisite_state',
        hint = 'DELETE /integrations/:id revokes the grant; then change the config and connect again.';
  end if;
  return new;
end
$$;
comment on function app.refuse_reconfiguring_active_integration() is
  'Trigger on integrations: an active integration''s connection_config (where it connects) cannot change; disconnect first. Applies to every role, like the environment rule.';
revoke all on function app.refuse_reconfiguring_active_integration() from public;

create trigger integrations_refuse_reconfiguring_active before update
  on public.integrations
  for each row execute function app.refuse_reconfiguring_active_integration();
