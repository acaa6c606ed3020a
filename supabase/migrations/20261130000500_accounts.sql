-- Accounts: a business's companies, synced from its CRMs (Salesforce Account, issue 11). One row
-- per source record, keyed like contacts by (business_id, source_type, source_id) so the sync's
-- upsert has one conflict target and CRM ids (unique across orgs) never collide. source_modstamp
-- is the source's own stamp: an upsert only wins when it is newer. Deletions at the source are
-- soft (deleted_at). Rows are written by the sync alone (the service role): a tenant edit would
-- be overwritten by the next sync and could forge CRM data, so tenants only read.

create table public.accounts (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references public.businesses (id) on delete cascade,
  integration_id uuid,
  -- A provider name (salesforce, hubspot, ...): checked by shape, so a new provider needs no
  -- migration here; the integrations table already limits which providers exist.
  source_type text not null check (source_type ~ '^[a-z][a-z0-9_]{1,39}$'),
  source_id text not null check (length(source_id) between 1 and 255),
  name text,
  website text,
  phone text,
  industry text,
  account_type text,
  annual_revenue numeric,
  number_of_employees integer,
  billing_city text,
  billing_state text,
  billing_country text,
  -- The parent account's source id (Salesforce ParentId), kept as the source's key rather than a
  -- foreign key: a parent can arrive after its child.
  parent_source_id text,
  custom_fields jsonb not null default '{}' check (jsonb_typeof(custom_fields) = 'object'),
  source_metadata jsonb not null default '{}' check (jsonb_typeof(source_metadata) = 'object'),
  source_modstamp timestamptz,
  last_synced_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (business_id, source_type, source_id),
  -- What contacts.account_id references together with business_id (same-business link).
  unique (id, business_id),
  -- The integration belongs to the account's business (a pair that must exist, as for leads).
  constraint accounts_integration_same_business_fkey foreign key (integration_id, business_id)
    references public.integrations (id, business_id) on delete set null (integration_id)
);
comment on table public.accounts is
  'A business''s CRM accounts (companies), one per source record. Members read; only the sync writes.';
comment on column public.accounts.source_modstamp is
  'The source''s modification stamp (Salesforce SystemModstamp). Upserts with an older stamp lose.';

-- The foreign key's checks and cascades; keyset pages of the business ordered by (updated_at, id).
create index accounts_integration_business_idx on public.accounts (integration_id, business_id);
create index accounts_business_page_idx on public.accounts (business_id, updated_at, id);

create trigger accounts_set_updated_at before update on public.accounts
  for each row execute function app.set_updated_at();

revoke all on public.accounts from anon, authenticated;
grant select on public.accounts to authenticated;
grant all on public.accounts to service_role;

alter table public.accounts enable row level security;

create policy "Members can read their business's accounts" on public.accounts
  for select to authenticated
  using (app.is_member(business_id));
comment on policy "Members can read their business's accounts" on public.accounts is
  'CRM data is tenant-private: the team sees its accounts, nobody else does. No write policy: only the sync (service role, which bypasses RLS) writes.';
