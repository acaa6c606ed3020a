-- Integrations: one row per connection of a business to a CRM account (Salesforce first).
-- Only non-secret settings live here; tokens and client secrets are in Vault behind the
-- private schema (see _credentials.sql). Members read their business's integrations; owners
-- and admins create, rename and configure them. What only the server may set (status,
-- instance_url, errors, connection times) is kept out of the tenants' column grants, because
-- a tenant who could point instance_url elsewhere could make the sync send its token there.

create table public.integrations (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references public.businesses (id) on delete cascade,
  provider text not null check (provider in ('salesforce')),
  name text not null check (length(btrim(name)) between 1 and 100),
  status text not null default 'inactive'
    check (status in ('inactive', 'pending', 'active', 'error', 'disconnected')),
  -- production / sandbox use the provider's login hosts; custom is the org's My Domain.
  environment text not null default 'production'
    check (environment in ('production', 'sandbox', 'custom')),
  my_domain_url text
    check (my_domain_url is null or my_domain_url ~ '^https://[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9-]+)*\.my\.salesforce\.com$'),
  instance_url text,
  api_version text not null default '62.0' check (api_version ~ '^[0-9]{2}\.0$'),
  external_org_id text,
  external_user_id text,
  scopes text[] not null default '{}',
  uses_own_client boolean not null default false,
  last_error text,
  last_error_code text,
  connected_at timestamptz,
  disconnected_at timestamptz,
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (business_id, provider, name),
  check ((environment = 'custom') = (my_domain_url is not null))
);
comment on table public.integrations is
  'A business''s connection to a CRM account. Secrets are never here: they are in Vault.';
comment on column public.integrations.instance_url is
  'The API base the provider returned at connect time. Set by the server only.';
create index integrations_created_by_idx on public.integrations (created_by);

create trigger integrations_set_updated_at before update on public.integrations
  for each row execute function app.set_updated_at();

revoke all on public.integrations from anon, authenticated;
grant select, delete on public.integrations to authenticated;
grant insert (business_id, provider, name, environment, my_domain_url, api_version)
  on public.integrations to authenticated;
grant update (name, environment, my_domain_url, api_version) on public.integrations to authenticated;
grant all on public.integrations to service_role;

alter table public.integrations enable row level security;

create policy "Members can read their business's integrations" on public.integrations
  for select to authenticated
  using (app.is_member(business_id));
comment on policy "Members can read their business's integrations" on public.integrations is
  'Everyone on the team sees which CRMs are connected and their health; nobody else does.';

create policy "Owners and admins can create integrations" on public.integrations
  for insert to authenticated
  with check (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can create integrations" on public.integrations is
  'Connecting a CRM hands the business''s customer data to us, an administrative decision.';

create policy "Owners and admins can change integrations" on public.integrations
  for update to authenticated
  using (app.has_role(business_id, array['owner', 'admin']))
  with check (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can change integrations" on public.integrations is
  'Renaming or re-pointing a connection is administrative; the column grants keep server-owned fields out of reach.';

create policy "Owners and admins can delete integrations" on public.integrations
  for delete to authenticated
  using (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can delete integrations" on public.integrations is
  'Removing a connection is administrative; the integrations function disconnects (revokes) first.';

-- What happened to a connection, for the team and for support: connected, auth_failed,
-- token_refreshed, reauth_required, disconnected, ... Metadata never holds a secret. Written
-- by the server only.
create table public.integration_events (
  id bigint generated always as identity primary key,
  business_id uuid not null references public.businesses (id) on delete cascade,
  integration_id uuid not null references public.integrations (id) on delete cascade,
  type text not null check (type ~ '^[a-z_]{3,40}$'),
  actor_id uuid references auth.users (id) on delete set null,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now()
);
comment on table public.integration_events is 'Lifecycle events of an integration, newest last. No secrets.';
create index integration_events_integration_idx on public.integration_events (integration_id, id desc);
create index integration_events_business_idx on public.integration_events (business_id);
create index integration_events_actor_idx on public.integration_events (actor_id);

revoke all on public.integration_events from anon, authenticated;
grant select on public.integration_events to authenticated;
grant all on public.integration_events to service_role;
alter table public.integration_events enable row level security;

create policy "Members can read their business's integration events" on public.integration_events
  for select to authenticated
  using (app.is_member(business_id));
comment on policy "Members can read their business's integration events" on public.integration_events is
  'The team sees its connections'' history; events are written by the server only (no write grant).';

-- Who granted which scopes to the connection, and when consent was withdrawn (disconnect).
create table public.integration_consents (
  id bigint generated always as identity primary key,
  business_id uuid not null references public.businesses (id) on delete cascade,
  integration_id uuid not null references public.integrations (id) on delete cascade,
  granted_by uuid references auth.users (id) on delete set null,
  scopes text[] not null,
  granted_at timestamptz not null default now(),
  withdrawn_at timestamptz,
  withdrawn_by uuid references auth.users (id) on delete set null
);
comment on table public.integration_consents is 'Consent record: who granted which scopes when, and its withdrawal.';
create index integration_consents_integration_idx on public.integration_consents (integration_id);
create index integration_consents_business_idx on public.integration_consents (business_id);
create index integration_consents_granted_by_idx on public.integration_consents (granted_by);
create index integration_consents_withdrawn_by_idx on public.integration_consents (withdrawn_by);

revoke all on public.integration_consents from anon, authenticated;
grant select on public.integration_consents to authenticated;
grant all on public.integration_consents to service_role;
alter table public.integration_consents enable row level security;

create policy "Members can read their business's consents" on public.integration_consents
  for select to authenticated
  using (app.is_member(business_id));
comment on policy "Members can read their business's consents" on public.integration_consents is
  'A tenant can show who authorised access to its CRM data; written by the server only.';
