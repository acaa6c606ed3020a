-- Contacts: a business's people, synced from its CRMs (or added by CSV or by hand). One row
-- per source record, keyed by (business_id, source_type, source_id), which is what the sync's
-- upsert conflicts on. source_modstamp is the source's own modification stamp: an upsert only
-- wins when it is newer, so late or repeated pages never move a row backwards. Deletions at
-- the source are soft (deleted_at) so a re-appearing record and the audit of what vanished
-- both work.

create table public.contacts (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references public.businesses (id) on delete cascade,
  integration_id uuid references public.integrations (id) on delete set null,
  source_type text not null check (source_type in ('salesforce', 'hubspot', 'csv', 'manual')),
  source_id text not null check (length(source_id) between 1 and 255),
  first_name text,
  last_name text,
  email text,
  phone text,
  company text,
  title text,
  source_metadata jsonb not null default '{}',
  tags text[] not null default '{}',
  custom_fields jsonb not null default '{}',
  source_modstamp timestamptz,
  last_synced_at timestamptz,
  sync_status text not null default 'synced' check (sync_status in ('synced', 'deleted', 'local')),
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (business_id, source_type, source_id)
);
comment on table public.contacts is
  'A business''s contacts, one per source record. Members read; the sync writes; admins edit manual ones.';
comment on column public.contacts.source_modstamp is
  'The source''s modification stamp (Salesforce SystemModstamp). Upserts with an older stamp lose.';

-- The queries we run: lookup by email within a business; keyset pages of one integration or
-- of the whole business ordered by (updated_at, id); the unique key above serves the upsert.
create index contacts_business_email_idx on public.contacts (business_id, lower(email));
create index contacts_integration_page_idx on public.contacts (integration_id, updated_at, id);
create index contacts_business_page_idx on public.contacts (business_id, updated_at, id);

create trigger contacts_set_updated_at before update on public.contacts
  for each row execute function app.set_updated_at();

revoke all on public.contacts from anon, authenticated;
grant select, delete on public.contacts to authenticated;
grant insert (business_id, source_type, source_id, first_name, last_name, email, phone, company,
  title, tags, custom_fields) on public.contacts to authenticated;
grant update (first_name, last_name, email, phone, company, title, tags, custom_fields)
  on public.contacts to authenticated;
grant all on public.contacts to service_role;

alter table public.contacts enable row level security;

create policy "Members can read their business's contacts" on public.contacts
  for select to authenticated
  using (app.is_member(business_id));
comment on policy "Members can read their business's contacts" on public.contacts is
  'Customer data is tenant-private: the team sees its contacts, nobody else does.';

create policy "Owners and admins can add manual contacts" on public.contacts
  for insert to authenticated
  with check (app.has_role(business_id, array['owner', 'admin']) and source_type in ('manual', 'csv'));
comment on policy "Owners and admins can add manual contacts" on public.contacts is
  'Hand-entered and CSV contacts only; CRM-sourced rows are written by the sync alone.';

create policy "Owners and admins can edit contacts" on public.contacts
  for update to authenticated
  using (app.has_role(business_id, array['owner', 'admin']))
  with check (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can edit contacts" on public.contacts is
  'Tags and corrections are administrative; the column grants keep sync bookkeeping out of reach.';

create policy "Owners and admins can delete contacts" on public.contacts
  for delete to authenticated
  using (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can delete contacts" on public.contacts is
  'Erasing customer data is administrative (right to erasure).';
