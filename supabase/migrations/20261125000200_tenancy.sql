-- Tenancy: businesses (the tenants) and team_members (who belongs to which business, as
-- owner, admin or member). Every other tenant table keys on business_id and asks the helpers
-- here whether the caller may see or change a row, so these two tables decide who sees what.

create table public.businesses (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  slug text unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.businesses is 'Tenants. Members read their business; owners and admins change it.';
create index businesses_created_by_idx on public.businesses (created_by);

create table public.team_members (
  business_id uuid not null references public.businesses (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member' check (role in ('owner', 'admin', 'member')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (business_id, user_id)
);
comment on table public.team_members is 'Who belongs to which business, and with which role.';
-- The primary key leads with business_id; policies also look members up by user.
create index team_members_user_id_idx on public.team_members (user_id, business_id);

create trigger businesses_set_updated_at before update on public.businesses
  for each row execute function app.set_updated_at();
create trigger team_members_set_updated_at before update on public.team_members
  for each row execute function app.set_updated_at();

-- Membership helpers. SECURITY DEFINER so that a policy on team_members can ask about
-- team_members without recursing into its own policy; STABLE so the planner may cache them
-- within a statement; empty search_path and qualified names so a caller's search_path cannot
-- redirect them.
create or replace function app.is_member(p_business_id uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.team_members tm
    where tm.business_id = p_business_id and tm.user_id = (select auth.uid())
  )
$$;
comment on function app.is_member(uuid) is
  'True when the calling user (auth.uid()) belongs to the business. Called by every tenant policy.';

create or replace function app.has_role(p_business_id uuid, p_roles text[]) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.team_members tm
    where tm.business_id = p_business_id
      and tm.user_id = (select auth.uid())
      and tm.role = any (p_roles)
  )
$$;
comment on function app.has_role(uuid, text[]) is
  'True when the calling user holds one of the roles in the business. Guards every write policy.';

revoke all on function app.is_member(uuid), app.has_role(uuid, text[]) from public;
grant execute on function app.is_member(uuid), app.has_role(uuid, text[])
  to authenticated, service_role;

-- Whoever creates a business becomes its owner, in the same statement; a definer function
-- because the creator is not yet a member that the team_members insert policy would accept.
create or replace function app.add_creator_as_owner() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.created_by is not null then
    insert into public.team_members (business_id, user_id, role)
    values (new.id, new.created_by, 'owner')
    on conflict (business_id, user_id) do nothing;
  end if;
  return new;
end
$$;
comment on function app.add_creator_as_owner() is
  'Trigger on businesses: the creating user becomes the owner. Runs as definer; callers cannot pass another user.';
revoke all on function app.add_creator_as_owner() from public;
create trigger businesses_add_creator_as_owner after insert on public.businesses
  for each row execute function app.add_creator_as_owner();

-- A business always keeps an owner: the last one cannot leave, be removed or be demoted.
create or replace function app.keep_an_owner() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.role = 'owner'
     and (tg_op = 'DELETE' or new.role <> 'owner')
     and exists (select 1 from public.businesses b where b.id = old.business_id)
     and not exists (
       select 1 from public.team_members tm
       where tm.business_id = old.business_id and tm.role = 'owner' and tm.user_id <> old.user_id
     ) then
    raise exception 'a business must keep at least one owner' using errcode = 'check_violation';
  end if;
  return coalesce(new, old);
end
$$;
comment on function app.keep_an_owner() is
  'Trigger on team_members: refuses removing or demoting the last owner of a business.';
revoke all on function app.keep_an_owner() from public;
create trigger team_members_keep_an_owner before update or delete on public.team_members
  for each row execute function app.keep_an_owner();

-- Grants first (a missing grant fails before any policy runs), then policies decide rows.
revoke all on public.businesses, public.team_members from anon, authenticated;
grant select, insert, update, delete on public.businesses, public.team_members to authenticated;
grant all on public.businesses, public.team_members to service_role;

alter table public.businesses enable row level security;
alter table public.team_members enable row level security;

create policy "Members can read their businesses" on public.businesses
  for select to authenticated
  using (app.is_member(id));
comment on policy "Members can read their businesses" on public.businesses is
  'A tenant is visible only to its own team; other users and anon see nothing.';

create policy "Signed-in users can create a business they own" on public.businesses
  for insert to authenticated
  with check (created_by = (select auth.uid()));
comment on policy "Signed-in users can create a business they own" on public.businesses is
  'Any user may start a business, only in their own name; the trigger makes them its owner.';

create policy "Owners and admins can update their business" on public.businesses
  for update to authenticated
  using (app.has_role(id, array['owner', 'admin']))
  with check (app.has_role(id, array['owner', 'admin']));
comment on policy "Owners and admins can update their business" on public.businesses is
  'Renaming a tenant is an administrative act; members cannot.';

create policy "Owners can delete their business" on public.businesses
  for delete to authenticated
  using (app.has_role(id, array['owner']));
comment on policy "Owners can delete their business" on public.businesses is
  'Deleting a tenant erases all its data (cascades), so only an owner may.';

create policy "Members can read their business's team" on public.team_members
  for select to authenticated
  using (app.is_member(business_id));
comment on policy "Members can read their business's team" on public.team_members is
  'Colleagues see each other; nobody sees the teams of other businesses.';

create policy "Owners and admins can add members" on public.team_members
  for insert to authenticated
  with check (
    app.has_role(business_id, array['owner'])
    or (app.has_role(business_id, array['admin']) and role <> 'owner')
  );
comment on policy "Owners and admins can add members" on public.team_members is
  'Admins invite admins and members; only an owner can make another owner.';

create policy "Owners can change roles" on public.team_members
  for update to authenticated
  using (app.has_role(business_id, array['owner']))
  with check (app.has_role(business_id, array['owner']));
comment on policy "Owners can change roles" on public.team_members is
  'Promotion and demotion change who controls the tenant, so only owners may.';

create policy "Owners and admins can remove members; anyone can leave" on public.team_members
  for delete to authenticated
  using (
    user_id = (select auth.uid())
    or app.has_role(business_id, array['owner'])
    or (app.has_role(business_id, array['admin']) and role <> 'owner')
  );
comment on policy "Owners and admins can remove members; anyone can leave" on public.team_members is
  'Admins remove admins and members, owners remove anyone, and every user may leave a team.';
