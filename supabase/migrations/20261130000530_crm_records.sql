-- Generic CRM records (issue 11): any object a tenant enables that has no table of its own
-- (custom Foo__c, Event, Task, Opportunity) lands here, one row per (integration, object,
-- source record), with the mapped fields in data. source_modstamp orders writes (an older
-- stamp loses); deletions at the source are soft (deleted_at). The sync writes (service role);
-- the team reads its business's records and nobody else's.
--
-- Unlike accounts and contacts the rows belong to their integration: the object and field
-- mapping are that integration's configuration, so deleting the integration deletes them.

create table public.crm_records (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references public.businesses (id) on delete cascade,
  integration_id uuid not null,
  -- The source's object API name (Foo__c, Event): letters, digits, underscores.
  object text not null check (object ~ '^[A-Za-z][A-Za-z0-9_]{0,79}$'),
  source_id text not null check (length(source_id) between 1 and 255),
  data jsonb not null default '{}' check (jsonb_typeof(data) = 'object'),
  source_modstamp timestamptz,
  last_synced_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (integration_id, object, source_id),
  constraint crm_records_integration_same_business_fkey foreign key (integration_id, business_id)
    references public.integrations (id, business_id) on delete cascade
);
comment on table public.crm_records is
  'Synced records of any other CRM object, mapped fields in data. Members read; only the sync writes.';
comment on column public.crm_records.source_modstamp is
  'The source''s modification stamp (Salesforce SystemModstamp). Upserts with an older stamp lose.';

-- The foreign key's checks and cascades; keyset pages of one object of a business.
create index crm_records_integration_business_idx on public.crm_records (integration_id, business_id);
create index crm_records_business_object_page_idx
  on public.crm_records (business_id, object, updated_at, id);

create trigger crm_records_set_updated_at before update on public.crm_records
  for each row execute function app.set_updated_at();

revoke all on public.crm_records from anon, authenticated;
grant select on public.crm_records to authenticated;
grant all on public.crm_records to service_role;

alter table public.crm_records enable row level security;

create policy "Members can read their business's CRM records" on public.crm_records
  for select to authenticated
  using (app.is_member(business_id));
comment on policy "Members can read their business's CRM records" on public.crm_records is
  'CRM data is tenant-private: the team sees its synced records, nobody else does. No write policy: only the sync (service role) writes.';
