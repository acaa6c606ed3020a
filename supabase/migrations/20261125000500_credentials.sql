-- Credentials in Vault. An integration's token set (access token, refresh token, instance_url,
-- issued_at) is ONE Vault secret holding JSON, so a refresh that rotates the refresh token
-- saves both tokens in the same write. A tenant's own connected-app client id and secret,
-- when they bring one, is a second secret. The mapping table and every function live in the
-- `private` schema: not exposed through the Data API, no grants to anon or authenticated,
-- EXECUTE for service_role only. Edge functions call them as the service (asService).

create extension if not exists supabase_vault;

create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to service_role;

create table private.integration_secrets (
  integration_id uuid primary key references public.integrations (id) on delete cascade,
  tokens_secret_id uuid,
  client_secret_id uuid,
  -- Bumped on every token write: callers that raced a refresh can tell a newer token exists.
  token_version bigint not null default 0,
  tokens_updated_at timestamptz
);
comment on table private.integration_secrets is
  'Which Vault secrets hold an integration''s tokens and client credentials. Service only.';
revoke all on private.integration_secrets from public, anon, authenticated;
grant select, insert, update, delete on private.integration_secrets to service_role;

-- Vault rows follow the integration: deleting an integration (or its business) deletes them.
create or replace function private.delete_vault_secrets_of_integration() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  delete from vault.secrets where id in (old.tokens_secret_id, old.client_secret_id);
  return old;
end
$$;
comment on function private.delete_vault_secrets_of_integration() is
  'Trigger: removes the Vault secrets of a deleted integration_secrets row, so no token outlives its integration.';
revoke all on function private.delete_vault_secrets_of_integration() from public;
create trigger integration_secrets_delete_vault after delete on private.integration_secrets
  for each row execute function private.delete_vault_secrets_of_integration();

-- Saves the token set (JSON with access_token, refresh_token, instance_url, issued_at) in one
-- Vault write and returns the new token_version. The service only.
create or replace function private.save_integration_tokens(p_integration_id uuid, p_tokens jsonb)
returns bigint
language plpgsql security definer
set search_path = ''
as $$
declare
  secret_id uuid;
  version bigint;
begin
  if p_tokens ->> 'access_token' is null then
    raise exception 'tokens must include access_token' using errcode = 'invalid_parameter_value';
  end if;
  insert into private.integration_secrets (integration_id)
  values (p_integration_id)
  on conflict (integration_id) do nothing;
  select tokens_secret_id into secret_id
    from private.integration_secrets where integration_id = p_integration_id for update;
  if secret_id is null then
    secret_id := vault.create_secret(p_tokens::text, 'integration_tokens:' || p_integration_id,
                                     'OAuth tokens of integration ' || p_integration_id);
  else
    perform vault.update_secret(secret_id, p_tokens::text);
  end if;
  update private.integration_secrets
     set tokens_secret_id = secret_id, token_version = token_version + 1, tokens_updated_at = now()
   where integration_id = p_integration_id
  returning token_version into version;
  return version;
end
$$;
comment on function private.save_integration_tokens(uuid, jsonb) is
  'Service only: stores an integration''s token set in Vault in one write; returns the new token_version.';

-- The token set and its version, or no row when the integration has none.
create or replace function private.read_integration_tokens(p_integration_id uuid)
returns table (tokens jsonb, token_version bigint)
language sql stable security definer
set search_path = ''
as $$
  select d.decrypted_secret::jsonb, s.token_version
  from private.integration_secrets s
  join vault.decrypted_secrets d on d.id = s.tokens_secret_id
  where s.integration_id = p_integration_id
$$;
comment on function private.read_integration_tokens(uuid) is
  'Service only: decrypts an integration''s token set for a provider call. Never exposed to tenants.';

create or replace function private.save_integration_client(
  p_integration_id uuid, p_client_id text, p_client_secret text
) returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  secret_id uuid;
  value text := jsonb_build_object('client_id', p_client_id, 'client_secret', p_client_secret)::text;
begin
  insert into private.integration_secrets (integration_id)
  values (p_integration_id)
  on conflict (integration_id) do nothing;
  select client_secret_id into secret_id
    from private.integration_secrets where integration_id = p_integration_id for update;
  if secret_id is null then
    secret_id := vault.create_secret(value, 'integration_client:' || p_integration_id,
                                     'Connected app credentials of integration ' || p_integration_id);
    update private.integration_secrets set client_secret_id = secret_id
     where integration_id = p_integration_id;
  else
    perform vault.update_secret(secret_id, value);
  end if;
  update public.integrations set uses_own_client = true where id = p_integration_id;
end
$$;
comment on function private.save_integration_client(uuid, text, text) is
  'Service only: stores a tenant''s own connected-app client id and secret in Vault.';

create or replace function private.read_integration_client(p_integration_id uuid)
returns table (client_id text, client_secret text)
language sql stable security definer
set search_path = ''
as $$
  select d.decrypted_secret::jsonb ->> 'client_id', d.decrypted_secret::jsonb ->> 'client_secret'
  from private.integration_secrets s
  join vault.decrypted_secrets d on d.id = s.client_secret_id
  where s.integration_id = p_integration_id
$$;
comment on function private.read_integration_client(uuid) is
  'Service only: the tenant''s own client credentials, or no row (then the server''s env credentials apply).';

-- Forgets the tokens (disconnect, failed exchange) but keeps a tenant's client credentials.
create or replace function private.delete_integration_tokens(p_integration_id uuid) returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  secret_id uuid;
begin
  update private.integration_secrets s
     set tokens_secret_id = null, token_version = s.token_version + 1, tokens_updated_at = now()
    from private.integration_secrets before
   where s.integration_id = p_integration_id and before.integration_id = s.integration_id
  returning before.tokens_secret_id into secret_id;
  delete from vault.secrets where id = secret_id;
end
$$;
comment on function private.delete_integration_tokens(uuid) is
  'Service only: deletes an integration''s token secret from Vault (disconnect, failed connect).';

revoke all on function private.save_integration_tokens(uuid, jsonb),
  private.read_integration_tokens(uuid),
  private.save_integration_client(uuid, text, text),
  private.read_integration_client(uuid),
  private.delete_integration_tokens(uuid)
  from public, anon, authenticated;
grant execute on function private.save_integration_tokens(uuid, jsonb),
  private.read_integration_tokens(uuid),
  private.save_integration_client(uuid, text, text),
  private.read_integration_client(uuid),
  private.delete_integration_tokens(uuid)
  to service_role;
