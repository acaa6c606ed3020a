-- Audit trail of integrations: who changed which integration, and which columns went from
-- what to what. Written by one trigger for every insert, update and delete, whoever the
-- writer is (a user through RLS or the server). integrations holds no secret, and the
-- trigger records only its columns, so the trail cannot leak a token.

create table public.integration_audit_log (
  id bigint generated always as identity primary key,
  business_id uuid not null references public.businesses (id) on delete cascade,
  integration_id uuid not null,
  actor_id uuid references auth.users (id) on delete set null,
  action text not null check (action in ('insert', 'update', 'delete')),
  changes jsonb not null,
  created_at timestamptz not null default now()
);
comment on table public.integration_audit_log is
  'Who changed an integration and how: {column: [old, new]}. No secrets by construction.';
create index integration_audit_log_integration_idx on public.integration_audit_log (integration_id, id);
create index integration_audit_log_business_idx on public.integration_audit_log (business_id);
create index integration_audit_log_actor_idx on public.integration_audit_log (actor_id);

revoke all on public.integration_audit_log from anon, authenticated;
grant select on public.integration_audit_log to authenticated;
grant all on public.integration_audit_log to service_role;
alter table public.integration_audit_log enable row level security;

create policy "Owners and admins can read the integration audit log" on public.integration_audit_log
  for select to authenticated
  using (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can read the integration audit log" on public.integration_audit_log is
  'The audit trail is for those who administer connections; nobody may write or alter it.';

-- Records the change as {column: [old, new]} for the columns that changed (all of them on
-- insert and delete); updated_at alone is not a change. The actor is the JWT's user, or null
-- when the server acts. Definer, so the log is written even though no role may insert into it.
create or replace function app.audit_integration_change() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  old_row jsonb := case when tg_op = 'INSERT' then '{}'::jsonb else to_jsonb(old) end;
  new_row jsonb := case when tg_op = 'DELETE' then '{}'::jsonb else to_jsonb(new) end;
  diff jsonb;
begin
  select coalesce(jsonb_object_agg(k, jsonb_build_array(old_row -> k, new_row -> k)), '{}'::jsonb)
    into diff
    from (select jsonb_object_keys(old_row || new_row) as k) keys
   where k <> 'updated_at' and (old_row -> k) is distinct from (new_row -> k);
  if diff = '{}'::jsonb then
    return null;
  end if;
  insert into public.integration_audit_log (business_id, integration_id, actor_id, action, changes)
  values (
    coalesce(new.business_id, old.business_id),
    coalesce(new.id, old.id),
    (select auth.uid()),
    lower(tg_op),
    diff
  );
  return null;
end
$$;
comment on function app.audit_integration_change() is
  'Trigger on integrations: appends who changed what to integration_audit_log. Runs as definer; no caller input but the row.';
revoke all on function app.audit_integration_change() from public;

create trigger integrations_audit after insert or update or delete on public.integrations
  for each row execute function app.audit_integration_change();
