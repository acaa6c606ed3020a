-- Alerts: a business registers an HTTPS webhook; when a connection needs re-authorisation, a
-- sync keeps failing, or it recovers, we POST a JSON event signed with HMAC-SHA256 over the
-- timestamp and body. The signing secret is in Vault (private mapping), never in a readable
-- column. Every delivery attempt is logged, so owners and admins can see what was sent.

create table public.alert_webhooks (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references public.businesses (id) on delete cascade,
  url text not null check (url ~ '^https?://[^\s/]+' and length(url) <= 2000),
  enabled boolean not null default true,
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.alert_webhooks is
  'Where a business receives signed alert events. The signing secret is in Vault.';
create index alert_webhooks_business_idx on public.alert_webhooks (business_id);
create index alert_webhooks_created_by_idx on public.alert_webhooks (created_by);
create trigger alert_webhooks_set_updated_at before update on public.alert_webhooks
  for each row execute function app.set_updated_at();

create table private.alert_webhook_secrets (
  webhook_id uuid primary key references public.alert_webhooks (id) on delete cascade,
  secret_id uuid not null
);
comment on table private.alert_webhook_secrets is 'Vault secret of each webhook. Service only.';
revoke all on private.alert_webhook_secrets from public, anon, authenticated;
grant select, insert, update, delete on private.alert_webhook_secrets to service_role;

create or replace function private.delete_vault_secret_of_webhook() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  delete from vault.secrets where id = old.secret_id;
  return old;
end
$$;
comment on function private.delete_vault_secret_of_webhook() is
  'Trigger: a webhook''s signing secret goes with it.';
revoke all on function private.delete_vault_secret_of_webhook() from public;
create trigger alert_webhook_secrets_delete_vault after delete on private.alert_webhook_secrets
  for each row execute function private.delete_vault_secret_of_webhook();

create or replace function private.save_webhook_secret(p_webhook_id uuid, p_secret text) returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  existing uuid;
begin
  select secret_id into existing from private.alert_webhook_secrets where webhook_id = p_webhook_id;
  if existing is null then
    insert into private.alert_webhook_secrets (webhook_id, secret_id)
    values (p_webhook_id, vault.create_secret(p_secret, 'alert_webhook:' || p_webhook_id,
                                              'Signing secret of alert webhook ' || p_webhook_id));
  else
    perform vault.update_secret(existing, p_secret);
  end if;
end
$$;
comment on function private.save_webhook_secret(uuid, text) is
  'Service only: stores or replaces a webhook''s signing secret in Vault.';

create or replace function private.read_webhook_secret(p_webhook_id uuid) returns text
language sql stable security definer
set search_path = ''
as $$
  select d.decrypted_secret
  from private.alert_webhook_secrets w
  join vault.decrypted_secrets d on d.id = w.secret_id
  where w.webhook_id = p_webhook_id
$$;
comment on function private.read_webhook_secret(uuid) is
  'Service only: the signing secret, to sign a delivery.';

revoke all on function private.save_webhook_secret(uuid, text), private.read_webhook_secret(uuid)
  from public, anon, authenticated;
grant execute on function private.save_webhook_secret(uuid, text), private.read_webhook_secret(uuid)
  to service_role;

create table public.alert_deliveries (
  id bigint generated always as identity primary key,
  business_id uuid not null references public.businesses (id) on delete cascade,
  webhook_id uuid not null references public.alert_webhooks (id) on delete cascade,
  integration_id uuid references public.integrations (id) on delete set null,
  event_type text not null check (event_type in ('reauth_required', 'sync_failing', 'sync_recovered')),
  -- The exact event body that was signed and sent; ids and states, never secrets.
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_status_code integer,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.alert_deliveries is
  'Alert events and their delivery attempts (retried with backoff until delivered or given up).';
create index alert_deliveries_due_idx on public.alert_deliveries (next_attempt_at) where status = 'pending';
create index alert_deliveries_business_idx on public.alert_deliveries (business_id, created_at desc);
create index alert_deliveries_webhook_idx on public.alert_deliveries (webhook_id);
create index alert_deliveries_integration_idx on public.alert_deliveries (integration_id);

revoke all on public.alert_webhooks, public.alert_deliveries from anon, authenticated;
grant select, delete on public.alert_webhooks to authenticated;
grant insert (business_id, url, enabled) on public.alert_webhooks to authenticated;
grant update (url, enabled) on public.alert_webhooks to authenticated;
grant select on public.alert_deliveries to authenticated;
grant all on public.alert_webhooks, public.alert_deliveries to service_role;
alter table public.alert_webhooks enable row level security;
alter table public.alert_deliveries enable row level security;

create policy "Owners and admins can read alert webhooks" on public.alert_webhooks
  for select to authenticated using (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can read alert webhooks" on public.alert_webhooks is
  'Where alerts go is operational configuration, for those who administer the business.';

create policy "Owners and admins can add alert webhooks" on public.alert_webhooks
  for insert to authenticated with check (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can add alert webhooks" on public.alert_webhooks is
  'Sending a tenant''s alerts somewhere is an administrative decision.';

create policy "Owners and admins can change alert webhooks" on public.alert_webhooks
  for update to authenticated
  using (app.has_role(business_id, array['owner', 'admin']))
  with check (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can change alert webhooks" on public.alert_webhooks is
  'Re-pointing or pausing alerts is administrative.';

create policy "Owners and admins can delete alert webhooks" on public.alert_webhooks
  for delete to authenticated using (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can delete alert webhooks" on public.alert_webhooks is
  'Removing alerts is administrative.';

create policy "Owners and admins can read alert deliveries" on public.alert_deliveries
  for select to authenticated using (app.has_role(business_id, array['owner', 'admin']));
comment on policy "Owners and admins can read alert deliveries" on public.alert_deliveries is
  'The delivery log shows what was sent to the business''s endpoint; written by the server only.';
