-- Campaigns and their leads. A lead is a campaign-scoped copy of a contact picked from a CRM
-- (imported through the contacts function), unique per campaign and source record so an
-- import can be retried without duplicates. Building campaigns is everyday work: every member
-- may create campaigns and import leads; removing a campaign is for owners and admins.

create table public.campaigns (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references public.businesses (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.campaigns is 'Marketing campaigns of a business (minimal: a name).';
create index campaigns_business_idx on public.campaigns (business_id);
create index campaigns_created_by_idx on public.campaigns (created_by);
create trigger campaigns_set_updated_at before update on public.campaigns
  for each row execute function app.set_updated_at();

create table public.leads (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references public.businesses (id) on delete cascade,
  campaign_id uuid not null references public.campaigns (id) on delete cascade,
  integration_id uuid references public.integrations (id) on delete set null,
  source_type text not null check (source_type in ('salesforce', 'hubspot', 'csv', 'manual')),
  source_id text not null,
  first_name text,
  last_name text,
  email text,
  phone text,
  company text,
  title text,
  imported_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  unique (campaign_id, source_type, source_id)
);
comment on table public.leads is 'Campaign-scoped copies of contacts; one per campaign and source record.';
create index leads_business_idx on public.leads (business_id);
create index leads_integration_idx on public.leads (integration_id);
create index leads_imported_by_idx on public.leads (imported_by);

-- A lead must belong to the business of its campaign, whoever inserts it.
create or replace function app.lead_matches_campaign() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.campaigns c where c.id = new.campaign_id and c.business_id = new.business_id
  ) then
    raise exception 'campaign % does not belong to business %', new.campaign_id, new.business_id
      using errcode = 'foreign_key_violation';
  end if;
  return new;
end
$$;
comment on function app.lead_matches_campaign() is
  'Trigger on leads: refuses a lead whose campaign belongs to another business.';
revoke all on function app.lead_matches_campaign() from public;
create trigger leads_match_campaign before insert or update on public.leads
  for each row execute function app.lead_matches_campaign();

revoke all on public.campaigns, public.leads from anon, authenticated;
grant select, insert, delete on public.campaigns to authenticated;
grant update (name) on public.campaigns to authenticated;
grant select, insert, delete on public.leads to authenticated;
grant all on public.campaigns, public.leads to service_role;

alter table public.campaigns enable row level security;
alter table public.leads enable row level security;

create policy "Members can read their business's campaigns" on public.campaigns
  for select to authenticated using (app.is_member(business_id));
comment on policy "Members can read their business's campaigns" on public.campaigns is
  'Campaigns are tenant-private and visible to the whole team.';

create policy "Members can create campaigns" on public.campaigns
  for insert to authenticated with check (app.is_member(business_id));
comment on policy "Members can create campaigns" on public.campaigns is
  'Any team member may start a campaign for their business, not for another.';

create policy "Members can rename campaigns" on public.campaigns
  for update to authenticated
  using (app.is_member(business_id)) with check (app.is_member(business_id));
comment on policy "Members can rename campaigns" on public.campaigns is
  'Everyday work; the column grant allows the name only.';

create policy "Owners and admins can delete campaigns" on public.campaigns
  for delete to authenticated using (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can delete campaigns" on public.campaigns is
  'Deleting a campaign deletes its leads, so it is administrative.';

create policy "Members can read their business's leads" on public.leads
  for select to authenticated using (app.is_member(business_id));
comment on policy "Members can read their business's leads" on public.leads is
  'Leads are tenant-private and visible to the whole team.';

create policy "Members can import leads" on public.leads
  for insert to authenticated with check (app.is_member(business_id));
comment on policy "Members can import leads" on public.leads is
  'Any team member may add leads to their business''s campaigns (the trigger checks the campaign).';

create policy "Members can remove leads" on public.leads
  for delete to authenticated using (app.is_member(business_id));
comment on policy "Members can remove leads" on public.leads is
  'Curating a campaign''s list is everyday work.';
