-- Which CRM objects an integration syncs and how (issue 11): one row per (integration, object),
-- with whether it is enabled, the field mapping (source field → our name, validated against
-- describe by the objects endpoints), whether the full source record is kept in
-- source_metadata (opt-in), and the describe cache (its Last-Modified / ETag and the summary the
-- endpoints serve while Salesforce answers 304, so a cache hit costs no describe body).
--
-- Owners and admins configure objects; members read the configuration (it says what data is
-- synced, which the team may know). The describe cache is the server's: it is outside the
-- tenants' column grants, since a forged cache would make the validation lie.

create table public.integration_objects (
  integration_id uuid not null,
  business_id uuid not null references public.businesses (id) on delete cascade,
  object text not null check (object ~ '^[A-Za-z][A-Za-z0-9_]{0,79}$'),
  enabled boolean not null default false,
  -- {"<source field>": "<target name>", ...}; checked against describe by the endpoints.
  field_mapping jsonb not null default '{}' check (jsonb_typeof(field_mapping) = 'object'),
  keep_source_record boolean not null default false,
  describe_last_modified timestamptz,
  describe_etag text,
  describe_cache jsonb check (describe_cache is null or jsonb_typeof(describe_cache) = 'object'),
  describe_fetched_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (integration_id, object),
  -- The integration belongs to the row's business; deleting it deletes its configuration.
  constraint integration_objects_integration_same_business_fkey
    foreign key (integration_id, business_id)
    references public.integrations (id, business_id) on delete cascade
);
comment on table public.integration_objects is
  'Per integration and CRM object: enabled, field mapping, source-record opt-in, describe cache. Owners/admins configure; members read.';
comment on column public.integration_objects.describe_last_modified is
  'Last-Modified of the cached describe; sent back as If-Modified-Since. Server-owned.';

-- The foreign key's checks (the primary key starts with integration_id but not business_id);
-- the business's configuration listing.
create index integration_objects_integration_business_idx
  on public.integration_objects (integration_id, business_id);
create index integration_objects_business_idx on public.integration_objects (business_id);

create trigger integration_objects_set_updated_at before update on public.integration_objects
  for each row execute function app.set_updated_at();

revoke all on public.integration_objects from anon, authenticated;
grant select, delete on public.integration_objects to authenticated;
grant insert (integration_id, business_id, object, enabled, field_mapping, keep_source_record)
  on public.integration_objects to authenticated;
grant update (enabled, field_mapping, keep_source_record) on public.integration_objects to authenticated;
grant all on public.integration_objects to service_role;

alter table public.integration_objects enable row level security;

create policy "Members can read their business's object configuration" on public.integration_objects
  for select to authenticated
  using (app.is_member(business_id));
comment on policy "Members can read their business's object configuration" on public.integration_objects is
  'The team may see which objects and fields are synced; other businesses may not.';

create policy "Owners and admins can configure objects" on public.integration_objects
  for insert to authenticated
  with check (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can configure objects" on public.integration_objects is
  'Choosing which CRM data is copied here is administrative, like connecting the CRM.';

create policy "Owners and admins can change object configuration" on public.integration_objects
  for update to authenticated
  using (app.has_role(business_id, array['owner', 'admin']))
  with check (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can change object configuration" on public.integration_objects is
  'Enabling objects and mapping fields is administrative; the column grants keep the describe cache server-owned.';

create policy "Owners and admins can remove object configuration" on public.integration_objects
  for delete to authenticated
  using (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can remove object configuration" on public.integration_objects is
  'Removing an object''s configuration stops its sync, an administrative decision.';
