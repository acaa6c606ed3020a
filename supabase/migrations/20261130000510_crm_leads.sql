-- CRM leads: a business's prospects as its CRM holds them (Salesforce Lead, issue 11), synced
-- copies one per source record. Distinct from public.leads, which are campaign-scoped picks of
-- contacts made in this app: a CRM lead is the CRM's record, not a campaign member. Keyed,
-- stamped and soft-deleted like contacts; written by the sync alone, read by the team.

create table public.crm_leads (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references public.businesses (id) on delete cascade,
  integration_id uuid,
  source_type text not null check (source_type ~ '^[a-z][a-z0-9_]{1,39}$'),
  source_id text not null check (length(source_id) between 1 and 255),
  first_name text,
  last_name text,
  email text,
  phone text,
  company text,
  title text,
  status text,
  lead_source text,
  industry text,
  rating text,
  is_converted boolean not null default false,
  -- Where a converted lead went, as source ids (the account or contact may sync later).
  converted_account_source_id text,
  converted_contact_source_id text,
  custom_fields jsonb not null default '{}' check (jsonb_typeof(custom_fields) = 'object'),
  source_metadata jsonb not null default '{}' check (jsonb_typeof(source_metadata) = 'object'),
  source_modstamp timestamptz,
  last_synced_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (business_id, source_type, source_id),
  constraint crm_leads_integration_same_business_fkey foreign key (integration_id, business_id)
    references public.integrations (id, business_id) on delete set null (integration_id)
);
comment on table public.crm_leads is
  'A business''s CRM leads, one per source record (not campaign leads: see public.leads). Members read; only the sync writes.';
comment on column public.crm_leads.source_modstamp is
  'The source''s modification stamp (Salesforce SystemModstamp). Upserts with an older stamp lose.';

create index crm_leads_integration_business_idx on public.crm_leads (integration_id, business_id);
create index crm_leads_business_page_idx on public.crm_leads (business_id, updated_at, id);
create index crm_leads_business_email_idx on public.crm_leads (business_id, lower(email));

create trigger crm_leads_set_updated_at before update on public.crm_leads
  for each row execute function app.set_updated_at();

revoke all on public.crm_leads from anon, authenticated;
grant select on public.crm_leads to authenticated;
grant all on public.crm_leads to service_role;

alter table public.crm_leads enable row level security;

create policy "Members can read their business's CRM leads" on public.crm_leads
  for select to authenticated
  using (app.is_member(business_id));
comment on policy "Members can read their business's CRM leads" on public.crm_leads is
  'CRM data is tenant-private: the team sees its CRM leads, nobody else does. No write policy: only the sync (service role) writes.';
