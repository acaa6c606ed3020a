-- A stored credential set is whatever the provider's auth mode uses, not only an OAuth token:
-- api_key providers keep a key, basic providers (Workday's Integration System User) a user
-- name and password. save_integration_tokens refused every set without an access_token, so
-- `PUT /integrations/:id/credentials` could not store a key at all. It now refuses only a set
-- that carries no usable credential, and stays one Vault write with its token_version bump.

create or replace function private.save_integration_tokens(p_integration_id uuid, p_tokens jsonb)
returns bigint
language plpgsql security definer
set search_path = ''
as $$
declare
  secret_id uuid;
  version bigint;
begin
  if jsonb_typeof(p_tokens) is distinct from 'object'
     or not (p_tokens ? 'access_token'
             or p_tokens ? 'api_key'
             or (p_tokens ? 'username' and p_tokens ? 'password')) then
    raise exception 'a credential set needs an access_token, an api_key, or a username and password'
      using errcode = 'invalid_parameter_value';
  end if;
  insert into private.integration_secrets (integration_id)
  values (p_integration_id)
  on conflict (integration_id) do nothing;
  select tokens_secret_id into secret_id
    from private.integration_secrets where integration_id = p_integration_id for update;
  if secret_id is null then
    secret_id := vault.create_secret(p_tokens::text, 'integration_tokens:' || p_integration_id,
                                     'Credentials of integration ' || p_integration_id);
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
  'Service only: stores an integration''s credential set (OAuth tokens, an API key, or a Basic user and password) in Vault in one write; returns the new token_version.';

-- create or replace keeps the grants; restated so this file says who may call it.
revoke all on function private.save_integration_tokens(uuid, jsonb) from public, anon, authenticated;
grant execute on function private.save_integration_tokens(uuid, jsonb) to service_role;
